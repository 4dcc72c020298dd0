"""The host interface: what a techOMS must offer for the runner to run its channels.

A *host* owns the techOMS side of every flow: the account, the channels, the
records to send and their send state, the updates received, cursors, mappings,
recurring jobs, the run log and the run locks. The runner
(:mod:`techoms_core.runner`) and the job scheduler (:mod:`techoms_core.jobs`)
talk to a host only through :class:`Host`; the embedded reference host is
:class:`techoms_core.store.SqliteHost`. A real techOMS replaces it by
implementing this Protocol over its own database.

The guarantees of spec §5 are split between the runner and the host:

* **Sends.** The runner reads :meth:`Host.records_to_send` in batches, calls
  the plugin, and hands the results to :meth:`Host.record_send_results` in
  small groups as they stream in (at most 25 results, see
  :mod:`techoms_core.send_groups`). The host must, in ONE transaction per
  call, move each record to its new send state (``ok`` / ``skipped`` with a
  ``remote_id`` -> sent, bound to that WMS id; ``failed`` -> stays ready with
  the error) and write the results to the run log. A crash then loses at most
  the results in flight and one uncommitted group, and the plugin's
  look-before-create rule finds what was created.
* **Receives.** :meth:`Host.apply_page` applies a page's records, stores its
  cursor and logs its results in ONE transaction. Applying the same update
  twice is a no-op (by the record's state and the update's ``version``).
* **Snapshots** (inventory). Pages are staged with
  :meth:`Host.stage_snapshot_page` (bounded memory), and
  :meth:`Host.commit_snapshot` swaps them in for the channel's warehouse in
  one transaction; :meth:`Host.begin_snapshot` discards an abandoned staging.
* **Review items.** Updates the runner does not apply on its own (short-shipped
  shipments) are kept for a person: :meth:`Host.accept_review` applies what the
  warehouse shipped, :meth:`Host.dismiss_review` applies nothing; each is ONE
  transaction with its run-log entry (types in :mod:`techoms_core.reviews`).
* **Dry runs** use only the read-only methods (``records_to_send``,
  ``count_to_send``, ``cursor``, :meth:`Host.preview_page`,
  :meth:`Host.preview_snapshot_page`): nothing is written anywhere.
* **Locks.** One run per (channel, option) at a time, through
  :meth:`Host.acquire_lock`; a lock whose holder crashed must be taken over.
* **Throughput caps** (optional, :class:`ThroughputRole`). A host whose runs of
  one channel may overlap (several processes or machines on one database)
  shares each channel's cap between them: :meth:`ThroughputRole.shared_cap`.
  A host without it gives every run the whole cap of its own.

Option arguments are sync option keys (``"send-shipments"``); see
:mod:`techoms_core.options`. Records are the models of
:mod:`techoms_core.models`. Every method that is not about one record raises
:class:`UnknownChannel` for a channel the host does not know.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from attrs import field, frozen

from techoms_core.models import Product, Receipt, Shipment

if TYPE_CHECKING:
    from techoms_core.context import ChannelConfig
    from techoms_core.http.shared_limiter import SharedCap
    from techoms_core.mappings import Mappings
    from techoms_core.models import InventoryLevel, Page, RecordResult
    from techoms_core.reviews import ReviewDecision, ReviewItem, ReviewStatus
    from techoms_core.throughput import ThroughputProfile

#: What a send option reads: products, shipments or receipts.
SendRecord = Product | Shipment | Receipt


class HostError(Exception):
    """Base class of the errors a host raises on purpose."""


class UnknownChannel(HostError, LookupError):
    """No channel of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no channel named {name!r}")
        self.name = name


class ChannelExists(HostError, ValueError):
    """A channel of that name already exists."""

    def __init__(self, name: str) -> None:
        super().__init__(f"a channel named {name!r} already exists")
        self.name = name


class RunLocked(HostError, RuntimeError):
    """Another live process holds the run lock of this (channel, option)."""

    def __init__(self, lock: str, holder: LockHolder, expires_at: dt.datetime) -> None:
        super().__init__(
            f"{lock} is already running (pid {holder.pid} on {holder.hostname}, "
            f"lock held until {expires_at.isoformat(timespec='seconds')} unless renewed)"
        )
        self.lock = lock
        self.holder = holder
        self.expires_at = expires_at


class ShipmentStatus(enum.StrEnum):
    """A shipment's state on the techOMS side (spec §6)."""

    READY = "ready"  # to be sent; a failed send stays here with its error
    SENT = "sent"  # the WMS has it, under ``remote_id``
    SHIPPED = "shipped"  # packages and shipped quantities applied
    CANCELLED = "cancelled"


class ReceiptStatus(enum.StrEnum):
    """A receipt's state on the techOMS side (spec §6)."""

    READY = "ready"
    SENT = "sent"
    RECEIVED = "received"  # received quantities, lots and unit costs applied


class RunStatus(enum.StrEnum):
    """How a run ended, as the run log shows it."""

    RUNNING = "running"
    COMPLETED = "completed"  # every record has a result (some may have failed)
    STOPPED = "stopped"  # asked to stop; the current batch or page was finished
    FAILED = "failed"  # a failure of the whole run (its message says why)
    REFUSED = "refused"  # never started: settings invalid, option not in the menu...
    INTERRUPTED = "interrupted"  # its process died; found when its lock was taken over


class JobPeriod(enum.StrEnum):
    """How often a recurring job runs (spec §7); ``none`` is off."""

    NONE = "none"
    M5 = "5m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H4 = "4h"
    H12 = "12h"
    H24 = "24h"

    @property
    def interval(self) -> dt.timedelta | None:
        """The time between two runs, or ``None`` for ``none``."""
        if self is JobPeriod.NONE:
            return None
        amount, unit = int(self.value[:-1]), self.value[-1]
        return dt.timedelta(minutes=amount) if unit == "m" else dt.timedelta(hours=amount)

    @classmethod
    def parse(cls, value: str) -> JobPeriod:
        """``"15m"`` -> ``JobPeriod.M15``; a clear ``ValueError`` naming the choices."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise ValueError(f"period: {value!r} is not one of {choices}") from None


@frozen(kw_only=True)
class LockHolder:
    """Who holds a run lock: enough to tell whether the holder is still alive."""

    pid: int
    hostname: str
    token: str  # unique per acquisition, so a stale holder cannot release a new lock

    @classmethod
    def for_this_process(cls) -> LockHolder:
        """A holder for the calling process, with a fresh token."""
        return cls(pid=os.getpid(), hostname=socket.gethostname(), token=uuid.uuid4().hex)


@frozen(kw_only=True)
class Job:
    """A recurring job of one channel and option."""

    channel: str
    option: str
    period: JobPeriod = field(converter=JobPeriod)
    next_due_at: dt.datetime | None = None
    last_run_at: dt.datetime | None = None
    last_status: str | None = None  # a RunStatus value, or "not run"
    last_message: str | None = None
    last_run_id: int | None = None


@frozen(kw_only=True)
class RunTraffic:
    """What a run asked of the WMS, as the channel's HTTP session counted it.

    It accounts for the faults that retries absorbed, which the per-record
    results cannot show: a run whose records all ended ``ok`` may still have
    met 429s and 5xx answers on the way.

    :ivar requests: attempts sent (a retried request counts once per attempt).
    :ivar retries: attempts that failed and were tried again.
    :ivar rate_limited: answers with status 429 (retried or not).
    """

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0


@frozen(kw_only=True)
class RunRecord:
    """One run as the run log keeps it. ``counts`` maps each
    :class:`~techoms_core.models.Status` value to a number; ``traffic`` is
    ``None`` where it was not recorded (refused runs, a process killed before
    the run's end, runs logged before it was kept)."""

    id: int
    channel: str
    option: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: RunStatus = field(converter=RunStatus)
    counts: Mapping[str, int]
    dry_run: bool = False
    message: str | None = None
    traffic: RunTraffic | None = None


@frozen(kw_only=True)
class RunMessage:
    """One record's result in a run: ``level`` is info, warning, error or fatal."""

    run_id: int
    key: str
    status: str
    level: str
    message: str
    field: str | None = None
    at: dt.datetime | None = None


@runtime_checkable
class ChannelsRole(Protocol):
    """The account and its channels: every flow reads them first."""

    def master_product_source(self) -> str:
        """The account's Master Product Source: ``"techoms"`` or a channel name."""
        ...

    def channel(self, name: str) -> ChannelConfig:
        """The channel's configuration, settings as stored (``env:VAR`` kept).

        :raises UnknownChannel: no such channel.
        """
        ...

    def channels(self) -> Sequence[ChannelConfig]:
        """Every channel, by name."""
        ...

    def mappings(self, channel: str) -> Mappings:
        """The channel's SKU, carrier (with the unmapped policy) and reference mappings."""
        ...


@runtime_checkable
class SendsRole(Protocol):
    """The records a send option sends, and their send state."""

    def count_to_send(self, channel: str, option: str) -> int:
        """How many records :meth:`records_to_send` would yield in all (for progress)."""
        ...

    def records_to_send(
        self, channel: str, option: str, *, limit: int, after: str | None = None
    ) -> Sequence[SendRecord]:
        """The next ``limit`` records the send ``option`` should send to ``channel``.

        Ordered by key; ``after`` is the key of the last record of the previous
        batch, so a record that failed in this run is not read again by it.
        Fewer than ``limit`` records means none more is due after them: the
        runner then neither counts nor reads again. Read-only.

        * ``export-products``: products not yet in the channel.
        * ``update-products``: products in the channel, changed since last sent.
        * ``send-shipments`` / ``send-receipts``: records ``ready`` for the
          channel's warehouse (every warehouse when the channel has none).
        * ``cancel-shipments``: ``sent`` shipments of the channel whose
          cancellation was requested.
        """
        ...

    def record_send_results(
        self, run_id: int, channel: str, option: str, results: Sequence[RecordResult]
    ) -> None:
        """Apply send results and log them, all in ONE transaction.

        ``ok``, and ``skipped`` with a ``remote_id`` (already in the WMS), bind
        the record to that id and move it on (``sent``; ``cancelled`` for
        ``cancel-shipments``). ``failed`` leaves it where it was, with the
        error kept on the record. Every result is written to the run log.
        """
        ...


@runtime_checkable
class ReceivesRole(Protocol):
    """Cursors and received pages, for the receive options."""

    def cursor(self, channel: str, option: str) -> str | None:
        """The cursor of the last committed page, or ``None``."""
        ...

    def apply_page(
        self, run_id: int, channel: str, option: str, page: Page[Any]
    ) -> list[RecordResult]:
        """Apply a received page: records, ``page.cursor`` and the run-log
        messages (the page's problems included) in ONE transaction.

        Returns one result per record and problem. An update already applied
        (same state, same ``version``) is ``skipped`` and changes nothing; a
        ``short_shipped`` update is kept for review, not applied, and
        ``skipped`` naming the short lines.
        """
        ...

    def preview_page(self, channel: str, option: str, page: Page[Any]) -> list[RecordResult]:
        """What :meth:`apply_page` would report, writing nothing (dry runs)."""
        ...


@runtime_checkable
class ReviewsRole(Protocol):
    """Updates kept for a person to accept or dismiss (short-shipped shipments)."""

    def review_items(
        self, channel: str | None = None, *, status: ReviewStatus | None = None
    ) -> list[ReviewItem]:
        """The updates kept for review (of one channel, or all; of one
        :class:`~techoms_core.reviews.ReviewStatus`, or all), oldest first,
        each with its lines (ordered against shipped) and packages."""
        ...

    def review_item(self, item_id: int) -> ReviewItem:
        """One review item.

        :raises ~techoms_core.reviews.UnknownReviewItem: no item with that id.
        """
        ...

    def accept_review(self, item_id: int) -> ReviewDecision:
        """Apply what the warehouse shipped, as a receive applies a full update
        (the shipment becomes ``shipped`` with the reported quantities and
        packages), mark the item ``accepted`` and record it in the run log,
        all in ONE transaction.

        :raises ~techoms_core.reviews.UnknownReviewItem: no item with that id.
        :raises ~techoms_core.reviews.ReviewRefused: the item is not pending, or
            its update no longer applies (the shipment was shipped or cancelled
            since, or a reported SKU is not on it); nothing is changed.
        """
        ...

    def dismiss_review(self, item_id: int) -> ReviewDecision:
        """Close a pending item without applying anything, and record it in the
        run log, in ONE transaction.

        :raises ~techoms_core.reviews.UnknownReviewItem: no item with that id.
        :raises ~techoms_core.reviews.ReviewRefused: the item is not pending.
        """
        ...


@runtime_checkable
class SnapshotsRole(Protocol):
    """Staging and swapping in a snapshot, for ``receive-inventory``."""

    def begin_snapshot(self, run_id: int, channel: str, option: str) -> None:
        """Start staging a snapshot; discards what an abandoned run staged."""
        ...

    def stage_snapshot_page(
        self, run_id: int, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        """Stage one page (committed, bounded memory). Returns only the results
        that are not ``ok`` (unknown SKUs are warnings, repeats are skipped) and
        logs them; ``ok`` rows are counted, not listed."""
        ...

    def preview_snapshot_page(
        self, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        """What :meth:`stage_snapshot_page` would report, writing nothing."""
        ...

    def commit_snapshot(self, run_id: int, channel: str, option: str) -> int:
        """Replace the channel warehouse's levels with the staged snapshot in ONE
        transaction; returns how many levels it now holds."""
        ...

    def held_levels(self, channel: str) -> int:
        """How many levels the channel's warehouse holds now: what a snapshot
        would replace (:mod:`techoms_core.snapshot_guard` asks before an
        unreadable or empty snapshot is swapped in)."""
        ...


@runtime_checkable
class RunLogRole(Protocol):
    """The run log: one entry per run, with its counts and messages."""

    def start_run(
        self,
        channel: str,
        option: str,
        *,
        dry_run: bool = False,
        holder: LockHolder | None = None,
    ) -> int:
        """Open a run in the run log (status ``running``); returns its id.

        ``holder`` is the lock the run holds: when that lock is later taken
        over from a dead holder, its runs still ``running`` become
        ``interrupted``."""
        ...

    def finish_run(
        self,
        run_id: int,
        status: RunStatus,
        counts: Mapping[str, int],
        message: str | None = None,
        *,
        traffic: RunTraffic | None = None,
    ) -> None:
        """Close a run with its status, for a failure of the whole run the
        message, and what it asked of the WMS (``traffic``, when the run got as
        far as opening its channel session).

        ``counts`` are what the runner counted of the results it had committed.
        The run log's counts must always equal the messages committed, however
        the run ends (a killed process never calls this): a host adds to them
        in the same transaction as the messages (:meth:`record_send_results`,
        :meth:`apply_page`, :meth:`stage_snapshot_page`, whose unlisted ``ok``
        rows count too, :meth:`log_results`), and may then keep its own."""
        ...

    def log_results(self, run_id: int, results: Sequence[RecordResult]) -> None:
        """Write results that change no record (e.g. a refused run's reason)."""
        ...


@runtime_checkable
class LocksRole(Protocol):
    """Run locks that survive a crashed holder: one run per (channel, option).

    :meth:`refresh_lock` is called from the runner's heartbeat thread while
    the run goes on; every other method of a host from one thread at a time.
    """

    def acquire_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        """Take the lock ``name`` for ``ttl``, in one transaction.

        A lock held by a live holder raises :class:`RunLocked`. A lock whose
        holder is gone (expired, or a dead pid on this host) is taken over,
        and the runs that holder left ``running`` become ``interrupted``.
        """
        ...

    def refresh_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        """Extend a lock this holder owns (the runner's heartbeat thread calls
        it every quarter of ``ttl``).

        :raises RunLocked: the lock was taken over by another holder.
        """
        ...

    def release_lock(self, name: str, holder: LockHolder) -> None:
        """Release the lock if this holder still owns it; otherwise do nothing."""
        ...


@runtime_checkable
class ThroughputRole(Protocol):
    """Each channel's throughput cap, held for all its runs together.

    Optional: the runner uses it when the host has it, so that two runs of one
    channel (two options synced at once, on any process or machine using the
    host) keep to the channel's profile together rather than each to all of
    it. A host without it runs every channel within a cap per run.
    """

    def shared_cap(self, channel: str, profile: ThroughputProfile) -> SharedCap:
        """The cap of ``channel`` as one run (the caller's) takes its share of it.

        Every run of the channel, on any process that uses this host, must
        draw on the same slots and the same schedule of starts, kept per
        channel of the account (a host serving several accounts keys them
        by both). ``profile`` is the channel's profile as this run read it.
        The object is closed when the run ends; a run that ends without
        closing it (its process killed) must not hold its slots for long.
        See :class:`~techoms_core.http.shared_limiter.SharedCap`.
        """
        ...


@runtime_checkable
class JobsRole(Protocol):
    """Recurring jobs: a period per (channel, option), and when each is due."""

    def jobs(self, channel: str | None = None) -> Sequence[Job]:
        """The jobs (period ``none`` included), by channel and option."""
        ...

    def set_job(
        self, channel: str, option: str, period: JobPeriod, *, next_due_at: dt.datetime | None
    ) -> Job:
        """Create or change a job's period and next due time (``None`` for ``none``)."""
        ...

    def record_job_run(
        self,
        channel: str,
        option: str,
        *,
        ran_at: dt.datetime,
        next_due_at: dt.datetime | None,
        status: str,
        message: str | None = None,
        run_id: int | None = None,
    ) -> None:
        """Note a job's run (or why it was not run) and when it is next due."""
        ...


@runtime_checkable
class Host(
    ChannelsRole,
    SendsRole,
    ReceivesRole,
    SnapshotsRole,
    ReviewsRole,
    RunLogRole,
    LocksRole,
    JobsRole,
    Protocol,
):
    """Everything the runner and the job scheduler need from a techOMS: the
    union of the roles (docs/host.md says which flow uses which).

    Calls come from one thread at a time, except :meth:`refresh_lock`, which
    the runner's heartbeat thread calls while the run goes on. Several
    processes may use the same data at once (the run lock keeps them from
    running the same (channel, option) together).
    """
