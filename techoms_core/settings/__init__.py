"""Channel settings: the schema a plugin declares and the validation on save.

A plugin declares its settings once, as a :class:`SettingsSchema` of
:class:`SettingsField` objects. The host renders the form from it (grouped by
:meth:`SettingsSchema.sections`), and :func:`validate_settings` turns what the
user typed into :class:`ChannelSettings` or raises :class:`SettingsError`
naming every problem at once. A mistake in the declaration itself (a choice
field without choices, a default outside the choices, a secret with a
default, a condition on an unknown field) raises ``ValueError`` when the
plugin module is imported.

Declaring a schema
------------------
Leanafy's settings::

    from techoms_core.settings import (
        Choice, FieldType, Section, SettingsField, SettingsSchema,
    )

    SETTINGS = SettingsSchema((
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL,
                      required=True, help="https; plain http only for a loopback host"),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET,
                      required=True),
        SettingsField(key="api_secret", label="Api Secret", type=FieldType.SECRET,
                      required=True),
        SettingsField(key="throughput", label="Throughput", type=FieldType.CHOICE,
                      choices=(Choice("low", "Low"), Choice("default", "Default"),
                               Choice("high", "High")),
                      default="default"),
        SettingsField(key="warehouse_id", label="Leanafy warehouse id",
                      type=FieldType.TEXT),
        SettingsField(key="suppress_pii", label="Suppress PII", type=FieldType.BOOL,
                      section=Section.ADVANCED, default=False),
    ))

Field types
-----------
``text`` and ``url`` take strings; a ``url`` must be https, and plain http is
accepted only for a loopback host (127.0.0.0/8, ``::1``, ``localhost``).
``secret`` values become :class:`~techoms_core.secrets.Secret` and are masked
in every repr, problem message and display. ``choice`` takes one of its
:class:`Choice` values (case-insensitively). ``bool`` takes
``true/false/yes/no/1/0``; ``int`` takes whole numbers within ``min``/``max``.

Any value may be written ``env:VAR`` to read it from the environment when the
settings are validated; storage keeps the reference, never the resolved value
(:meth:`ChannelSettings.raw_for_storage`).

Conditions
----------
A field may depend on another field's value through :class:`Condition`:

* ``Condition.hide_when("use_proxy", False)``: the field is hidden while
  ``use_proxy`` is false. A hidden field is not required, and a value given
  for it is dropped on save (it is absent from :class:`ChannelSettings`).
* ``Condition.show_when("throughput", "custom")``: the reverse, shown only
  while ``throughput`` is ``custom``.
* ``Condition.disable_when("mode", "demo")``: shown greyed out; otherwise the
  same as hidden. ``Condition.enable_when`` is its reverse.
* ``Condition.cascade_from("region", {"eu": "https://eu.example.com"})``: the
  field takes the cascaded value when the user gave none (a value the user
  gave wins; with no cascade match the default applies). A cascaded value
  satisfies ``required``.

A condition reads the other field's final value (after its own conditions,
cascade and default); a hidden field reads as ``None``. Conditions may not
depend on a secret field or form a cycle.

Choices the WMS holds
---------------------
A ``text`` field declared with ``choices_from=("api_url", "api_key")`` is a
dropdown whose choices the plugin lists through its ``settings_field_choices``
hook, read with the fields named there (e.g. Leanafy's warehouses). The form
keeps it disabled until those fields are valid; without the hook it is a text
field.

The form
--------
:func:`evaluate_form` gives a settings page everything to render after each
change (:class:`FormState`, one :class:`FieldState` per field): visible,
enabled, required, choices, value, problems. It runs :func:`check_settings`,
the validation :func:`validate_settings` runs on save, so the page and the
save agree. :func:`~techoms_core.settings.json_schema.settings_json_schema`
and :func:`~techoms_core.settings.ui_schema.settings_ui_schema` export a
schema as JSON Schema 2020-12 and a JSON Forms UI schema for other frontends
(``techoms plugins schema KEY``).

Reading settings in a plugin
----------------------------
``settings["throughput"]`` gives the value; ``settings["api_key"].reveal()``
gives a secret at the one place that sends it. Every field that is not hidden
or disabled is present, as ``None`` when it has no value.
"""

from techoms_core.settings.channel_settings import ChannelSettings
from techoms_core.settings.conditions import Condition, Effect
from techoms_core.settings.field_types import FieldType
from techoms_core.settings.form import (
    ChoicesPending,
    ChoicesSource,
    ChoicesUnavailable,
    FieldState,
    FormState,
    evaluate_form,
)
from techoms_core.settings.schema import Choice, Section, SettingsField, SettingsSchema
from techoms_core.settings.validation import (
    FieldOutcome,
    SettingsCheck,
    SettingsError,
    SettingsProblem,
    check_settings,
    validate_settings,
)

__all__ = [
    "ChannelSettings",
    "Choice",
    "ChoicesPending",
    "ChoicesSource",
    "ChoicesUnavailable",
    "Condition",
    "Effect",
    "FieldOutcome",
    "FieldState",
    "FieldType",
    "FormState",
    "Section",
    "SettingsCheck",
    "SettingsError",
    "SettingsField",
    "SettingsProblem",
    "SettingsSchema",
    "check_settings",
    "evaluate_form",
    "validate_settings",
]
