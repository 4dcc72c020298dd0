"""What a run reports: :class:`RunSummary`, per-record lines, progress, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Protocol

import attrs
from attrs import define, field

from techoms_core.host import RunStatus, RunTraffic
from techoms_core.models import RecordResult, Status


class RunProgress(Protocol):
    """What the runner reports progress to (the CLI draws a progress bar)."""

    def start(self, total: int | None, description: str) -> None:
        """The run begins; ``total`` records when known (sends), else ``None``."""

    def advance(self, count: int = 1) -> None:
        """``count`` more records have their result."""


class RecordLine(NamedTuple):
    """One record's result in a summary."""

    key: str
    status: str
    message: str
    field: str | None = None


class RunRefused(Exception):
    """The run could not start: unknown or disabled channel, invalid settings,
    option not supported or not in the Sync menu, or already running.

    ``run_id`` is the run-log entry that records the refusal (``None`` when
    none was written: dry runs, lock conflicts, unknown channels or options).
    ``locked_until`` is set when another holder has the run lock: when that
    lock expires unless its holder renews it.
    """

    def __init__(
        self, message: str, run_id: int | None = None, *, locked_until: dt.datetime | None = None
    ) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.locked_until = locked_until


def _zero_counts() -> dict[str, int]:
    return {status.value: 0 for status in Status}


@define
class RunSummary:
    """How one run of one option for one channel ended.

    ``counts`` maps ``ok``, ``skipped``, ``warning`` and ``failed`` to numbers;
    ``records`` lists each record's :class:`RecordLine` (for an inventory
    snapshot only the records that are not ``ok``, which are counted).
    ``status`` is a :class:`~techoms_core.host.RunStatus`; ``message`` says why
    a run failed or stopped. A dry run has no ``run_id``.

    ``traffic`` is what the run asked of the WMS (requests, retries, 429s),
    also kept in the run log; ``transport_cpu_seconds`` the CPU time the HTTP
    library spent in this process on the run's requests
    (:class:`~techoms_core.http.SessionStats`), which is a measure of this
    machine and is not logged. Both are unset when the run was refused.
    """

    channel: str
    option: str
    counts: dict[str, int] = field(factory=_zero_counts)
    records: list[RecordLine] = field(factory=list)
    run_id: int | None = None
    status: RunStatus = RunStatus.RUNNING
    message: str | None = None
    dry_run: bool = False
    traffic: RunTraffic | None = None
    transport_cpu_seconds: float | None = None

    @property
    def succeeded(self) -> bool:
        """The run went to the end and no record failed."""
        return self.status is RunStatus.COMPLETED and not self.counts[Status.FAILED.value]

    def add(self, result: RecordResult, *, listed: bool = True) -> None:
        """Count one result (and list it unless ``listed`` is false)."""
        self.counts[result.status.value] += 1
        if listed:
            self.records.append(
                RecordLine(result.key, result.status.value, result.message, result.field)
            )

    def as_json(self) -> dict[str, Any]:
        """The object ``techoms sync --json`` prints."""
        return {
            "channel": self.channel,
            "option": self.option,
            "status": self.status.value,
            "message": self.message,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "counts": dict(self.counts),
            "traffic": attrs.asdict(self.traffic) if self.traffic else None,
            "records": [record._asdict() for record in self.records],
        }
