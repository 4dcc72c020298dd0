"""What a hook reports back: one result per record, and health reports."""

from __future__ import annotations

import enum

from attrs import field, frozen, validators


class Status(enum.StrEnum):
    """How one record of a run ended (spec §5)."""

    OK = "ok"
    SKIPPED = "skipped"
    WARNING = "warning"
    FAILED = "failed"


@frozen(kw_only=True)
class RecordResult:
    """The outcome of one record in a send or a receive.

    ``key`` is the record's own key (a product's SKU, a shipment's or receipt's
    number). ``remote_id`` is the WMS's id for the record once it exists there
    (sends set it on ``ok``, and on ``skipped`` when the record was already in
    the WMS). ``field`` names the record's field at fault, when there is one.
    ``fatal`` marks an unexpected failure (e.g. timeouts past the retry budget)
    that the next run retries; a plain ``failed`` is a data error that needs a
    person to fix the record first.
    """

    key: str = field(validator=validators.instance_of(str))
    status: Status = field(converter=Status)
    message: str = ""
    field: str | None = None
    remote_id: str | None = None
    fatal: bool = False

    @classmethod
    def ok(cls, key: str, *, remote_id: str | None = None, message: str = "") -> RecordResult:
        return cls(key=key, status=Status.OK, remote_id=remote_id, message=message)

    @classmethod
    def skipped(cls, key: str, why: str, *, remote_id: str | None = None) -> RecordResult:
        return cls(key=key, status=Status.SKIPPED, message=why, remote_id=remote_id)

    @classmethod
    def warning(
        cls,
        key: str,
        message: str,
        *,
        field: str | None = None,
        remote_id: str | None = None,
    ) -> RecordResult:
        return cls(
            key=key, status=Status.WARNING, message=message, field=field, remote_id=remote_id
        )

    @classmethod
    def failed(
        cls, key: str, message: str, *, field: str | None = None, fatal: bool = False
    ) -> RecordResult:
        return cls(key=key, status=Status.FAILED, message=message, field=field, fatal=fatal)

    @property
    def level(self) -> str:
        """The message level techOMS shows: info, warning, error or fatal."""
        if self.status is Status.FAILED:
            return "fatal" if self.fatal else "error"
        return "warning" if self.status is Status.WARNING else "info"


def _milliseconds(value: float | None) -> float | None:
    """A duration in milliseconds: ``None``, or a number of at least 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"latency_ms: {value!r} is not a duration in milliseconds (>= 0)")
    return float(value)


@frozen(kw_only=True)
class HealthCheck:
    """One thing a health check verified, e.g. ``credentials`` or ``warehouse``.

    :ivar name: what was checked, short and lower case (``connection``).
    :ivar ok: whether it passed.
    :ivar message: what was found, or why it failed.
    :ivar latency_ms: how long this check took, in milliseconds, as the
        plugin timed it (:class:`techoms_core.health.Stopwatch`): for a check
        that asks the WMS, the round trip of its request(s); checks decided by
        the same answer share that request's time. ``None`` when the plugin
        does not time its checks (then only the report's overall latency is
        known).
    """

    name: str
    ok: bool
    message: str = ""
    latency_ms: float | None = field(default=None, converter=_milliseconds)


@frozen(kw_only=True)
class HealthReport:
    """The answer of ``health_check``: every check made, and how long it took.

    ``latency_ms`` is the whole health check's time in milliseconds; when the
    plugin leaves it ``None``, :meth:`ChannelPlugin.health_check
    <techoms_core.plugin.ChannelPlugin.health_check>` sets it to the time the
    hook took.
    """

    checks: tuple[HealthCheck, ...] = field(converter=tuple)
    latency_ms: float | None = field(default=None, converter=_milliseconds)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def message(self) -> str:
        """The first failure's message, or a one-line all-clear."""
        for check in self.checks:
            if not check.ok:
                return f"{check.name}: {check.message}"
        if not self.checks:
            return "no checks were made"
        return "healthy: " + ", ".join(check.name for check in self.checks)
