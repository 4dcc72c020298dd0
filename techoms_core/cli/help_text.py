"""Help text as a terminal shows it: no reStructuredText, whole summaries, clean usage.

Docstrings of commands are written once for both the API docs and ``--help``;
:func:`polish_help` makes the terminal's form of every command in the tree:

* ````techoms sync```` (reStructuredText literal) shows as ``"techoms sync"``;
* a command's summary in its group's list is its whole first sentence (click
  would cut it to the width, or at the "." of "e.g.");
* an argument with a fixed set of values shows as its name in the usage line
  (``LEVEL``, not ``{sales_order|...}``, which a narrow terminal breaks inside
  a word), and the help says which values it takes.
"""

from __future__ import annotations

import inspect
import re

import click

_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)
#: A sentence ends at a full stop followed by a space or the end, but not the
#: one of an abbreviation.
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.(?=\s|$)")
_POLISHED = "_techoms_help_polished"


def polish_help(command: click.Command) -> None:
    """Polish ``command`` and, for a group, every command below it (once each)."""
    if getattr(command, _POLISHED, False):
        return
    setattr(command, _POLISHED, True)
    if command.help:
        command.help = plain_text(inspect.cleandoc(command.help))
        command.short_help = command.short_help or summary(command.help)
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            param.help = plain_text(param.help)
        if isinstance(param, click.Argument) and isinstance(param.type, click.Choice):
            _name_choices(command, param)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            polish_help(sub)


def plain_text(text: str) -> str:
    """reStructuredText literals as quoted text."""
    return _LITERAL.sub(lambda match: f'"{match.group(1)}"', text)


def summary(text: str) -> str:
    """The first sentence of the first paragraph, whole."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = _SENTENCE_END.search(paragraph)
    return paragraph[: end.end()] if end else paragraph


def _name_choices(command: click.Command, argument: click.Argument) -> None:
    if argument.metavar is None and argument.name:
        argument.metavar = argument.name.upper()
    choices = ", ".join(str(choice) for choice in argument.type.choices)  # type: ignore[attr-defined]
    line = f"{argument.metavar} is one of: {choices}."
    if line not in (command.help or ""):
        command.help = f"{command.help or ''}\n\n{line}".strip()
