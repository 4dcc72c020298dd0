"""Syncs started from the console, run in the background through the runner.

A sync is :func:`techoms_core.runner.run_option`, exactly as ``techoms sync``
runs it (same host, same lock, same run log), in a thread of its own. The
runner reports progress to a :class:`LiveRun`, which the channel page polls
for its progress bar; the counts by status come from the run log as the
runner writes it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from attrs import define, field

from techoms_core.runner import RunRefused, RunSummary, run_option

if TYPE_CHECKING:
    from techoms_core.console.state import ConsoleState


@define
class LiveRun:
    """One sync started from the console, as its progress bar shows it.

    It is the runner's progress callback (:class:`~techoms_core.runs.RunProgress`).
    ``total`` is ``None`` until the runner knows it (receives never do).
    """

    number: int
    channel: str
    option: str
    total: int | None = None
    done: int = 0
    description: str = ""
    run_id: int | None = None
    summary: RunSummary | None = None
    refused: str | None = None
    error: str | None = None
    stop: threading.Event = field(factory=threading.Event)
    finished: threading.Event = field(factory=threading.Event)

    def start(self, total: int | None, description: str) -> None:
        self.total = total
        self.description = description

    def advance(self, count: int = 1) -> None:
        self.done += count

    @property
    def running(self) -> bool:
        return not self.finished.is_set()

    @property
    def percent(self) -> int | None:
        """How far the run is, 0-100, when its total is known."""
        if self.summary is not None:
            return 100
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class BackgroundRuns:
    """The syncs the console started, by number (newest last)."""

    def __init__(self, state: ConsoleState) -> None:
        self._state = state
        self._runs: dict[int, LiveRun] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, channel: str, option: str) -> LiveRun:
        """Start ``option`` of ``channel`` in a new thread and return its
        :class:`LiveRun` at once. A run the runner refuses (not in the menu,
        already running, settings invalid) ends with ``refused`` set."""
        with self._lock:
            live = LiveRun(number=len(self._runs) + 1, channel=channel, option=option)
            self._runs[live.number] = live
            thread = threading.Thread(
                target=self._run, args=(live,), name=f"console-sync-{live.number}", daemon=True
            )
            self._threads.append(thread)
        thread.start()
        return live

    def get(self, number: int) -> LiveRun | None:
        return self._runs.get(number)

    def _run(self, live: LiveRun) -> None:
        state = self._state
        try:
            live.summary = run_option(
                state.host,
                state.registry,
                live.channel,
                live.option,
                progress=live,
                stop=live.stop,
                environ=state.environ,
            )
            live.run_id = live.summary.run_id
        except RunRefused as refused:
            live.refused = str(refused)
        except Exception as error:  # the page shows it; the run log has the rest
            live.error = f"{type(error).__name__}: {error}"
        finally:
            live.finished.set()

    def stop_all(self, timeout: float = 30.0) -> None:
        """Ask every running sync to stop after its batch, and wait for them."""
        for live in list(self._runs.values()):
            live.stop.set()
        for thread in list(self._threads):
            thread.join(timeout)
