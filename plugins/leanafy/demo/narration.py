"""Narrating ``techoms`` commands: print one, run it in-process, check what happened.

:class:`Narrator` is what the demo (:mod:`plugins.leanafy.demo.story`) tells its story
with. Every command it shows is a real ``techoms`` command line, run with the
narrator's :class:`~techoms_core.cli.app.CliState`, so what the reader sees is
exactly what they would see typing it. Each :meth:`Narrator.expect` compares
the narration with what happened and keeps every difference.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from rich.rule import Rule
from rich.text import Text

from techoms_core.cli.app import CliState
from techoms_core.cli.sync import print_summary, run_with_progress
from techoms_core.runs import RunSummary


class Narrator:
    """Narration, in-process ``techoms`` commands and the checks between them.

    :param state: the CLI state the commands run with.
    :param run_cli: runs one ``techoms`` command line in-process; its exit status.
    :param channel: the channel :meth:`sync` runs options of.
    """

    def __init__(self, state: CliState, run_cli: Callable[[list[str]], int], channel: str) -> None:
        self.state = state
        self.run_cli = run_cli
        self.channel_name = channel
        self.out = state.out.out
        self.mismatches: list[str] = []

    def chapter(self, title: str, *lines: str) -> None:
        """A chapter's title rule and its opening lines (rich markup allowed)."""
        self.out.print()
        self.out.print(Rule(f"[bold]{title}[/]", align="left"))
        self.say(*lines)

    def say(self, *lines: str) -> None:
        for line in lines:
            self.out.print(line)

    def techoms(self, *args: str, expect_status: int = 0) -> int:
        """Print and run ``techoms ARGS``; check its exit status."""
        self.out.print(Text(f"\n$ techoms {shlex.join(args)}", style="bold cyan"))
        status = self.run_cli(list(args))
        self.expect(
            status == expect_status,
            f"`techoms {' '.join(args)}` exits {expect_status}",
            f"it exited {status}",
        )
        return status

    def sync(self, option: str) -> RunSummary:
        """``techoms sync CHANNEL OPTION``, keeping the summary for the checks."""
        self.out.print(Text(f"\n$ techoms sync {self.channel_name} {option}", style="bold cyan"))
        summary = run_with_progress(
            self.state, self.channel_name, option, dry_run=False, show_progress=self.out.is_terminal
        )
        print_summary(self.state, summary, list_all=True)
        return summary

    def expect(self, holds: bool, what: str, otherwise: str = "") -> None:
        """One check of the narration (``what``) against what happened."""
        if holds:
            return
        detail = f"{what}; but {otherwise}" if otherwise else what
        self.mismatches.append(detail)
        self.out.print(Text.assemble(("✗ not as narrated: ", "bold red"), detail))

    def expect_results(self, summary: RunSummary, wanted: dict[str, str]) -> None:
        """Each record key in ``wanted`` ended the run with that status."""
        got = {line.key: line.status for line in summary.records}
        for key, status in wanted.items():
            self.expect(got.get(key) == status, f"{key} is {status}", f"it is {got.get(key)}")
