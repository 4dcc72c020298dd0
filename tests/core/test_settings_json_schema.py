"""The exported JSON Schema and the server's validation accept the same settings.

Settings are generated the way a JSON frontend sends them (booleans, whole
numbers, trimmed strings, ``null``, missing keys, unknown keys), valid and
invalid: unknown choices, numbers out of bounds, URLs of every kind, blank
text, values of the wrong JSON type for fields no condition switches off.
Outside this domain on purpose: what only a person types on the command line
(``yes``, ``"12"``, ``LOW``, padded text, ``env:VAR``), which the server reads
and the schema does not describe.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from plugins.leanafy.declaration import SETTINGS as LEANAFY
from techoms_core.settings import (
    Choice,
    Condition,
    FieldType,
    Section,
    SettingsField,
    SettingsSchema,
    check_settings,
)
from techoms_core.settings.conditions import ENABLEMENT_EFFECTS, VISIBILITY_EFFECTS, Effect
from techoms_core.settings.json_schema import settings_json_schema
from techoms_core.settings.ui_schema import settings_ui_schema

#: Every feature of the settings schema, conditions reading cascaded values too.
RICH = SettingsSchema(
    (
        SettingsField(
            key="mode",
            label="Mode",
            type=FieldType.CHOICE,
            choices=(Choice("a", "A"), Choice("b", "B"), Choice("c", "C")),
            default="a",
        ),
        SettingsField(
            key="region",
            label="Region",
            type=FieldType.CHOICE,
            choices=(Choice("eu", "EU"), Choice("us", "US")),
        ),
        SettingsField(key="flag", label="Flag", type=FieldType.BOOL, default=False),
        SettingsField(key="url", label="Url", type=FieldType.URL, required=True),
        SettingsField(
            key="token",
            label="Token",
            type=FieldType.SECRET,
            required=True,
            conditions=(Condition.hide_when("mode", "c"),),
        ),
        SettingsField(
            key="host",
            label="Host",
            type=FieldType.TEXT,
            required=True,
            conditions=(
                Condition.cascade_from("region", {"eu": "eu.example", "us": "us.example"}),
                Condition.show_when("flag", True),
            ),
        ),
        SettingsField(
            key="level",
            label="Level",
            type=FieldType.INT,
            required=True,
            min=1,
            max=5,
            conditions=(Condition.enable_when("mode", "b"), Condition.hide_when("region", None)),
        ),
        SettingsField(
            key="note",
            label="Note",
            type=FieldType.TEXT,
            section=Section.ADVANCED,
            conditions=(
                Condition.disable_when("flag", True),
                Condition.show_when("mode", "a", "b"),
            ),
        ),
        SettingsField(
            key="size",
            label="Size",
            type=FieldType.INT,
            min=0,
            max=10,
            default=3,
            conditions=(Condition.cascade_from("mode", {"b": 7}),),
        ),
        SettingsField(
            key="sub",
            label="Sub",
            type=FieldType.CHOICE,
            required=True,
            choices=(Choice("x", "X"), Choice("y", "Y")),
            conditions=(Condition.show_when("size", 7),),
        ),
        SettingsField(
            key="city",
            label="City",
            type=FieldType.TEXT,
            required=True,
            conditions=(Condition.cascade_from("region", {"eu": "Paris"}),),
        ),
        SettingsField(
            key="hint",
            label="Hint",
            type=FieldType.TEXT,
            required=True,
            conditions=(Condition.hide_when("note", None),),
        ),
        SettingsField(
            key="zone",
            label="Zone",
            type=FieldType.TEXT,
            conditions=(
                Condition.cascade_from("region", {"eu": "z1"}),
                Condition.cascade_from("mode", {"a": "z2", "b": "z2"}),
            ),
        ),
        SettingsField(
            key="zone_code",
            label="Zone code",
            type=FieldType.TEXT,
            required=True,
            conditions=(Condition.show_when("zone", "z2"),),
        ),
    )
)

HOSTS = ("example.com", "wms.example", "localhost", "localhost.", "127.0.0.1", "127.3.4.5")
HOSTS += ("[::1]", "10.0.0.1", "")
TEXTS = ("d", "e", "zz", "North depot", "x-1_2.3", "LOW", "x" * 40)
BLANKS = ("", " ", "   ")
VALID_URLS = ("https://wms.example", "http://127.0.0.1:8080/v1", "https://x:1", "http://[::1]/")
UNKNOWN_CHOICES = ("turbo", "z", "default2", "a b")
NOT_BOOLS = ("maybe", "on", "2", "truth")
NOT_NUMBERS = ("abc", "1.5", "12a", "- 3")
URLS = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["https://", "http://", "ftp://", ""]),
        st.sampled_from(["", "user@", "user:pw@"]),
        st.sampled_from(HOSTS),
        st.sampled_from(["", ":", ":8080", ":0", ":65535", ":65536", ":99999", ":x"]),
        st.sampled_from(["", "/", "/v1", "/a?b=c", "#top"]),
    ),
)


def switched(f: SettingsField) -> bool:
    effects = VISIBILITY_EFFECTS | ENABLEMENT_EFFECTS
    return any(c.effect in effects for c in f.conditions)


def field_values(f: SettingsField) -> st.SearchStrategy:
    """Mostly valid values of ``f``, else a wrong one: blank, ``null``, out of
    bounds or choices, a refused URL, or (when no condition can switch the
    field off) a value of another JSON type. A switched-off field's value is
    only type-checked by the schema and dropped unread by the server."""
    return st.integers(0, 19).flatmap(lambda n: valid_values(f) if n < 16 else wrong_values(f))


def valid_values(f: SettingsField) -> st.SearchStrategy:
    if f.type is FieldType.CHOICE:
        return st.sampled_from([c.value for c in f.choices])
    if f.type is FieldType.BOOL:
        return st.booleans()
    if f.type is FieldType.INT:
        return st.integers(f.min if f.min is not None else -3, f.max if f.max is not None else 20)
    if f.type is FieldType.URL:
        return st.sampled_from(VALID_URLS)
    return st.sampled_from(TEXTS)


def wrong_values(f: SettingsField) -> st.SearchStrategy:
    if f.type is FieldType.CHOICE:
        own = st.sampled_from(UNKNOWN_CHOICES)
    elif f.type is FieldType.BOOL:
        own = st.nothing()
    elif f.type is FieldType.INT:
        own = st.sampled_from([f.min - 1 if f.min is not None else -99, (f.max or 99) + 1])
    elif f.type is FieldType.URL:
        own = URLS | st.sampled_from(BLANKS + TEXTS)
    else:
        own = st.sampled_from(BLANKS)
    own = own | st.none()
    if switched(f):
        return own
    if f.type is FieldType.BOOL:
        other = st.sampled_from(NOT_BOOLS)
    elif f.type is FieldType.INT:
        other = st.booleans() | st.sampled_from(NOT_NUMBERS)
    else:
        other = st.integers(-5, 5) | st.booleans()
    return own | other


@st.composite
def submitted(draw: st.DrawFn, schema: SettingsSchema) -> dict[str, object]:
    data = {}
    for f in schema.fields:
        if draw(st.integers(0, 9)) > 0:
            data[f.key] = draw(field_values(f))
    if draw(st.integers(0, 19)) == 0:
        data["unknown_setting"] = "x"
    return data


#: Values conditions and cascades of generated schemas use, so that they meet.
SAMPLES = {
    FieldType.TEXT: ("d", "e"),
    FieldType.SECRET: ("d", "e"),
    FieldType.URL: ("https://wms.example", "http://127.0.0.1:8080/v1"),
    FieldType.CHOICE: ("a", "b", "c"),
    FieldType.BOOL: (True, False),
    FieldType.INT: (0, 1, 2, 5),
}
ABC = (Choice("a", "A"), Choice("b", "B"), Choice("c", "C"))


@st.composite
def conditions_on(draw: st.DrawFn, kind: FieldType, earlier: list[SettingsField]) -> list:
    """Up to three conditions reading earlier fields (so there is no cycle)."""
    readable = [f for f in earlier if f.type is not FieldType.SECRET]
    conditions = []
    for _ in range(draw(st.integers(0, 3)) if readable else 0):
        other = draw(st.sampled_from(readable))
        effect = draw(st.sampled_from(list(Effect)))
        triggers = draw(
            st.lists(st.sampled_from([*SAMPLES[other.type], None]), min_size=1, max_size=2)
        )
        triggers = list(dict.fromkeys(triggers))
        if effect is not Effect.CASCADE:
            conditions.append(Condition(field=other.key, equals=tuple(triggers), effect=effect))
        elif kind is not FieldType.SECRET:
            values = {t: draw(st.sampled_from(SAMPLES[kind])) for t in triggers}
            conditions.append(Condition.cascade_from(other.key, values))
    return conditions


@st.composite
def schemas(draw: st.DrawFn) -> SettingsSchema:
    """Small schemas of every field type, with every kind of condition."""
    fields: list[SettingsField] = []
    for index in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(list(FieldType)))
        has_default = kind is not FieldType.SECRET and draw(st.booleans())
        is_int = kind is FieldType.INT
        fields.append(
            SettingsField(
                key=f"f{index}",
                label=f"F{index}",
                type=kind,
                required=draw(st.booleans()),
                default=draw(st.sampled_from(SAMPLES[kind])) if has_default else None,
                choices=ABC if kind is FieldType.CHOICE else (),
                min=0 if is_int else None,
                max=5 if is_int else None,
                conditions=draw(conditions_on(kind, fields)),
            )
        )
    return SettingsSchema(tuple(fields))


@functools.lru_cache(maxsize=64)
def validator_of(schema: SettingsSchema) -> Draft202012Validator:
    return Draft202012Validator(settings_json_schema(schema))


def agree(schema: SettingsSchema, data: dict[str, object]) -> None:
    validator = validator_of(schema)
    check = check_settings(schema, data, environ={})
    errors = [error.message for error in validator.iter_errors(data)]
    assert check.ok == (not errors), (
        f"server: {[str(p) for p in check.problems] or 'valid'}; "
        f"JSON Schema: {errors or 'valid'}; settings: {data!r}"
    )


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_json_schema_agrees_with_the_server_on_generated_schemas(data):
    schema = data.draw(schemas(), label="schema")
    agree(schema, data.draw(submitted(schema), label="settings"))


@PROPERTY
@given(data=submitted(RICH))
def test_the_json_schema_agrees_with_the_server_on_a_schema_with_every_feature(data):
    agree(RICH, data)


@PROPERTY
@given(data=submitted(LEANAFY))
def test_the_json_schema_agrees_with_the_server_on_leanafys_settings(data):
    agree(LEANAFY, data)


@pytest.mark.parametrize("schema", [RICH, LEANAFY], ids=["rich", "leanafy"])
def test_the_exported_schema_is_valid_draft_2020_12(schema):
    Draft202012Validator.check_schema(settings_json_schema(schema))


URL_ONLY = SettingsSchema((SettingsField(key="url", label="Url", type=FieldType.URL),))


@settings(max_examples=300, deadline=None)
@given(url=URLS | st.sampled_from(BLANKS + TEXTS + VALID_URLS))
def test_the_url_rule_agrees_with_the_server(url):
    agree(URL_ONLY, {"url": url})


EU_C = {"url": "https://x.example", "mode": "c", "region": "eu"}


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({**EU_C, "mode": "b", "token": "t", "level": 2, "zone_code": "q"}, False),
        ({**EU_C, "mode": "b", "token": "t", "level": 2, "sub": "x", "zone_code": "q"}, True),
        ({**EU_C, "mode": "a", "token": "t", "level": 9}, True),
        ({**EU_C, "mode": "a", "token": "t", "region": None, "city": "c"}, False),
        (EU_C, True),
        ({**EU_C, "url": "http://10.0.0.1"}, False),
        ({**EU_C, "url": "https://u@x.example"}, False),
        ({**EU_C, "region": "us"}, False),
        ({**EU_C, "region": "us", "city": "Reno"}, True),
        ({**EU_C, "unknown": 1}, False),
        ({**EU_C, "note": "n"}, True),
        ({**EU_C, "mode": "a", "token": "t", "note": "n"}, False),
        ({**EU_C, "mode": "a", "token": "t", "note": "n", "hint": "h"}, True),
    ],
)
def test_examples_of_conditions_read_through_cascades_and_defaults(data, valid):
    """``sub`` is shown only when ``size`` is 7, which mode ``b`` cascades;
    ``level`` is disabled unless mode is ``b`` and hidden while no region is
    set; ``city`` is required unless region ``eu`` cascades it; ``zone`` takes
    its first cascade that applies (``z1`` for region eu, before mode's
    ``z2``), and ``zone_code`` is required only for ``z2``; ``hint`` is
    required while ``note`` has a value, which it has not while hidden."""
    validator = Draft202012Validator(settings_json_schema(RICH))
    assert check_settings(RICH, data, environ={}).ok is valid
    assert validator.is_valid(data) is valid


def test_the_ui_schema_shows_leanafys_custom_limits_only_for_custom():
    ui = settings_ui_schema(LEANAFY)
    assert ui["type"] == "Categorization"
    assert [c["label"] for c in ui["elements"]] == ["Channel Settings", "Advanced"]
    controls = {e["scope"].rsplit("/", 1)[1]: e for e in ui["elements"][0]["elements"]}
    for key in ("concurrent_requests", "requests_per_second"):
        assert controls[key]["rule"] == {
            "effect": "SHOW",
            "condition": {"scope": "#/properties/throughput", "schema": {"enum": ["custom"]}},
        }
    assert controls["api_key"]["options"] == {"format": "password"}
    assert controls["warehouse_id"]["options"]["choicesFrom"] == [
        "#/properties/api_url",
        "#/properties/api_key",
        "#/properties/api_secret",
    ]


def test_the_ui_schema_combines_conditions_and_nests_two_kinds_of_rule():
    ui = settings_ui_schema(RICH)
    main = {e.get("scope") or e["elements"][0]["scope"]: e for e in ui["elements"][0]["elements"]}
    level = main["#/properties/level"]
    assert level["type"] == "VerticalLayout"
    assert level["rule"] == {
        "effect": "HIDE",
        "condition": {"scope": "#/properties/region", "schema": {"enum": [None]}},
    }
    assert level["elements"][0]["rule"] == {
        "effect": "ENABLE",
        "condition": {"scope": "#/properties/mode", "schema": {"enum": ["b"]}},
    }
    (note,) = ui["elements"][1]["elements"]
    assert note["type"] == "VerticalLayout"
    assert note["rule"] == {
        "effect": "SHOW",
        "condition": {"scope": "#/properties/mode", "schema": {"enum": ["a", "b"]}},
    }
    assert note["elements"][0]["rule"] == {
        "effect": "DISABLE",
        "condition": {"scope": "#/properties/flag", "schema": {"enum": [True]}},
    }
    assert main["#/properties/host"]["options"]["cascade"] == {
        "scope": "#/properties/region",
        "values": [{"when": "eu", "value": "eu.example"}, {"when": "us", "value": "us.example"}],
    }
