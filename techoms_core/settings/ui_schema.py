"""A settings schema as a JSON Forms UI schema: layout and show/hide rules.

One ``Category`` per section (a tab), one ``Control`` per field in form order.
A field's conditions become a JSON Forms ``rule``:

* ``hide_when`` / ``show_when`` -> effect ``HIDE`` / ``SHOW``;
* ``disable_when`` / ``enable_when`` -> effect ``DISABLE`` / ``ENABLE``;
* each condition is ``{"scope": "#/properties/<other field>", "schema":
  {"enum": [...]}}``; several conditions of a field combine with JSON Forms'
  ``OR`` / ``AND`` conditions, negated ones as ``{"not": {"enum": [...]}}``.

A field with both kinds of rule is wrapped in a ``VerticalLayout`` carrying the
visibility rule, the control carrying the enablement rule (JSON Forms takes one
rule per element). Options carry what JSON Forms has no keyword for:
``"format": "password"`` for secrets, ``"cascade"`` (the other field and the
value per trigger) and ``"choicesFrom"`` (the fields a plugin lists the
field's choices with, through ``settings_field_choices``).

A condition reads the other field's final value, its default included, as
the server does: fill defaults into the data (ajv ``useDefaults``) so a
JSON Forms frontend sees the same.
"""

from __future__ import annotations

from typing import Any

from techoms_core.settings.conditions import (
    ENABLEMENT_EFFECTS,
    VISIBILITY_EFFECTS,
    Condition,
    Effect,
)
from techoms_core.settings.field_types import FieldType
from techoms_core.settings.schema import SettingsField, SettingsSchema

#: The effect to use when a field's conditions all read "on while matching".
_POSITIVE = {"visibility": ("SHOW", Effect.SHOW), "enablement": ("ENABLE", Effect.ENABLE)}
_NEGATIVE = {"visibility": "HIDE", "enablement": "DISABLE"}


def settings_ui_schema(schema: SettingsSchema) -> dict[str, Any]:
    """The JSON Forms UI schema of ``schema``: a ``Categorization`` of sections."""
    return {
        "type": "Categorization",
        "elements": [
            {
                "type": "Category",
                "label": str(section),
                "elements": [_element(f) for f in schema.fields_in(section)],
            }
            for section in schema.sections()
        ],
    }


def _element(f: SettingsField) -> dict[str, Any]:
    control: dict[str, Any] = {"type": "Control", "scope": f"#/properties/{f.key}"}
    control["label"] = f.label
    options = _options(f)
    if options:
        control["options"] = options
    visibility = _rule(f, VISIBILITY_EFFECTS, "visibility")
    enablement = _rule(f, ENABLEMENT_EFFECTS, "enablement")
    if enablement:
        control["rule"] = enablement
    if visibility and enablement:
        return {"type": "VerticalLayout", "elements": [control], "rule": visibility}
    if visibility:
        control["rule"] = visibility
    return control


def _options(f: SettingsField) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if f.type is FieldType.SECRET:
        options["format"] = "password"
    for condition in f.conditions:
        if condition.effect is Effect.CASCADE:
            options["cascade"] = {
                "scope": f"#/properties/{condition.field}",
                "values": [{"when": t, "value": v} for t, v in condition.values.items()],
            }
            break
    if f.choices_from:
        options["choicesFrom"] = [f"#/properties/{key}" for key in f.choices_from]
    return options


def _rule(f: SettingsField, effects: frozenset[Effect], kind: str) -> dict[str, Any] | None:
    """One rule for the conditions of ``f`` with one of ``effects``: ``SHOW``
    (``ENABLE``) when they are all show (enable) conditions, every one having
    to match; otherwise ``HIDE`` (``DISABLE``) when any of them sets off."""
    conditions = [c for c in f.conditions if c.effect in effects]
    if not conditions:
        return None
    positive_name, positive_effect = _POSITIVE[kind]
    if all(c.effect is positive_effect for c in conditions):
        parts = [_condition(c, negate=False) for c in conditions]
        return {"effect": positive_name, "condition": _joined("AND", parts)}
    parts = [_condition(c, negate=c.effect is positive_effect) for c in conditions]
    return {"effect": _NEGATIVE[kind], "condition": _joined("OR", parts)}


def _joined(kind: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"type": kind, "conditions": parts}


def _condition(condition: Condition, *, negate: bool) -> dict[str, Any]:
    matches: dict[str, Any] = {"enum": list(condition.equals)}
    return {
        "scope": f"#/properties/{condition.field}",
        "schema": {"not": matches} if negate else matches,
    }
