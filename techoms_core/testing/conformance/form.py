"""Checks of the settings form's listed choices: the ``settings_field_choices``
hook answers with choices the form can offer, and a refusal by the WMS reaches
the form as the WMS's message."""

from __future__ import annotations

from typing import Any

import pytest

from techoms_core.settings import Choice, SettingsField, evaluate_form
from techoms_core.testing.conformance.base import ConformanceBase
from techoms_core.testing.contexts import registry_with
from techoms_core.testing.leaks import find_secrets

GENERIC_FAILURE = "could not list the choices"


class FormChecks(ConformanceBase):
    """Fields declared with ``choices_from`` get real choices, or a clear reason."""

    def listed_fields(self) -> list[SettingsField]:
        """The fields whose choices the plugin lists; skips when there are none."""
        fields = [f for f in self.declaration.settings.fields if f.choices_from]
        if not fields:
            pytest.skip("the plugin declares no choices_from field")
        if not self.implements("settings_field_choices"):
            pytest.skip("the plugin lists no choices: its choices_from fields are text fields")
        return fields

    def test_listed_choices_are_choices(self, wms: Any) -> None:
        fields = self.listed_fields()
        settings = self.channel_settings(wms)
        with self.open_channel(wms) as context:
            for field in fields:
                listed = self.hooks.call("settings_field_choices", context=context, field=field)
                if listed is None:
                    continue
                listed = list(listed)
                wrong = [type(c).__name__ for c in listed if not isinstance(c, Choice)]
                assert not wrong, f"choices of {field.key!r} must be Choice objects, not {wrong}"
                values = [choice.value for choice in listed]
                assert len(values) == len(set(values)), f"{field.key!r} lists a choice twice"
                sample = settings.get(field.key)
                assert sample in (None, "", *values), (
                    f"the sample settings' {field.key}={sample!r} is not among its choices {values}"
                )

    def test_refused_choices_reach_the_form_as_the_wms_message(self, wms: Any) -> None:
        fields = self.listed_fields()
        settings = self.channel_settings(wms)
        wrong = self.bad_credentials(settings)
        if wrong == dict(settings):
            pytest.skip("the plugin declares no secret setting")
        plugin = registry_with(type(self).plugin).get(self.declaration.key)
        choices = plugin.form_choices("conformance", session_options=self.session_options())
        form = evaluate_form(self.declaration.settings, wrong, choices=choices, environ={})
        for field in fields:
            state = form[field.key]
            if not all(form[key].problems == () for key in field.choices_from):
                continue
            assert not state.enabled, f"{field.key!r} is enabled although the WMS refused"
            assert state.note and not state.note.startswith(GENERIC_FAILURE), (
                f"settings_field_choices for {field.key!r} raised something other than the "
                f"session's error when the WMS refused the credentials ({state.note!r})"
            )
        leaks = find_secrets([("the form", repr(form))], self.configured_secrets(wrong))
        assert not leaks, "secrets shown: " + "; ".join(map(str, leaks))
