"""Checks of the health check: it passes against a working WMS and, whatever
goes wrong, answers with a failed check instead of raising."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from techoms_core.models import HealthReport
from techoms_core.testing.conformance.base import ConformanceBase


class HealthChecks(ConformanceBase):
    """``health_check`` tells the truth and never raises."""

    def health(self, wms: Any, settings: Mapping[str, Any] | None = None) -> HealthReport:
        """Run the plugin's health check on a channel with ``settings``."""
        with self.open_channel(wms, settings) as context:
            try:
                report = self.hooks.call("health_check", context=context)
            except Exception as error:
                raise AssertionError(
                    f"health_check raised {type(error).__name__}: {error}; it must report "
                    "every failure as a failed check instead"
                ) from None
        assert isinstance(report, HealthReport), (
            f"health_check returned {type(report).__name__}, not a HealthReport"
        )
        return report

    def test_health_check_passes(self, wms: Any) -> None:
        if not self.implements("health_check"):
            pytest.fail("the plugin does not implement health_check (every plugin must)")
        report = self.health(wms)
        assert report.ok, f"health check failed against the WMS double: {report.message}"

    def test_health_check_reports_an_unreachable_wms(self, wms: Any) -> None:
        settings = self.unreachable_settings(self.channel_settings(wms))
        report = self.health(wms, settings)
        assert not report.ok, "health check says ok although the WMS cannot be reached"
        assert report.message.strip()

    def test_health_check_reports_bad_credentials(self, wms: Any) -> None:
        settings = self.channel_settings(wms)
        wrong = self.bad_credentials(settings)
        if wrong == dict(settings):
            pytest.skip("the plugin declares no secret setting")
        report = self.health(wms, wrong)
        assert not report.ok, "health check says ok with wrong credentials"
        assert report.message.strip()
