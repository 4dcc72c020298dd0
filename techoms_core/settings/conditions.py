"""Conditions: how one setting depends on another setting's value.

A :class:`Condition` sits on the field it affects and names the field it
reads. The effects follow JSON Forms' rule effects (SHOW, HIDE, ENABLE,
DISABLE) plus ``cascade``, so a schema exports to a JSON Forms UI schema
without translation (:mod:`techoms_core.settings.json_schema`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen


class Effect(enum.StrEnum):
    """What a :class:`Condition` does to the field that carries it.

    ``hide``
        While the other field has one of the values, the field is not shown,
        not required, and a value given for it is dropped on save.
    ``show``
        The reverse of ``hide``: the field is shown only while the other field
        has one of the values, and is hidden otherwise.
    ``disable``
        While the other field has one of the values, the field is shown greyed
        out; like a hidden field it is not required and a value given for it
        is dropped on save.
    ``enable``
        The reverse of ``disable``: the field is usable only while the other
        field has one of the values, and is disabled otherwise.
    ``cascade``
        The field's value follows the other field's value through
        :attr:`Condition.values` whenever the user gave no value of their own.
    """

    HIDE = "hide"
    SHOW = "show"
    DISABLE = "disable"
    ENABLE = "enable"
    CASCADE = "cascade"


#: The effects that decide whether a field is shown at all.
VISIBILITY_EFFECTS = frozenset({Effect.HIDE, Effect.SHOW})
#: The effects that decide whether a shown field can be edited.
ENABLEMENT_EFFECTS = frozenset({Effect.DISABLE, Effect.ENABLE})
#: The effects that set a field off when the other field does NOT match.
_WHEN_NOT_MATCHING = frozenset({Effect.SHOW, Effect.ENABLE})


def enum_or_raw(enum_type: type[enum.Enum]):
    """Convert to ``enum_type`` when possible; leave a bad value for the
    validator, which reports it with the setting's name."""

    def convert(value):
        try:
            return enum_type(value)
        except ValueError:
            return value

    return convert


def tuple_of_values(value: object) -> tuple:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"expected a tuple of values such as ('eu',), got {value!r}")
    return tuple(value)


def frozen_mapping(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


@frozen(kw_only=True)
class Condition:
    """A rule tying the field that carries it to another field's value.

    ``field`` is the other field's key. For ``hide``, ``show``, ``disable``
    and ``enable``, ``equals`` lists the values of the other field the rule
    tests (``None`` matches an empty or hidden field). For ``cascade``,
    ``values`` maps a value of the other field to this field's value, and
    every key of ``values`` is a trigger (leave ``equals`` empty). The
    constructors :meth:`hide_when`, :meth:`show_when`, :meth:`disable_when`,
    :meth:`enable_when` and :meth:`cascade_from` read better in a declaration.
    """

    field: str
    equals: tuple = field(default=(), converter=tuple_of_values)
    effect: Effect = field(converter=enum_or_raw(Effect))
    values: Mapping = field(
        factory=dict, converter=frozen_mapping, hash=False, repr=lambda v: repr(dict(v))
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
    def show_when(cls, field: str, *equals: object) -> Condition:
        """Show the field only while ``field`` has one of ``equals``."""
        return cls(field=field, equals=equals, effect=Effect.SHOW)

    @classmethod
    def disable_when(cls, field: str, *equals: object) -> Condition:
        """Disable the field while ``field`` has one of ``equals``."""
        return cls(field=field, equals=equals, effect=Effect.DISABLE)

    @classmethod
    def enable_when(cls, field: str, *equals: object) -> Condition:
        """Enable the field only while ``field`` has one of ``equals``."""
        return cls(field=field, equals=equals, effect=Effect.ENABLE)

    @classmethod
    def cascade_from(cls, field: str, values: Mapping[object, object]) -> Condition:
        """Default the field to ``values[<value of field>]``."""
        return cls(field=field, effect=Effect.CASCADE, values=values)

    def triggers(self) -> tuple:
        """The values of the other field this condition tests."""
        return tuple(self.values) if self.effect is Effect.CASCADE else self.equals

    def applies_to(self, other_value: object) -> bool:
        """True when the other field's value is one of :meth:`triggers`."""
        return any(same_value(other_value, trigger) for trigger in self.triggers())

    def hides(self, other_value: object) -> bool:
        """True when, given the other field's value, this condition hides its field."""
        return self.effect in VISIBILITY_EFFECTS and self._sets_off(other_value)

    def disables(self, other_value: object) -> bool:
        """True when, given the other field's value, this condition disables its field."""
        return self.effect in ENABLEMENT_EFFECTS and self._sets_off(other_value)

    def _sets_off(self, other_value: object) -> bool:
        return self.applies_to(other_value) != (self.effect in _WHEN_NOT_MATCHING)


def same_value(a: object, b: object) -> bool:
    """Equality that does not confuse ``True`` with ``1``."""
    return type(a) is type(b) and a == b
