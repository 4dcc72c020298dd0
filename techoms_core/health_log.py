"""Running a channel's health check, and keeping the last one.

``techoms health`` and the console's Health Check both call
:func:`check_channel`: it runs the plugin's ``health_check`` on the channel as
saved, and has the host keep the outcome as the channel's last health check
(:class:`HealthLog`), which the Fulfillment Channels page shows whoever ran it
and however often the console restarted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from attrs import frozen

from techoms_core.context import open_context
from techoms_core.models import HealthReport
from techoms_core.settings import SettingsError

if TYPE_CHECKING:
    from techoms_core.context import ChannelConfig
    from techoms_core.mappings import Mappings
    from techoms_core.plugin import ChannelPlugin


@frozen(kw_only=True)
class HealthResult:
    """One health check of a channel: the plugin's report, or why none was
    made (``error``, e.g. the settings are not valid), and when.

    :ivar channel: the channel checked.
    :ivar at: when the check was made (aware UTC).
    :ivar report: the :class:`~techoms_core.models.HealthReport`, with each
        check's result and latency; ``None`` when ``error`` is set.
    :ivar error: why the check could not run, worded for the user.
    """

    channel: str
    at: dt.datetime
    report: HealthReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok

    @property
    def message(self) -> str:
        """The report's message, or the error."""
        return self.report.message if self.report is not None else str(self.error)


class HealthLog(Protocol):
    """What a host keeps of health checks: the last one of each channel."""

    def mappings(self, channel: str) -> Mappings: ...

    def record_health_check(self, result: HealthResult) -> None:
        """Keep ``result`` as its channel's last health check (replacing the one before)."""
        ...

    def last_health_checks(self) -> Mapping[str, HealthResult]:
        """The last health check of every channel that had one, by channel name."""
        ...


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_channel(
    host: HealthLog,
    plugin: ChannelPlugin,
    config: ChannelConfig,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], dt.datetime] = _utc_now,
) -> HealthResult:
    """Run the health check of the saved channel ``config`` and keep it as the
    channel's last. Settings that are not valid are an ``error`` result (kept
    too), never an exception; the plugin's own failures are failed checks."""
    at = clock()
    try:
        with open_context(
            plugin.declaration, config, mappings=host.mappings(config.name), environ=environ
        ) as context:
            result = HealthResult(channel=config.name, at=at, report=plugin.health_check(context))
    except SettingsError as invalid:
        result = HealthResult(
            channel=config.name, at=at, error=f"the settings are not valid: {invalid}"
        )
    host.record_health_check(result)
    return result
