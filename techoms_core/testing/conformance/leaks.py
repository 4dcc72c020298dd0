"""Checks that no configured secret escapes: not into a log line (at DEBUG,
from any logger), a result, a health report, an exception or a cassette."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from techoms_core.options import Shape, SyncOption
from techoms_core.testing.conformance.base import ConformanceBase, implemented_options
from techoms_core.testing.leaks import (
    MIN_DETECTABLE_LENGTH,
    find_secrets,
    find_secrets_in_files,
    revealed,
    too_short,
)
from techoms_core.testing.logs import LogCapture

Shown = list[tuple[str, str]]


class LeakChecks(ConformanceBase):
    """Secrets stay secret, whatever happens."""

    def test_no_secret_in_logs_or_results(self, wms: Any) -> None:
        settings = self.channel_settings(wms)
        wrong = self.bad_credentials(settings)
        secrets = revealed(
            [
                *self.configured_secrets(settings),
                *self.configured_secrets(wrong),
                *self.extra_secrets(),
            ]
        )
        if not secrets:
            pytest.skip("the plugin declares no secret setting")
        short = too_short(secrets)
        assert not short, (
            f"configure secrets of {MIN_DETECTABLE_LENGTH}+ characters in the sample settings "
            f"so that leaks can be found (too short: secret #{short[0] + 1})"
        )
        with LogCapture.capturing() as logs:
            shown = self.tour(wms, settings, "working channel")
            shown += self.tour(wms, wrong, "wrong credentials")
            shown += self.tour(wms, self.unreachable_settings(settings), "unreachable WMS")
        shown += [(f"log line {n}", text) for n, text in enumerate(logs.texts(), 1)]
        leaks = find_secrets(shown, secrets)
        assert not leaks, "secrets escaped: " + "; ".join(map(str, leaks[:10]))

    def test_no_secret_in_cassettes(self, wms: Any) -> None:
        from techoms_core.testing.cassettes import unmasked_values

        folder = self.cassette_dir()
        if folder is None:
            pytest.skip("the plugin records no cassettes (cassette_dir() is None)")
        if not any(folder.rglob("*")):
            pytest.skip(f"no cassette recorded yet in {folder}")
        secrets = [*self.configured_secrets(self.channel_settings(wms)), *self.extra_secrets()]
        leaks = [str(leak) for leak in find_secrets_in_files([folder], secrets)]
        leaks += unmasked_values([folder])
        assert not leaks, "cassettes hold secrets: " + "; ".join(leaks[:10])

    def tour(self, wms: Any, settings: Mapping[str, Any], label: str) -> Shown:
        """Run every hook once on a channel with ``settings``; return all it showed."""
        shown: Shown = []
        with self.open_channel(wms, settings) as context:
            shown.append((f"{label}: repr(context)", repr(context)))
            health = lambda: self.hooks.call("health_check", context=context)  # noqa: E731
            shown += _outcome(f"{label}: health_check", health)
            for option in implemented_options(type(self).plugin):
                shown += self.visit(option, wms, context, label)
        return shown

    def visit(self, option: SyncOption, wms: Any, context: Any, label: str) -> Shown:
        """Run one option's hook with a sample batch (and a refused record) or a
        receive from the start; whatever it returns or raises is shown."""
        where = f"{label}: {option.hook}"
        try:
            if option.shape is Shape.SEND:
                batch = [*self.sample_records(option, wms)]
                with contextlib.suppress(NotImplementedError):
                    batch.append(self.refused_record(option, wms))
                return _outcome(where, lambda: self.hooks.send(option, context, batch))
            return _outcome(where, lambda: self.hooks.receive(option, context, None))
        except NotImplementedError as missing:
            return [(f"{where}: not run", str(missing))]


def _outcome(where: str, call: Callable[[], Any]) -> Shown:
    """What ``call()`` shows: each item it returns or yields, or its error."""
    try:
        result = call()
        items = list(result) if result is not None and not hasattr(result, "checks") else [result]
    except Exception as error:
        return [(f"{where} raised", f"{type(error).__name__}: {error} {error!r}")]
    return [(f"{where} item {n}", repr(item)) for n, item in enumerate(items, 1)]
