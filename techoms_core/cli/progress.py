"""The progress bar of a run, on stderr: done of total, rate and time left.

The runner reports the total when it knows it (sends count what is due; an
inventory snapshot learns the warehouse's row count from its first page) and
one advance per record or row. The bar always shows the rate; the time left
only when there is a total to reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Records per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class EtaColumn(ProgressColumn):
    """Time left at the current rate; nothing while the total is unknown."""

    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if task.total is None or remaining is None:
            return Text("")
        return Text(f"ETA {dt.timedelta(seconds=round(remaining))}", style="progress.remaining")


class ProgressBar:
    """The runner's progress callback, drawn as a rich progress bar on stderr."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            EtaColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: Any = None

    def start(self, total: int | None, description: str) -> None:
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(description, total=total)
        else:
            self._progress.update(self._task, total=total, description=description)

    def advance(self, count: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, count)

    def stop(self) -> None:
        self._progress.stop()
