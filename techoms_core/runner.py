"""The runner: one sync option for one channel, with the guarantees of spec §5.

:func:`run_option` is the only way the reference host runs a hook. It

1. checks the run may start (channel enabled, option in the channel's Sync
   menu under the account's Master Product Source, settings valid) and
   refuses with a clear :class:`~techoms_core.runs.RunRefused` otherwise;
2. takes the run lock of (channel, option), which survives a crashed holder
   and is renewed by a heartbeat thread (:mod:`techoms_core.run_lock`);
3. runs the option in its shape:

   * **send**: records are read from the host in batches sized to the
     channel's throughput profile (:func:`send_batch_size`), and results are
     committed in small groups as they stream in
     (:mod:`techoms_core.send_groups`: every ``GROUP_SIZE`` results or
     ``GROUP_SECONDS``, whichever comes first, and always at the end of a
     batch), each group in ONE transaction with its records' new states
     (``sent`` with the WMS id, or ``ready`` with the error). A kill -9 loses
     at most the results in flight and one uncommitted group; the plugin's
     look-before-create rule finds those on the next run.
   * **receive**: each page's records and its cursor commit in one
     transaction; the next run resumes from the last committed page.
   * **snapshot** (inventory): pages are staged, and swapped in only once the
     last page has arrived;

4. writes the run and every record's result to the run log, a failure of the
   whole run included, with what the run asked of the WMS (requests, retries,
   429s: :class:`~techoms_core.host.RunTraffic`), and releases the lock.

A ``stop`` Event makes the run finish its current batch or page and return.
A dry run reads what it needs and writes nothing: no lock, no log, no cursor,
and for sends no hook call at all.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from techoms_core import rules
from techoms_core.context import ChannelConfig, ChannelContext, open_context
from techoms_core.host import (
    ChannelsRole,
    Host,
    HostError,
    LocksRole,
    RunLocked,
    RunLogRole,
    RunStatus,
    RunTraffic,
    SendRecord,
    ThroughputRole,
    UnknownChannel,
)
from techoms_core.menu import require_in_menu
from techoms_core.models import RecordResult
from techoms_core.options import Shape, SyncOption, UnknownOption, option_named
from techoms_core.plugin import ChannelPlugin
from techoms_core.read_ahead import ReadAhead
from techoms_core.run_lock import LOCK_TTL, RunLock, lock_name
from techoms_core.runs import RecordLine, RunProgress, RunRefused, RunSummary
from techoms_core.send_groups import ResultGroup
from techoms_core.settings import SettingsError
from techoms_core.snapshot_guard import refusal
from techoms_core.throughput import ThroughputProfile

if TYPE_CHECKING:
    from techoms_core.registry import Registry

__all__ = [
    "BATCH_PER_SLOT",
    "BATCH_SECONDS",
    "LOCK_TTL",
    "MAX_SEND_BATCH",
    "LockLost",
    "RecordLine",
    "RunProgress",
    "RunRefused",
    "RunSummary",
    "lock_name",
    "run_option",
    "send_batch_size",
]

#: Records per send batch, at least, for each request the profile lets run at once.
BATCH_PER_SLOT = 4
#: A send batch holds about this many seconds of the profile's request rate.
BATCH_SECONDS = 4.0
#: Records per send batch at most, however fast the profile.
MAX_SEND_BATCH = 100


def send_batch_size(profile: ThroughputProfile) -> int:
    """Records per send hook call under ``profile``.

    A batch is what a plugin looks up and sends in one go, so every batch pays
    the plugin's per-batch work (Leanafy: one look-before-create lookup and one
    base-unit lookup) and the pipe drains at its end. Bigger batches pay that
    less often; smaller ones stop sooner (a stop finishes the current batch)
    and lose less to a crash. So a batch holds about :data:`BATCH_SECONDS` of
    the profile's request rate, never fewer than :data:`BATCH_PER_SLOT` per
    concurrent request (to keep every slot busy) and never more than
    :data:`MAX_SEND_BATCH` (what a WMS typically looks up in one request):
    Low (2 / 5 rps) 20, Default (8 / 40 rps) 100, High (16 / 120 rps) 100.
    """
    by_rate = min(math.ceil(profile.requests_per_second * BATCH_SECONDS), MAX_SEND_BATCH)
    return max(1, profile.max_concurrency * BATCH_PER_SLOT, by_rate)


class LockLost(RuntimeError):
    """Another process took the run lock over; this run stops."""


#: A dry run's result for a record the core would hand to the plugin.
WOULD_BE_SENT = "would be sent, unless the WMS already holds it (not checked in a dry run)"
#: A dry send's message: what it did not check.
DRY_SEND_NOTE = (
    "dry run: the WMS was not asked which of these records it already holds; "
    "a real run skips those (they are bound, not created again)"
)


def run_option(
    host: Host,
    registry_or_plugin: Registry | ChannelPlugin,
    channel_name: str,
    option_key: str,
    *,
    dry_run: bool = False,
    progress: RunProgress | None = None,
    stop: threading.Event | None = None,
    environ: Mapping[str, str] | None = None,
    session_options: Mapping[str, Any] | None = None,
) -> RunSummary:
    """Run ``option_key`` for ``channel_name`` and return its summary.

    :param host: the techOMS host (:class:`~techoms_core.host.Host`).
    :param registry_or_plugin: a :class:`techoms_core.registry.Registry` (the
        channel's plugin is looked up by its key) or a
        :class:`~techoms_core.plugin.ChannelPlugin`.
    :param dry_run: report what would be sent or applied; write nothing.
    :param progress: receives the total (when known) and one advance per record.
    :param stop: when set, the run finishes its current batch or page and
        returns with status ``stopped``.
    :param environ: where ``env:VAR`` settings are read (``os.environ`` by default).
    :param session_options: passed to the channel's HTTP session (timeouts, retry).
    :raises RunRefused: the run could not start (see its docstring).
    :returns: a :class:`RunSummary`. A failure of the whole run once started
        (e.g. invalid credentials) is its ``status`` ``failed`` with the
        message, never an exception.
    """
    option = _option(option_key)
    config = _channel(host, channel_name)
    plugin = _plugin(registry_or_plugin, config, host, option, dry_run)
    summary = RunSummary(channel=config.name, option=option.key, dry_run=dry_run)
    with _context(host, plugin, config, option, dry_run, environ, session_options) as context:
        steps = _Steps(host, plugin, context, option, summary, progress, stop or threading.Event())
        if dry_run:
            summary.status = steps.dry_run()
            if option.shape is Shape.SEND:
                summary.message = summary.message or DRY_SEND_NOTE
            _take_traffic(summary, context)
            return summary
        with _locked(host, config.name, option.key) as lock:
            summary.run_id = host.start_run(config.name, option.key, holder=lock.holder)
            steps.lock = lock
            _run_logged(host, steps, summary, context)
    return summary


def _run_logged(host: Host, steps: _Steps, summary: RunSummary, context: ChannelContext) -> None:
    """Run the steps; whatever happens, the run log gets the outcome."""
    assert summary.run_id is not None
    try:
        summary.status = steps.run()
    except Exception as exc:
        summary.status = RunStatus.FAILED
        summary.message = _describe(exc, context)
    except BaseException:
        _take_traffic(summary, context)
        host.finish_run(
            summary.run_id,
            RunStatus.INTERRUPTED,
            summary.counts,
            "interrupted",
            traffic=summary.traffic,
        )
        raise
    if summary.status is RunStatus.STOPPED and summary.message is None:
        summary.message = "stopped on request after the current batch or page"
    _take_traffic(summary, context)
    host.finish_run(
        summary.run_id, summary.status, summary.counts, summary.message, traffic=summary.traffic
    )


def _take_traffic(summary: RunSummary, context: ChannelContext) -> None:
    """Copy what the run's HTTP session counted into the summary."""
    stats = context.http.stats
    summary.traffic = RunTraffic(
        requests=stats.requests, retries=stats.retries, rate_limited=stats.rate_limited
    )
    summary.transport_cpu_seconds = stats.transport_cpu_seconds


class _Steps:
    """The loops of one run, by option shape."""

    def __init__(self, host, plugin, context, option, summary, progress, stop) -> None:
        self.host: Host = host
        self.plugin: ChannelPlugin = plugin
        self.context: ChannelContext = context
        self.option: SyncOption = option
        self.summary: RunSummary = summary
        self.progress: RunProgress | None = progress
        self.stop: threading.Event = stop
        self.lock: RunLock | None = None
        self.channel = summary.channel
        # A snapshot whose plugin reports the rows it reads shows those as progress.
        self.progress_by_rows = False
        self.rows_total: int | None = None

    def run(self) -> RunStatus:
        shape = self.option.shape
        if shape is Shape.SEND:
            return self._send()
        if shape is Shape.SNAPSHOT:
            return self._snapshot()
        return self._receive()

    def dry_run(self) -> RunStatus:
        shape = self.option.shape
        if shape is Shape.SEND:
            return self._send(dry=True)
        if shape is Shape.SNAPSHOT:
            return self._snapshot(dry=True)
        return self._receive(dry=True)

    # -- sends -------------------------------------------------------------------

    def _send(self, dry: bool = False) -> RunStatus:
        key = self.option.key
        size = send_batch_size(self.context.throughput)
        batch = self.host.records_to_send(self.channel, key, limit=size)
        # Finding what is due scans what is not sent yet (for an export, the
        # whole catalogue), so a read whose answer is known is not made: a batch
        # shorter than asked for is everything due, the total and the last batch.
        due = len(batch) if len(batch) < size else self.host.count_to_send(self.channel, key)
        self._start(due)
        while not self.stop.is_set():
            if not batch:
                return RunStatus.COMPLETED
            if dry:
                for result in self._would_send(batch):
                    self._count(result)
            else:
                for _ in self._sent(batch):
                    self._advance()
            self._heartbeat()
            batch = self._batch_after(batch, size)
        return RunStatus.STOPPED

    def _batch_after(self, batch: Sequence[SendRecord], size: int) -> Sequence[SendRecord]:
        """The records due after ``batch``; none after a batch shorter than ``size``."""
        if len(batch) < size:
            return []
        return self.host.records_to_send(
            self.channel, self.option.key, limit=size, after=batch[-1].key
        )

    def _sent(self, batch) -> Iterator[RecordResult]:
        """Results as the plugin gives them, committed in groups; whatever is
        held is committed at the end of the batch, and before a failure of
        the plugin mid-batch is passed on."""
        group = ResultGroup(self._commit_results)
        try:
            for result in self.plugin.send(self.option, self.context, batch):
                group.add(result)
                yield result
        finally:
            group.commit()

    def _commit_results(self, results) -> None:
        """Commit a group, then count it: the summary counts what the run log holds."""
        assert self.summary.run_id is not None
        self.host.record_send_results(self.summary.run_id, self.channel, self.option.key, results)
        for result in results:
            self.summary.add(result)

    def _would_send(self, batch) -> list[RecordResult]:
        """What a send would do, without calling the plugin: the core's own
        refusals as they would be, every other record ``ok`` :data:`WOULD_BE_SENT`.
        The WMS is not asked whether it already holds them: the message and the
        run's message say so."""
        required = self.plugin.declaration.required_export_fields
        ready, early = rules.screen_batch(self.option, batch, required)
        would = [RecordResult.ok(record.key, message=WOULD_BE_SENT) for record in ready]
        return [*early, *would]

    # -- receives ----------------------------------------------------------------

    def _receive(self, dry: bool = False) -> RunStatus:
        key = self.option.key
        self._start(None)
        cursor = self.host.cursor(self.channel, key)
        # The next page is read while this one is applied.
        pages = ReadAhead(self.plugin.receive(self.option, self.context, cursor))
        try:
            for page in pages:
                if dry:
                    results = self.host.preview_page(self.channel, key, page)
                else:
                    results = self.host.apply_page(self.summary.run_id, self.channel, key, page)
                for result in results:
                    self._count(result)
                self._heartbeat()
                if self.stop.is_set():
                    return RunStatus.STOPPED
        finally:
            pages.close()
        return RunStatus.COMPLETED

    def _snapshot(self, dry: bool = False) -> RunStatus:
        key, run_id = self.option.key, self.summary.run_id
        self._start(None)
        if not dry:
            self.host.begin_snapshot(run_id, self.channel, key)
        self.context.read_progress = self._read_progress
        pages = self.plugin.receive(self.option, self.context)
        readable, confirmed = 0, False
        try:
            for page in pages:
                stage = self.host.preview_snapshot_page if dry else self._stage
                noted = stage(self.channel, key, page)
                self._count_snapshot_page(page, noted)
                readable += len(page.records)
                confirmed = confirmed or page.empty_confirmed
                self._heartbeat()
                if self.stop.is_set():
                    self.summary.message = "stopped before the snapshot was complete; " + (
                        "inventory unchanged"
                    )
                    return RunStatus.STOPPED
        finally:
            pages.close()
        failed = self.summary.counts["failed"]
        refused = refusal(
            self.host, self.channel, readable=readable, failed=failed, confirmed=confirmed
        )
        if refused is not None:
            self.summary.message = refused
            return RunStatus.FAILED
        if not dry:
            self.host.commit_snapshot(run_id, self.channel, key)
        return RunStatus.COMPLETED

    def _read_progress(self, count: int, total: int | None) -> None:
        """The rows a snapshot's plugin reports reading: from then on they, not
        the levels staged, are the run's progress."""
        self.progress_by_rows = True
        if self.progress is None:
            return
        if total is not None and total != self.rows_total:
            self.rows_total = total
            self.progress.start(total, f"{self.option.label}: {self.channel}")
        self.progress.advance(count)

    def _stage(self, channel: str, option: str, page) -> list[RecordResult]:
        return self.host.stage_snapshot_page(self.summary.run_id, channel, option, page)

    def _count_snapshot_page(self, page, noted: list[RecordResult]) -> None:
        """Snapshots list only what is not ``ok``; the ``ok`` rows are counted."""
        for result in noted:
            self._count(result)
        ok = len(page.records) - (len(noted) - len(page.problems))
        self.summary.counts["ok"] += ok
        if self.progress is not None and ok and not self.progress_by_rows:
            self.progress.advance(ok)

    # -- shared --------------------------------------------------------------------

    def _start(self, total: int | None) -> None:
        if self.progress is not None:
            self.progress.start(total, f"{self.option.label}: {self.channel}")

    def _count(self, result: RecordResult) -> None:
        self.summary.add(result)
        self._advance()

    def _advance(self) -> None:
        if self.progress is not None and not self.progress_by_rows:
            self.progress.advance(1)

    def _heartbeat(self) -> None:
        """Between batches and pages: stop if the run lock was taken over."""
        if self.lock is not None and self.lock.lost:
            raise LockLost(f"the run lock was taken over: {self.lock.lost}")


# -- before the run ---------------------------------------------------------------


def _option(option_key: str) -> SyncOption:
    try:
        return option_named(option_key)
    except UnknownOption as exc:
        raise RunRefused(str(exc)) from None


def _channel(host: ChannelsRole, name: str) -> ChannelConfig:
    try:
        return host.channel(name)
    except UnknownChannel as exc:
        raise RunRefused(str(exc)) from None


def _plugin(
    registry_or_plugin: Registry | ChannelPlugin,
    config: ChannelConfig,
    host: RunLogRole,
    option: SyncOption,
    dry_run: bool,
) -> ChannelPlugin:
    if isinstance(registry_or_plugin, ChannelPlugin):
        return registry_or_plugin
    try:
        return registry_or_plugin.get(config.plugin)
    except LookupError as exc:
        _refuse(host, config.name, option, str(exc), dry_run)


@contextmanager
def _context(host, plugin, config, option, dry_run, environ, session_options):
    """The channel context, once the run is known to be allowed."""
    try:
        if not config.enabled:
            raise RunRefused(f"channel {config.name!r} is disabled")
        require_in_menu(plugin, config.name, option, host.master_product_source())
        context = open_context(
            plugin.declaration,
            config,
            mappings=host.mappings(config.name),
            environ=environ,
            session_options=session_options,
            caps=_caps(host, dry_run),
        )
    except SettingsError as exc:
        _refuse(host, config.name, option, f"channel {config.name!r} settings:\n{exc}", dry_run)
    except (RunRefused, LookupError, HostError, ValueError) as exc:
        _refuse(host, config.name, option, str(exc), dry_run)
    with context:
        yield context


def _caps(host: Host, dry_run: bool) -> ThroughputRole | None:
    """Where the run's requests share the channel's cap: the host, when it
    offers that. A dry run writes nothing to the host, so it keeps a cap of its own."""
    if dry_run or not isinstance(host, ThroughputRole):
        return None
    return host


def _refuse(
    host: RunLogRole, channel: str, option: SyncOption, message: str, dry_run: bool
) -> NoReturn:
    """Log the refusal (not for dry runs) and raise it."""
    run_id = None
    if not dry_run:
        run_id = host.start_run(channel, option.key)
        host.finish_run(run_id, RunStatus.REFUSED, {}, message)
    raise RunRefused(message, run_id)


@contextmanager
def _locked(host: LocksRole, channel: str, option: str) -> Iterator[RunLock]:
    lock = RunLock(host, channel, option)
    try:
        lock.__enter__()
    except RunLocked as exc:
        raise RunRefused(str(exc), locked_until=exc.expires_at) from None
    try:
        yield lock
    finally:
        lock.__exit__(None, None, None)


def _describe(exc: Exception, context: ChannelContext) -> str:
    """A failure of the whole run, in words, with every secret masked."""
    text = str(exc) or type(exc).__name__
    if type(exc).__module__ == "builtins":
        text = f"{type(exc).__name__}: {text}"
    return context.http.redactor.text(text)
