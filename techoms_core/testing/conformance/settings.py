"""Checks of the settings: the author's sample settings validate, missing
settings are all named at once, and secrets are masked wherever shown."""

from __future__ import annotations

from typing import Any

import pytest

from techoms_core.secrets import Secret
from techoms_core.settings import SettingsError, check_settings, validate_settings
from techoms_core.testing.conformance.base import ConformanceBase
from techoms_core.testing.leaks import find_secrets


class SettingsChecks(ConformanceBase):
    """Settings validate on save and never show a secret."""

    def test_sample_settings_validate(self, wms: Any) -> None:
        raw = self.channel_settings(wms)
        try:
            validate_settings(self.declaration.settings, raw)
        except SettingsError as error:
            raise AssertionError(f"the sample settings do not validate:\n{error}") from None

    def test_missing_settings_are_all_named(self) -> None:
        schema = self.declaration.settings
        shown = check_settings(schema, {}, environ={}).outcomes
        required = [
            f.key for f in schema.fields if f.required and f.default is None and shown[f.key].active
        ]
        if not required:
            pytest.skip("the plugin has no required setting without a default shown at first")
        with pytest.raises(SettingsError) as caught:
            validate_settings(schema, {})
        named = {problem.field for problem in caught.value.problems}
        unnamed = [key for key in required if key not in named]
        assert not unnamed, f"saving empty settings does not name {unnamed}"

    def test_secrets_are_masked(self, wms: Any) -> None:
        raw = self.channel_settings(wms)
        secrets = self.configured_secrets(raw)
        if not secrets:
            pytest.skip("the plugin declares no secret setting")
        with self.open_channel(wms, raw) as context:
            for key in self.declaration.settings.secret_keys():
                value = context.settings.get(key)
                if value is not None:
                    assert isinstance(value, Secret), f"setting {key!r} is not a Secret"
            shown = {
                "repr(settings)": repr(context.settings),
                "settings.masked()": repr(context.settings.masked()),
                "repr(context)": repr(context),
                "repr(session)": repr(context.http),
                "repr(declaration)": repr(context.plugin),
            }
        leaks = find_secrets(shown.items(), secrets)
        assert not leaks, "secrets shown: " + "; ".join(map(str, leaks))
