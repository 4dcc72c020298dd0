"""Validation on save: raw input in, :class:`ChannelSettings` or every problem out."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from attrs import define, field, frozen

from techoms_core.secrets import Secret
from techoms_core.settings.channel_settings import ChannelSettings
from techoms_core.settings.field_types import InvalidValue, coerce_value
from techoms_core.settings.schema import Effect, SettingsField, SettingsSchema

ENV_PREFIX = "env:"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@frozen
class SettingsProblem:
    """One thing wrong with the input: the field's key, what is wrong, and
    the field's label (empty for a key the schema does not know). The message
    never contains a secret value."""

    field: str
    message: str
    label: str = ""

    def __str__(self) -> str:
        if self.label:
            return f"{self.field} ({self.label}): {self.message}"
        return self.message


class SettingsError(ValueError):
    """The input had problems; ``problems`` lists all of them, and ``str()``
    gives one per line."""

    def __init__(self, problems: tuple[SettingsProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self):
        return (type(self), (self.problems,))


def validate_settings(
    schema: SettingsSchema,
    raw: Mapping[str, object],
    *,
    environ: Mapping[str, str] | None = None,
) -> ChannelSettings:
    """Check ``raw`` against ``schema`` and return the channel's settings.

    ``raw`` holds strings as typed on the CLI or a form, or typed values as
    stored (bools, ints, :class:`~techoms_core.secrets.Secret`). A value
    ``env:VAR`` is read from ``environ`` (``os.environ`` by default). Blank
    strings and ``None`` count as not given. Raises :class:`SettingsError`
    listing every problem at once.
    """
    environ = os.environ if environ is None else environ
    return _Validation(schema, raw, environ).run()


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


@frozen
class _Input:
    """What the user gave for one field, after ``env:VAR`` is resolved."""

    value: object
    stored: object
    variable: str | None = None

    @property
    def given(self) -> bool:
        return self.value is not _MISSING


@frozen
class _Effects:
    """What a field's conditions decided, given the fields read before it."""

    inactive: bool = False
    cascaded: object = _MISSING
    uncertain: bool = False


@define
class _Validation:
    """One run of :func:`validate_settings`."""

    schema: SettingsSchema
    raw: Mapping[str, object]
    environ: Mapping[str, str]
    problems: dict[str, list[SettingsProblem]] = field(factory=dict)
    settled: dict[str, object] = field(factory=dict)
    values: dict[str, object] = field(factory=dict)
    stored: dict[str, object] = field(factory=dict)

    def run(self) -> ChannelSettings:
        for settings_field in self.schema.dependency_order():
            self._settle(settings_field)
        problems = [
            problem
            for settings_field in self.schema.fields
            for problem in self.problems.get(settings_field.key, ())
        ]
        known = {settings_field.key for settings_field in self.schema.fields}
        problems += [
            SettingsProblem(str(key), f"unknown setting {key!r}")
            for key in self.raw
            if key not in known
        ]
        if problems:
            raise SettingsError(tuple(problems))
        keys = [f.key for f in self.schema.fields if f.key in self.values]
        return ChannelSettings(
            values={key: self.values[key] for key in keys},
            stored={key: self.stored[key] for key in keys if key in self.stored},
        )

    def _problem(self, settings_field: SettingsField, message: str) -> None:
        problem = SettingsProblem(settings_field.key, message, settings_field.label)
        self.problems.setdefault(settings_field.key, []).append(problem)

    def _settle(self, settings_field: SettingsField) -> None:
        """Decide one field's value; record it in ``settled`` unless it is in
        doubt (the field has a problem), so dependents know not to trust it."""
        effects = self._effects(settings_field)
        if effects.inactive:
            self.settled[settings_field.key] = None
            return
        try:
            given = self._read(settings_field, self.raw.get(settings_field.key))
        except InvalidValue as problem:
            self._problem(settings_field, str(problem))
            return
        if given.stored is not _MISSING:
            self.stored[settings_field.key] = given.stored
        if given.given:
            value = given.value
        elif effects.cascaded is not _MISSING:
            value = effects.cascaded
        elif settings_field.default is not None:
            value = settings_field.default
        else:
            value = None
            if settings_field.required and not effects.uncertain:
                empty = f"; environment variable {given.variable} is empty"
                self._problem(settings_field, "is required" + (empty if given.variable else ""))
                return
        self.values[settings_field.key] = value
        self.settled[settings_field.key] = value

    def _effects(self, settings_field: SettingsField) -> _Effects:
        inactive, cascaded, uncertain = False, _MISSING, False
        for condition in settings_field.conditions:
            if condition.field not in self.settled:
                uncertain = True
                continue
            other = self.settled[condition.field]
            if not condition.applies_to(other):
                continue
            if condition.effect is Effect.CASCADE:
                if cascaded is _MISSING:
                    cascaded = condition.values[other]
            else:
                inactive = True
        return _Effects(inactive, cascaded, uncertain)

    def _read(self, settings_field: SettingsField, value: object) -> _Input:
        """Resolve ``env:VAR`` and coerce; raise :class:`InvalidValue`."""
        text = value.reveal() if isinstance(value, Secret) else value
        if isinstance(text, str) and text.strip().startswith(ENV_PREFIX):
            reference = text.strip()
            variable = reference.removeprefix(ENV_PREFIX)
            if not ENV_NAME.fullmatch(variable):
                raise InvalidValue(
                    f"{ENV_PREFIX!r} must be followed by an environment variable name "
                    "(letters, digits and _)"
                )
            if variable not in self.environ:
                raise InvalidValue(f"environment variable {variable} is not set")
            resolved = self.environ[variable]
            if not resolved.strip():
                return _Input(_MISSING, reference, variable)
            try:
                return _Input(coerce_value(settings_field, resolved), reference, variable)
            except InvalidValue as problem:
                raise InvalidValue(f"{problem} (from environment variable {variable})") from None
        if text is None or (isinstance(text, str) and not text.strip()):
            return _Input(_MISSING, _MISSING)
        coerced = coerce_value(settings_field, value)
        return _Input(coerced, coerced)
