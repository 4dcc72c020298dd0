"""The settings schema a plugin declares: fields, sections, choices, conditions.

Every class here is a frozen value checked when it is built, so a mistake in a
plugin's declaration (a choice field without choices, a secret with a default,
a condition on a field that does not exist) fails at import time with a
``ValueError`` that names the setting, not later in front of a user.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen

from techoms_core.settings.field_types import FieldType, InvalidValue, coerce_value

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class Section(enum.StrEnum):
    """Where a field is shown; sections are listed in this order."""

    CHANNEL_SETTINGS = "Channel Settings"
    ADVANCED = "Advanced"


class Effect(enum.StrEnum):
    """What a :class:`Condition` does to the field that carries it.

    ``hide``
        The field is not shown, not required, and a value given for it is
        dropped on save.
    ``disable``
        The field is shown greyed out; like a hidden field it is not required
        and a value given for it is dropped on save.
    ``cascade``
        The field's value follows the other field's value through
        :attr:`Condition.values` whenever the user gave no value of their own.
    """

    HIDE = "hide"
    DISABLE = "disable"
    CASCADE = "cascade"


def _enum_or_raw(enum_type: type[enum.Enum]):
    """Convert to ``enum_type`` when possible; leave a bad value for the
    validator, which reports it with the setting's name."""

    def convert(value):
        try:
            return enum_type(value)
        except ValueError:
            return value

    return convert


def _tuple_of_values(value: object) -> tuple:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"expected a tuple of values such as ('eu',), got {value!r}")
    return tuple(value)


def _frozen_mapping(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


def _non_blank(instance: object, attribute, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        name = type(instance).__name__.lower()
        raise ValueError(f"a {name} {attribute.name} must be a non-blank string, got {value!r}")


@frozen
class Choice:
    """One option of a ``choice`` field: the stored ``value`` and its ``label``."""

    value: str = field(validator=_non_blank)
    label: str = field(validator=_non_blank)


@frozen(kw_only=True)
class Condition:
    """A rule tying the field that carries it to another field's value.

    ``field`` is the other field's key. For ``hide`` and ``disable``, ``equals``
    lists the values of the other field that trigger the effect (``None``
    matches an empty or hidden field). For
    ``cascade``, ``values`` maps a value of the other field to this field's
    value, and every key of ``values`` is a trigger (leave ``equals`` empty).
    The convenience constructors :meth:`hide_when`, :meth:`disable_when` and
    :meth:`cascade_from` read better in a declaration.
    """

    field: str
    equals: tuple = field(default=(), converter=_tuple_of_values)
    effect: Effect = field(converter=_enum_or_raw(Effect))
    values: Mapping = field(
        factory=dict, converter=_frozen_mapping, hash=False, repr=lambda v: repr(dict(v))
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.field, str) or not self.field:
            raise ValueError(f"a condition needs the key of another field, got {self.field!r}")
        if not isinstance(self.effect, Effect):
            raise ValueError(
                f"condition on {self.field!r}: effect {self.effect!r} is not one of "
                f"{', '.join(Effect)}"
            )
        if self.effect is Effect.CASCADE:
            if not self.values:
                raise ValueError(f"cascade from {self.field!r} needs values")
            if self.equals:
                raise ValueError(
                    f"cascade from {self.field!r}: the keys of values are the triggers; "
                    "leave equals empty"
                )
        else:
            if not self.equals:
                raise ValueError(f"{self.effect} condition on {self.field!r} needs equals")
            if self.values:
                raise ValueError(f"{self.effect} condition on {self.field!r} takes no values")

    @classmethod
    def hide_when(cls, field: str, *equals: object) -> Condition:
        """Hide the field while ``field`` has one of ``equals``."""
        return cls(field=field, equals=equals, effect=Effect.HIDE)

    @classmethod
    def disable_when(cls, field: str, *equals: object) -> Condition:
        """Disable the field while ``field`` has one of ``equals``."""
        return cls(field=field, equals=equals, effect=Effect.DISABLE)

    @classmethod
    def cascade_from(cls, field: str, values: Mapping[object, object]) -> Condition:
        """Default the field to ``values[<value of field>]``."""
        return cls(field=field, effect=Effect.CASCADE, values=values)

    def triggers(self) -> tuple:
        """The values of the other field that set this condition off."""
        return tuple(self.values) if self.effect is Effect.CASCADE else self.equals

    def applies_to(self, other_value: object) -> bool:
        """True when the other field's value sets this condition off."""
        return any(_same_value(other_value, trigger) for trigger in self.triggers())


def _same_value(a: object, b: object) -> bool:
    """Equality that does not confuse ``True`` with ``1``."""
    return type(a) is type(b) and a == b


def _declared_value_problem(settings_field: SettingsField, value: object) -> str | None:
    """Why ``value`` cannot be a declared value (default, trigger or cascade
    value) of ``settings_field``, or ``None``. Declared values must already be
    in the field's value type: ``True`` rather than ``"yes"``."""
    try:
        coerced = coerce_value(settings_field, value)
    except InvalidValue as problem:
        return str(problem)
    if not _same_value(coerced, value):
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
    """

    key: str
    label: str
    type: FieldType = field(converter=_enum_or_raw(FieldType))
    section: Section = field(default=Section.CHANNEL_SETTINGS, converter=_enum_or_raw(Section))
    required: bool = False
    default: object = None
    choices: tuple[Choice, ...] = field(default=(), converter=tuple)
    help: str = ""
    conditions: tuple[Condition, ...] = field(default=(), converter=tuple)
    min: int | None = None
    max: int | None = None

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
            return "only a choice field takes choices" if self.choices else None
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
