"""A settings schema as JSON Schema (draft 2020-12), for any frontend.

:func:`settings_json_schema` states the same rules :func:`check_settings`
applies on save, so a frontend validating with any JSON Schema validator
accepts exactly what the server accepts:

* a field's constraints (type, choices, bounds, the URL rule, required) apply
  only while its conditions leave it active; a hidden or disabled field's value
  is dropped on save, so only its JSON type is checked;
* a condition reads the other field's *final* value: the value given, else the
  cascaded value, else the default; ``null`` when that field is hidden;
* an empty value is ``null``, a missing key, or (for text, URL and secret
  fields) a blank string.

The schema describes values as a JSON frontend sends them: booleans, whole
numbers, and strings without surrounding spaces. The server also reads what a
person types on the command line (``yes``, ``"12"``, ``LOW``, ``env:VAR``
references); those are outside the schema.
"""

from __future__ import annotations

from typing import Any

from techoms_core.settings.conditions import ENABLEMENT_EFFECTS, VISIBILITY_EFFECTS, Effect
from techoms_core.settings.conditions import same_value as _same
from techoms_core.settings.field_types import FieldType
from techoms_core.settings.schema import SettingsField, SettingsSchema

DIALECT = "https://json-schema.org/draft/2020-12/schema"

JSON_TYPES = {
    FieldType.TEXT: "string",
    FieldType.URL: "string",
    FieldType.SECRET: "string",
    FieldType.CHOICE: "string",
    FieldType.BOOL: "boolean",
    FieldType.INT: "integer",
}

BLANK_TEXT = r"^\s*$"
_PORT = r"(:(6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4})?)?"
_REST = r"([/?#].*)?$"
_LOOPBACK = r"(localhost\.?|127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\[::1\])"
#: https to any host, or http to a loopback host; no user name or password.
URL_PATTERN = (
    rf"^(https://([^/?#@\s:\[\]]+|\[[0-9A-Fa-f:.]+\]){_PORT}|http://{_LOOPBACK}{_PORT}){_REST}"
)

_EMPTY = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": BLANK_TEXT}]}
_IS_EMPTY = {"$ref": "#/$defs/empty"}
_NEVER: dict[str, Any] = {"not": {}}


def settings_json_schema(schema: SettingsSchema, *, title: str = "") -> dict[str, Any]:
    """The JSON Schema of ``schema``: one property per field, with ``title``,
    ``description``, ``default``, ``writeOnly`` for secrets, and a choice
    field's choices as ``oneOf`` constants titled with their labels (for a
    field that a condition may hide or disable, the choices and other value
    rules sit in the ``allOf`` rule that applies while it is active)."""
    rules = _Rules(schema)
    properties = {f.key: rules.property(f) for f in schema.fields}
    constraints = [c for f in schema.fields if (c := rules.constraint(f))]
    document: dict[str, Any] = {"$schema": DIALECT, "type": "object"}
    if title:
        document["title"] = title
    document["properties"] = properties
    always_required = [f.key for f in schema.fields if rules.always_required(f)]
    if always_required:
        document["required"] = always_required
    document["additionalProperties"] = False
    if constraints:
        document["allOf"] = constraints
    document["$defs"] = {"empty": _EMPTY}
    return document


class _Rules:
    """The subschemas of one settings schema."""

    def __init__(self, schema: SettingsSchema) -> None:
        self.schema = schema

    # -- per field ------------------------------------------------------------

    def property(self, f: SettingsField) -> dict[str, Any]:
        """Annotations, plus the value rules of a field that is always active."""
        annotations: dict[str, Any] = {"title": f.label}
        if f.help:
            annotations["description"] = f.help
        if f.default is not None:
            annotations["default"] = f.default
        if f.type is FieldType.SECRET:
            annotations["writeOnly"] = True
        if _switches(f):
            return {"type": [JSON_TYPES[f.type], "null"], **annotations}
        return {**self.values(f), **annotations}

    def values(self, f: SettingsField) -> dict[str, Any]:
        """What a value of ``f`` must be (``null`` and blank text count as empty)."""
        rules: dict[str, Any] = {"type": [JSON_TYPES[f.type], "null"]}
        if f.type is FieldType.URL:
            rules["anyOf"] = [{"pattern": BLANK_TEXT}, {"pattern": URL_PATTERN}]
        elif f.type is FieldType.CHOICE:
            rules["oneOf"] = [{"const": c.value, "title": c.label} for c in f.choices]
            rules["oneOf"].append({"type": "null"})
        elif f.type is FieldType.INT:
            if f.min is not None:
                rules["minimum"] = f.min
            if f.max is not None:
                rules["maximum"] = f.max
        return rules

    def always_required(self, f: SettingsField) -> bool:
        return _needs_value(f) and not _switches(f) and not _cascades(f)

    def constraint(self, f: SettingsField) -> dict[str, Any] | None:
        """The rules of ``f`` that the ``properties`` entry cannot state alone."""
        required = self.required(f) if _needs_value(f) else None
        if not _switches(f):
            return required
        rules = [{"properties": {f.key: self.values(f)}}]
        if required:
            rules.append(required)
        then = rules[0] if len(rules) == 1 else {"allOf": rules}
        return {"if": self.active(f), "then": then}

    def required(self, f: SettingsField) -> dict[str, Any]:
        """``f`` has a value: given, or cascaded from another field."""
        cascades = [self.cascade_applies(c) for c in f.conditions if c.effect is Effect.CASCADE]
        if not cascades:
            return _given(f.key)
        return {"anyOf": [_given(f.key), *cascades]}

    # -- conditions -----------------------------------------------------------

    def active(self, f: SettingsField) -> dict[str, Any]:
        """``f`` is neither hidden nor disabled."""
        parts = []
        for condition in f.conditions:
            if condition.effect is Effect.CASCADE:
                continue
            matches = self.final_in(self.schema.field(condition.field), condition.equals)
            sets_off_on_match = condition.effect in (Effect.HIDE, Effect.DISABLE)
            parts.append({"not": matches} if sets_off_on_match else matches)
        return _all(parts)

    def cascade_applies(self, condition) -> dict[str, Any]:
        return self.final_in(self.schema.field(condition.field), condition.triggers())

    def final_in(self, g: SettingsField, wanted: tuple) -> dict[str, Any]:
        """``g``'s final value is one of ``wanted`` (``None`` for empty or hidden)."""
        wanted_values = [value for value in wanted if value is not None]
        branches = []
        if wanted_values:
            branches.append(_all([_given(g.key), {"properties": {g.key: {"enum": wanted_values}}}]))
        derived = self.derived_in(g, wanted)
        if derived is not None:
            branches.append(_all([{"not": _given(g.key)}, derived]))
        active = self.active(g)
        if any(value is None for value in wanted):
            branches = [_all([active, _any(branches)]), {"not": active}]
        else:
            branches = [_all([active, _any(branches)])]
        return _any(branches)

    def derived_in(self, g: SettingsField, wanted: tuple) -> dict[str, Any] | None:
        """``g``, given no value, takes one of ``wanted`` (first cascade that
        applies, else its default, else ``None``)."""
        cascades = [c for c in g.conditions if c.effect is Effect.CASCADE]
        branches, earlier = [], []
        for condition in cascades:
            applies = self.cascade_applies(condition)
            for trigger, value in condition.values.items():
                if _among(value, wanted):
                    other = self.schema.field(condition.field)
                    picked = self.final_in(other, (trigger,))
                    branches.append(_all([*({"not": e} for e in earlier), picked]))
            earlier.append(applies)
        if _among(g.default, wanted):
            branches.append(_all([{"not": e} for e in earlier]))
        return _any(branches) if branches else None


def _switches(f: SettingsField) -> bool:
    """``f`` may be hidden or disabled by a condition."""
    effects = VISIBILITY_EFFECTS | ENABLEMENT_EFFECTS
    return any(c.effect in effects for c in f.conditions)


def _cascades(f: SettingsField) -> bool:
    return any(c.effect is Effect.CASCADE for c in f.conditions)


def _needs_value(f: SettingsField) -> bool:
    return f.required and f.default is None


def _among(value: object, wanted: tuple) -> bool:
    return any(_same(value, w) for w in wanted)


def _given(key: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"not": _IS_EMPTY}}}


def _all(parts: list[dict[str, Any]]) -> dict[str, Any]:
    parts = [p for p in parts if p != {}]
    if _NEVER in parts:
        return _NEVER
    if not parts:
        return {}
    return parts[0] if len(parts) == 1 else {"allOf": parts}


def _any(parts: list[dict[str, Any]]) -> dict[str, Any]:
    parts = [p for p in parts if p != _NEVER]
    if {} in parts:
        return {}
    if not parts:
        return _NEVER
    return parts[0] if len(parts) == 1 else {"anyOf": parts}
