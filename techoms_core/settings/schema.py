"""The settings schema a plugin declares: fields, sections, choices, conditions.

Every class here is a frozen value checked when it is built, so a mistake in a
plugin's declaration (a choice field without choices, a secret with a default,
a condition on a field that does not exist) fails at import time with a
``ValueError`` that names the setting, not later in front of a user.
"""

from __future__ import annotations

import enum
import re

from attrs import field, frozen

from techoms_core.settings.conditions import (
    Condition,
    Effect,
    enum_or_raw,
    same_value,
    tuple_of_values,
)
from techoms_core.settings.field_types import FieldType, InvalidValue, coerce_value

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class Section(enum.StrEnum):
    """Where a field is shown; sections are listed in this order."""

    CHANNEL_SETTINGS = "Channel Settings"
    ADVANCED = "Advanced"


def _non_blank(instance: object, attribute, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        name = type(instance).__name__.lower()
        raise ValueError(f"a {name} {attribute.name} must be a non-blank string, got {value!r}")


@frozen
class Choice:
    """One option of a ``choice`` field: the stored ``value`` and its ``label``."""

    value: str = field(validator=_non_blank)
    label: str = field(validator=_non_blank)


def _declared_value_problem(settings_field: SettingsField, value: object) -> str | None:
    """Why ``value`` cannot be a declared value (default, trigger or cascade
    value) of ``settings_field``, or ``None``. Declared values must already be
    in the field's value type: ``True`` rather than ``"yes"``."""
    try:
        coerced = coerce_value(settings_field, value)
    except InvalidValue as problem:
        return str(problem)
    if not same_value(coerced, value):
        return f"{value!r} must be written as {coerced!r}"
    return None


def _definition_error(instance: SettingsField, message: str) -> ValueError:
    return ValueError(f"setting {instance.key!r}: {message}")


@frozen(kw_only=True)
class SettingsField:
    """One setting a channel needs, as shown on its settings form.

    Definition-time checks raise ``ValueError`` naming the field: a key that
    is not lower_snake_case, a ``choice`` field without choices or with a
    default outside them, a ``secret`` with a default (it would be shown to
    everyone), ``min``/``max`` on anything but an ``int``, a default or a
    cascade value the field could not take.

    ``choices_from`` makes a ``text`` field a dropdown whose choices the WMS
    holds: it names the fields (secrets allowed) the plugin's
    ``settings_field_choices`` hook reads to list them, e.g. Leanafy's
    warehouses read with the Api Url, Api Key and Api Secret. The form offers
    the choices once those fields are valid, and keeps the field disabled until
    then; a plugin without the hook leaves it a text field. Saving checks it as
    text: the choices are only known to a form that asked the WMS.
    """

    key: str
    label: str
    type: FieldType = field(converter=enum_or_raw(FieldType))
    section: Section = field(default=Section.CHANNEL_SETTINGS, converter=enum_or_raw(Section))
    required: bool = False
    default: object = None
    choices: tuple[Choice, ...] = field(default=(), converter=tuple)
    help: str = ""
    conditions: tuple[Condition, ...] = field(default=(), converter=tuple)
    min: int | None = None
    max: int | None = None
    choices_from: tuple[str, ...] = field(default=(), converter=tuple_of_values)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.key, str) or not KEY_PATTERN.fullmatch(self.key):
            raise ValueError(f"setting key {self.key!r} must be lower_snake_case")
        for check in (
            self._check_label_and_kind,
            self._check_choices,
            self._check_bounds,
            self._check_default,
            self._check_conditions,
        ):
            message = check()
            if message:
                raise _definition_error(self, message)

    def _check_label_and_kind(self) -> str | None:
        if not isinstance(self.label, str) or not self.label.strip():
            return "needs a label"
        if not isinstance(self.type, FieldType):
            return f"type {self.type!r} is not one of {', '.join(FieldType)}"
        if not isinstance(self.section, Section):
            return f"section {self.section!r} is not one of {', '.join(Section)}"
        if not isinstance(self.required, bool):
            return f"required must be True or False, not {self.required!r}"
        return None

    def _check_choices(self) -> str | None:
        if self.type is not FieldType.CHOICE:
            if self.choices:
                return "only a choice field takes choices"
            if self.choices_from and self.type is not FieldType.TEXT:
                return "only a text field takes choices_from"
            if not all(isinstance(key, str) for key in self.choices_from):
                return f"choices_from must list setting keys, not {self.choices_from!r}"
            if self.key in self.choices_from:
                return "choices_from cannot name the field itself"
            return None
        if self.choices_from:
            return "choices_from makes a text field a dropdown; a choice field lists its choices"
        if not self.choices:
            return "a choice field needs choices"
        if not all(isinstance(choice, Choice) for choice in self.choices):
            return "choices must be Choice(value, label) objects"
        values = [choice.value for choice in self.choices]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            return f"choice {duplicates[0]!r} is listed twice"
        return None

    def _check_bounds(self) -> str | None:
        bounds = {"min": self.min, "max": self.max}
        given = {name: bound for name, bound in bounds.items() if bound is not None}
        if given and self.type is not FieldType.INT:
            return f"only an int field takes {' and '.join(given)}"
        for name, bound in given.items():
            if isinstance(bound, bool) or not isinstance(bound, int):
                return f"{name} must be a whole number, not {bound!r}"
        if self.min is not None and self.max is not None and self.min > self.max:
            return f"min {self.min} is greater than max {self.max}"
        return None

    def _check_default(self) -> str | None:
        if self.default is None:
            return None
        if self.type is FieldType.SECRET:
            return "a secret cannot have a default; it would be shown to every user"
        problem = _declared_value_problem(self, self.default)
        return f"default {problem}" if problem else None

    def _check_conditions(self) -> str | None:
        for condition in self.conditions:
            if not isinstance(condition, Condition):
                return f"conditions must be Condition objects, not {condition!r}"
            if condition.field == self.key:
                return "a condition cannot refer to the field itself"
            if condition.effect is not Effect.CASCADE:
                continue
            if self.type is FieldType.SECRET:
                return "a secret cannot cascade; its values would be shown to every user"
            for trigger, value in condition.values.items():
                problem = _declared_value_problem(self, value)
                if problem:
                    return f"cascade value for {condition.field}={trigger!r}: {problem}"
        return None


@frozen
class SettingsSchema:
    """All settings of a channel, in form order.

    Checked when built: keys are unique; every condition refers to another
    field of the schema that is not a secret (its trigger values would give the
    secret away); trigger values are values that field can take; conditions do
    not form a cycle.
    """

    fields: tuple[SettingsField, ...] = field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        seen: dict[str, SettingsField] = {}
        for settings_field in self.fields:
            if not isinstance(settings_field, SettingsField):
                raise ValueError(f"schema fields must be SettingsField objects: {settings_field!r}")
            if settings_field.key in seen:
                raise ValueError(f"setting {settings_field.key!r} is declared twice")
            seen[settings_field.key] = settings_field
        for settings_field in self.fields:
            for condition in settings_field.conditions:
                message = _condition_problem(condition, seen.get(condition.field))
                if message:
                    raise _definition_error(settings_field, message)
            unknown = [key for key in settings_field.choices_from if key not in seen]
            if unknown:
                message = f"choices_from names unknown setting {unknown[0]!r}"
                raise _definition_error(settings_field, message)
        self.dependency_order()

    def field(self, key: str) -> SettingsField:
        """The field called ``key``; ``KeyError`` if there is none."""
        for settings_field in self.fields:
            if settings_field.key == key:
                return settings_field
        raise KeyError(f"no setting {key!r}")

    def sections(self) -> tuple[Section, ...]:
        """The sections that hold at least one field, in display order."""
        used = {settings_field.section for settings_field in self.fields}
        return tuple(section for section in Section if section in used)

    def fields_in(self, section: Section) -> tuple[SettingsField, ...]:
        """The fields shown in ``section``, in form order."""
        return tuple(f for f in self.fields if f.section == section)

    def secret_keys(self) -> tuple[str, ...]:
        """The keys of the ``secret`` fields, in form order."""
        return tuple(f.key for f in self.fields if f.type is FieldType.SECRET)

    def dependency_order(self) -> tuple[SettingsField, ...]:
        """The fields ordered so that each comes after every field its
        conditions read; ``ValueError`` if the conditions form a cycle."""
        by_key = {settings_field.key: settings_field for settings_field in self.fields}
        ordered: dict[str, SettingsField] = {}
        visiting: list[str] = []

        def visit(settings_field: SettingsField) -> None:
            if settings_field.key in ordered:
                return
            if settings_field.key in visiting:
                cycle = [*visiting[visiting.index(settings_field.key) :], settings_field.key]
                raise ValueError(f"conditions form a cycle: {' -> '.join(cycle)}")
            visiting.append(settings_field.key)
            for condition in settings_field.conditions:
                visit(by_key[condition.field])
            visiting.pop()
            ordered[settings_field.key] = settings_field

        for settings_field in self.fields:
            visit(settings_field)
        return tuple(ordered.values())


def _condition_problem(condition: Condition, other: SettingsField | None) -> str | None:
    if other is None:
        return f"condition refers to unknown setting {condition.field!r}"
    if other.type is FieldType.SECRET:
        return f"a condition cannot depend on secret {condition.field!r}"
    for trigger in condition.triggers():
        if trigger is None:
            continue
        problem = _declared_value_problem(other, trigger)
        if problem:
            return f"condition on {condition.field!r}: trigger {problem}"
    return None
