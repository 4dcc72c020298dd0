"""Settings typed at a prompt or read from stdin, instead of on the command line.

A value given as ``FIELD=-`` is asked for: at a prompt when stdin is a
terminal (hidden for secret fields), else read as one line of stdin, so
scripts can pipe it (``printf '%s\\n' "$SECRET" | techoms channel set east
api_secret=-``). A literal secret on the command line still works, with a
warning: other local users can read a command line (``ps``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import click

from techoms_core.cli.output import Output
from techoms_core.plugin import ChannelPlugin
from techoms_core.settings.validation import ENV_PREFIX, SettingsProblem

#: The value that means "ask for it".
ASK = "-"


def read_asked_values(
    plugin: ChannelPlugin, values: Mapping[str, str], out: Output
) -> tuple[dict[str, str], list[SettingsProblem]]:
    """``values`` with every ``FIELD=-`` replaced by what the user typed or
    piped, and a problem for each that could not be read. Warns about literal
    secrets given on the command line."""
    schema = plugin.declaration.settings
    secret_keys = set(schema.secret_keys())
    labels = {field.key: field.label for field in schema.fields}
    read: dict[str, str] = {}
    problems = []
    stdin = sys.stdin
    for key, value in values.items():
        if value.strip() != ASK:
            read[key] = value
            if key in secret_keys and value.strip() and not value.strip().startswith(ENV_PREFIX):
                out.note(
                    f"warning: {key} was given on the command line, where other users of "
                    f"this machine can see it (ps); give {key}=- to type it at a prompt "
                    f"or pipe it on stdin, or {key}=env:VAR"
                )
            continue
        if stdin.isatty():
            read[key] = click.prompt(labels.get(key, key), hide_input=key in secret_keys, err=True)
            continue
        line = stdin.readline()
        if not line:
            problems.append(
                SettingsProblem(key, f"{key}: {ASK!r} reads the value from stdin, which ended")
            )
            continue
        read[key] = line.rstrip("\r\n")
    out.add_secrets(read[key] for key in secret_keys & read.keys())
    return read, problems
