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
    return check_settings(schema, raw, environ=environ).settings()


def check_settings(
    schema: SettingsSchema,
    raw: Mapping[str, object],
    *,
    environ: Mapping[str, str] | None = None,
) -> SettingsCheck:
    """Check ``raw`` against ``schema`` without raising: what each field
    became, and every problem. :func:`validate_settings` is this followed by
    :meth:`SettingsCheck.settings`; a settings form reads the per-field
    outcomes to show the form as it stands."""
    environ = os.environ if environ is None else environ
    return _Validation(schema, raw, environ).run()


@frozen
class FieldOutcome:
    """What one field became in a :func:`check_settings` run.

    :ivar hidden: a condition hides the field.
    :ivar disabled: a condition disables the field (it stays shown).
    :ivar given: the user gave a value (not blank, not ``None``).
    :ivar value: the value the channel gets: the given, cascaded or default
        value, or ``None`` (also when the field is hidden, disabled or has a
        problem).
    :ivar problems: what is wrong with the field, in the order found.
    """

    hidden: bool = False
    disabled: bool = False
    given: bool = False
    value: object = None
    problems: tuple[SettingsProblem, ...] = ()

    @property
    def active(self) -> bool:
        """Neither hidden nor disabled: the field is part of the settings."""
        return not (self.hidden or self.disabled)


@frozen
class SettingsCheck:
    """The outcome of :func:`check_settings`: per field, and as a whole."""

    outcomes: Mapping[str, FieldOutcome]
    problems: tuple[SettingsProblem, ...]
    _values: Mapping[str, object]
    _stored: Mapping[str, object]

    @property
    def ok(self) -> bool:
        return not self.problems

    def settings(self) -> ChannelSettings:
        """The validated settings; :class:`SettingsError` listing every problem."""
        if self.problems:
            raise SettingsError(self.problems)
        return ChannelSettings(values=self._values, stored=self._stored)

    def partial_settings(self) -> ChannelSettings:
        """The settings of every active field without a problem, whatever is
        wrong elsewhere; for reading a few fields of a form still being
        filled in (a field without a value is ``None``)."""
        return ChannelSettings(
            values=self._values,
            stored={key: value for key, value in self._stored.items() if key in self._values},
        )


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

    hidden: bool = False
    disabled: bool = False
    cascaded: object = _MISSING
    uncertain: bool = False

    @property
    def inactive(self) -> bool:
        return self.hidden or self.disabled


@define
class _Validation:
    """One run of :func:`validate_settings`."""

    schema: SettingsSchema
    raw: Mapping[str, object]
    environ: Mapping[str, str]
    settled: dict[str, object] = field(factory=dict)
    values: dict[str, object] = field(factory=dict)
    stored: dict[str, object] = field(factory=dict)

    def run(self) -> SettingsCheck:
        outcomes = {
            settings_field.key: self._settle(settings_field)
            for settings_field in self.schema.dependency_order()
        }
        problems = [
            problem
            for settings_field in self.schema.fields
            for problem in outcomes[settings_field.key].problems
        ]
        known = {settings_field.key for settings_field in self.schema.fields}
        problems += [
            SettingsProblem(str(key), f"unknown setting {key!r}")
            for key in self.raw
            if key not in known
        ]
        keys = [f.key for f in self.schema.fields if f.key in self.values]
        return SettingsCheck(
            outcomes={f.key: outcomes[f.key] for f in self.schema.fields},
            problems=tuple(problems),
            values={key: self.values[key] for key in keys},
            stored={key: self.stored[key] for key in keys if key in self.stored},
        )

    def _problem(self, settings_field: SettingsField, message: str) -> None:
        problem = SettingsProblem(settings_field.key, message, settings_field.label)
        self.problems.setdefault(settings_field.key, []).append(problem)

    def _settle(self, settings_field: SettingsField) -> FieldOutcome:
        """Decide one field's value; record it in ``settled`` unless it is in
        doubt (the field has a problem), so dependents know not to trust it."""
        key = settings_field.key
        effects = self._effects(settings_field)
        if effects.inactive:
            self.settled[key] = None
            return FieldOutcome(hidden=effects.hidden, disabled=effects.disabled)
        try:
            given = self._read(settings_field, self.raw.get(key))
        except InvalidValue as problem:
            return self._failed(settings_field, str(problem), given=True)
        if given.stored is not _MISSING:
            self.stored[key] = given.stored
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
                message = "is required" + (empty if given.variable else "")
                return self._failed(settings_field, message, given=False)
        self.values[key] = value
        self.settled[key] = value
        return FieldOutcome(given=given.given, value=value)

    def _failed(self, settings_field: SettingsField, message: str, *, given: bool) -> FieldOutcome:
        problem = SettingsProblem(settings_field.key, message, settings_field.label)
        return FieldOutcome(given=given, problems=(problem,))

    def _effects(self, settings_field: SettingsField) -> _Effects:
        hidden, disabled, cascaded, uncertain = False, False, _MISSING, False
        for condition in settings_field.conditions:
            if condition.field not in self.settled:
                uncertain = True
                continue
            other = self.settled[condition.field]
            cascades = condition.effect is Effect.CASCADE and condition.applies_to(other)
            if cascades and cascaded is _MISSING:
                cascaded = condition.values[other]
            hidden = hidden or condition.hides(other)
            disabled = disabled or condition.disables(other)
        return _Effects(hidden, disabled, cascaded, uncertain)

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
