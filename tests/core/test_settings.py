"""Settings schema: definition-time checks, coercion, conditions, env:VAR,
problems reported all at once, URL rules, and secrets that never show."""

from __future__ import annotations

import pickle
import textwrap

import pytest

from techoms_core.secrets import MASK, Secret
from techoms_core.settings import (
    ChannelSettings,
    Choice,
    Condition,
    Effect,
    FieldType,
    Section,
    SettingsError,
    SettingsField,
    SettingsProblem,
    SettingsSchema,
    validate_settings,
)
from techoms_core.settings.validation import ENV_PREFIX

API_KEY = "key-5f1e9a7c"
API_SECRET = "secret-0d3b2c44"
THROUGHPUT_CHOICES = (Choice("low", "Low"), Choice("default", "Default"), Choice("high", "High"))

LEANAFY = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(key="api_secret", label="Api Secret", type=FieldType.SECRET, required=True),
        SettingsField(
            key="throughput",
            label="Throughput",
            type=FieldType.CHOICE,
            choices=THROUGHPUT_CHOICES,
            default="default",
        ),
        SettingsField(key="warehouse_id", label="Leanafy warehouse id", type=FieldType.TEXT),
        SettingsField(
            key="suppress_pii",
            label="Suppress PII",
            type=FieldType.BOOL,
            section=Section.ADVANCED,
            default=False,
        ),
    )
)

GOOD = {"api_url": "https://api.leanafy.test/v1", "api_key": API_KEY, "api_secret": API_SECRET}


def problems_of(schema: SettingsSchema, raw: dict, environ: dict | None = None) -> SettingsError:
    with pytest.raises(SettingsError) as caught:
        validate_settings(schema, raw, environ=environ or {})
    return caught.value


def one_field(**kwargs) -> SettingsSchema:
    kwargs.setdefault("key", "value")
    kwargs.setdefault("label", "Value")
    return SettingsSchema((SettingsField(**kwargs),))


def value_of(schema: SettingsSchema, given: object, environ: dict | None = None) -> object:
    return validate_settings(schema, {"value": given}, environ=environ or {})["value"]


def message_of(schema: SettingsSchema, given: object) -> str:
    (problem,) = problems_of(schema, {"value": given}).problems
    return problem.message


# Definition time


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"key": "Api Url"}, "lower_snake_case"),
        ({"label": " "}, "needs a label"),
        ({"type": "date"}, "type 'date' is not one of"),
        ({"section": "Elsewhere"}, "section 'Elsewhere' is not one of"),
        ({"type": FieldType.CHOICE}, "a choice field needs choices"),
        ({"choices": THROUGHPUT_CHOICES}, "only a choice field takes choices"),
        (
            {"type": FieldType.CHOICE, "choices": ("low", "high")},
            "choices must be Choice(value, label) objects",
        ),
        (
            {"type": FieldType.CHOICE, "choices": (Choice("a", "A"), Choice("a", "Also A"))},
            "choice 'a' is listed twice",
        ),
        (
            {"type": FieldType.CHOICE, "choices": THROUGHPUT_CHOICES, "default": "turbo"},
            "default 'turbo' is not a valid choice",
        ),
        ({"type": FieldType.SECRET, "default": "hunter2"}, "a secret cannot have a default"),
        ({"type": FieldType.BOOL, "default": "yes"}, "default 'yes' must be written as True"),
        ({"type": FieldType.INT, "default": "5"}, "default '5' must be written as 5"),
        ({"type": FieldType.INT, "min": 1, "default": 0}, "default must be at least 1"),
        ({"type": FieldType.URL, "default": "http://example.com"}, "default must use https"),
        ({"min": 1}, "only an int field takes min"),
        ({"type": FieldType.INT, "min": 5, "max": 1}, "min 5 is greater than max 1"),
        ({"type": FieldType.INT, "max": 2.5}, "max must be a whole number"),
        ({"required": "yes"}, "required must be True or False"),
        ({"conditions": (Condition.hide_when("value", "x"),)}, "cannot refer to the field itself"),
        (
            {"type": FieldType.SECRET, "conditions": (Condition.cascade_from("x", {"a": "b"}),)},
            "a secret cannot cascade",
        ),
        (
            {"type": FieldType.INT, "conditions": (Condition.cascade_from("x", {"a": "b"}),)},
            "cascade value for x='a': must be a whole number",
        ),
    ],
)
def test_field_definition_errors_name_the_field(kwargs, expected):
    kwargs = {"key": "value", "label": "Value", "type": FieldType.TEXT, **kwargs}
    with pytest.raises(ValueError) as caught:
        SettingsField(**kwargs)
    assert expected in str(caught.value)
    assert repr(kwargs["key"]) in str(caught.value)


def test_a_secret_default_is_not_echoed_in_the_definition_error():
    with pytest.raises(ValueError) as caught:
        SettingsField(key="token", label="Token", type=FieldType.SECRET, default="hunter2")
    assert "hunter2" not in str(caught.value)


def test_choice_needs_non_blank_value_and_label():
    with pytest.raises(ValueError, match="choice value"):
        Choice("", "Empty")
    with pytest.raises(ValueError, match="choice label"):
        Choice("low", " ")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"field": "region", "effect": "explode", "equals": ("eu",)}, "effect 'explode'"),
        ({"field": "region", "effect": Effect.HIDE}, "hide condition on 'region' needs equals"),
        (
            {"field": "region", "effect": Effect.DISABLE, "equals": ("eu",), "values": {"a": 1}},
            "takes no values",
        ),
        ({"field": "region", "effect": Effect.CASCADE}, "cascade from 'region' needs values"),
        (
            {"field": "region", "effect": Effect.CASCADE, "equals": ("eu",), "values": {"eu": 1}},
            "leave equals empty",
        ),
        ({"field": "", "effect": Effect.HIDE, "equals": ("eu",)}, "needs the key"),
    ],
)
def test_condition_definition_errors(kwargs, expected):
    with pytest.raises(ValueError, match=expected):
        Condition(**kwargs)


def test_condition_equals_must_be_a_tuple_not_a_string():
    with pytest.raises(TypeError, match="tuple of values"):
        Condition(field="region", equals="eu", effect=Effect.HIDE)


def test_condition_constructors():
    assert Condition.hide_when("mode", "a", "b") == Condition(
        field="mode", equals=("a", "b"), effect=Effect.HIDE
    )
    assert Condition.disable_when("mode", "a").effect is Effect.DISABLE
    cascade = Condition.cascade_from("region", {"eu": "x"})
    assert cascade.effect is Effect.CASCADE
    assert cascade.triggers() == ("eu",)
    assert hash(cascade) == hash(Condition.cascade_from("region", {"eu": "x"}))


def text(key: str, **kwargs) -> SettingsField:
    return SettingsField(key=key, label=key.title(), type=FieldType.TEXT, **kwargs)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ((text("a"), text("a")), "setting 'a' is declared twice"),
        (
            (text("a", conditions=(Condition.hide_when("nope", "x"),)),),
            "setting 'a': condition refers to unknown setting 'nope'",
        ),
        (
            (
                SettingsField(key="token", label="Token", type=FieldType.SECRET),
                text("a", conditions=(Condition.hide_when("token", "x"),)),
            ),
            "setting 'a': a condition cannot depend on secret 'token'",
        ),
        (
            (
                SettingsField(key="flag", label="Flag", type=FieldType.BOOL),
                text("a", conditions=(Condition.hide_when("flag", "no"),)),
            ),
            "setting 'a': condition on 'flag': trigger 'no' must be written as False",
        ),
        (
            (
                SettingsField(
                    key="speed", label="Speed", type=FieldType.CHOICE, choices=THROUGHPUT_CHOICES
                ),
                text("a", conditions=(Condition.cascade_from("speed", {"turbo": "x"}),)),
            ),
            "'turbo' is not a valid choice",
        ),
        (
            (
                text("a", conditions=(Condition.hide_when("b", "x"),)),
                text("b", conditions=(Condition.hide_when("c", "x"),)),
                text("c", conditions=(Condition.hide_when("a", "x"),)),
            ),
            "conditions form a cycle: a -> b -> c -> a",
        ),
        (("not a field",), "must be SettingsField objects"),
    ],
)
def test_schema_definition_errors(fields, expected):
    with pytest.raises(ValueError) as caught:
        SettingsSchema(fields)
    assert expected in str(caught.value)


def test_schema_lookups():
    assert LEANAFY.field("throughput").label == "Throughput"
    with pytest.raises(KeyError, match="no setting 'nope'"):
        LEANAFY.field("nope")
    assert LEANAFY.sections() == (Section.CHANNEL_SETTINGS, Section.ADVANCED)
    assert [f.key for f in LEANAFY.fields_in(Section.ADVANCED)] == ["suppress_pii"]
    assert LEANAFY.secret_keys() == ("api_key", "api_secret")


def test_sections_are_in_display_order_whatever_the_field_order():
    schema = SettingsSchema(
        (text("late", section=Section.ADVANCED), text("early"), text("more", section="Advanced"))
    )
    assert schema.sections() == (Section.CHANNEL_SETTINGS, Section.ADVANCED)
    assert [f.key for f in schema.fields_in(Section.ADVANCED)] == ["late", "more"]


def test_dependency_order_puts_triggers_first():
    schema = SettingsSchema(
        (text("child", conditions=(Condition.hide_when("parent", "x"),)), text("parent"))
    )
    assert [f.key for f in schema.dependency_order()] == ["parent", "child"]


# Coercion and defaults


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("true", True),
        ("True", True),
        (" yes ", True),
        ("1", True),
        ("false", False),
        ("NO", False),
        ("0", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
    ],
)
def test_bool_coercion(given, expected):
    assert value_of(one_field(type=FieldType.BOOL), given) is expected


@pytest.mark.parametrize("given", ["maybe", "2", "on", 2, 1.0])
def test_bool_refuses_other_values(given):
    assert "must be true or false" in message_of(one_field(type=FieldType.BOOL), given)


@pytest.mark.parametrize(("given", "expected"), [("42", 42), (" -3 ", -3), ("+7", 7), (12, 12)])
def test_int_coercion(given, expected):
    assert value_of(one_field(type=FieldType.INT), given) == expected


@pytest.mark.parametrize("given", ["1.5", "ten", "1_000", True, 2.0])
def test_int_refuses_non_whole_numbers(given):
    assert "must be a whole number" in message_of(one_field(type=FieldType.INT), given)


def test_int_bounds():
    schema = one_field(type=FieldType.INT, min=1, max=10)
    assert value_of(schema, "1") == 1
    assert value_of(schema, "10") == 10
    assert message_of(schema, "0") == "must be at least 1, not 0"
    assert message_of(schema, "11") == "must be at most 10, not 11"


def test_text_is_stripped_and_must_be_a_string():
    schema = one_field(type=FieldType.TEXT)
    assert value_of(schema, "  WH-1 ") == "WH-1"
    assert message_of(schema, 12) == "must be text, not int"


def test_choice_accepts_its_values_case_insensitively():
    schema = one_field(type=FieldType.CHOICE, choices=THROUGHPUT_CHOICES)
    assert value_of(schema, "high") == "high"
    assert value_of(schema, " HIGH ") == "high"
    assert message_of(schema, "turbo") == (
        "'turbo' is not a valid choice; choose one of: low, default, high"
    )


def test_secret_values_become_secrets():
    schema = one_field(type=FieldType.SECRET)
    assert value_of(schema, API_KEY) == Secret(API_KEY)
    assert value_of(schema, Secret(f" {API_KEY} ")) == Secret(API_KEY)
    assert message_of(schema, 12345) == "must be text"


def test_defaults_apply_and_missing_optional_fields_are_none():
    settings = validate_settings(LEANAFY, GOOD, environ={})
    assert settings["throughput"] == "default"
    assert settings["suppress_pii"] is False
    assert settings["warehouse_id"] is None
    assert settings.get("warehouse_id", "x") is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_input_counts_as_not_given(blank):
    settings = validate_settings(LEANAFY, {**GOOD, "throughput": blank}, environ={})
    assert settings["throughput"] == "default"
    error = problems_of(LEANAFY, {**GOOD, "api_key": blank})
    assert [str(p) for p in error.problems] == ["api_key (Api Key): is required"]


def test_user_values_win_over_defaults():
    settings = validate_settings(
        LEANAFY, {**GOOD, "throughput": "low", "suppress_pii": "yes"}, environ={}
    )
    assert settings["throughput"] == "low"
    assert settings["suppress_pii"] is True


# Conditions

PROXY = SettingsSchema(
    (
        SettingsField(key="use_proxy", label="Use proxy", type=FieldType.BOOL, default=False),
        SettingsField(
            key="proxy_url",
            label="Proxy Url",
            type=FieldType.URL,
            required=True,
            conditions=(Condition.hide_when("use_proxy", False),),
        ),
        SettingsField(
            key="proxy_port",
            label="Proxy port",
            type=FieldType.INT,
            default=3128,
            conditions=(Condition.disable_when("use_proxy", False),),
        ),
        SettingsField(
            key="proxy_note",
            label="Proxy note",
            type=FieldType.TEXT,
            required=True,
            conditions=(Condition.hide_when("proxy_url", None),),
        ),
    )
)


def test_hidden_field_is_not_required_and_its_value_is_dropped():
    settings = validate_settings(
        PROXY, {"proxy_url": "http://not-checked.example", "proxy_port": "oops"}, environ={}
    )
    assert "proxy_url" not in settings
    assert "proxy_port" not in settings
    assert settings.raw_for_storage() == {}


def test_shown_field_is_required_and_checked():
    error = problems_of(PROXY, {"use_proxy": "yes", "proxy_port": "oops"})
    assert [p.field for p in error.problems] == ["proxy_url", "proxy_port"]
    assert "proxy_url (Proxy Url): is required" in str(error)


def test_a_condition_reads_the_other_fields_final_value():
    # proxy_url is hidden, so it reads as None and proxy_note is hidden too.
    settings = validate_settings(PROXY, {}, environ={})
    assert dict(settings) == {"use_proxy": False}
    settings = validate_settings(
        PROXY,
        {"use_proxy": "true", "proxy_url": "https://proxy.test", "proxy_note": "eu"},
        environ={},
    )
    assert dict(settings) == {
        "use_proxy": True,
        "proxy_url": "https://proxy.test",
        "proxy_port": 3128,
        "proxy_note": "eu",
    }


def test_disable_drops_the_value_given():
    schema = SettingsSchema(
        (
            SettingsField(key="mode", label="Mode", type=FieldType.TEXT, default="live"),
            SettingsField(
                key="batch",
                label="Batch size",
                type=FieldType.INT,
                required=True,
                conditions=(Condition.disable_when("mode", "demo"),),
            ),
        )
    )
    settings = validate_settings(schema, {"mode": "demo", "batch": "50"}, environ={})
    assert dict(settings) == {"mode": "demo"}
    assert validate_settings(schema, {"batch": "50"}, environ={})["batch"] == 50


REGIONS = SettingsSchema(
    (
        SettingsField(
            key="region",
            label="Region",
            type=FieldType.CHOICE,
            choices=(Choice("us", "US"), Choice("eu", "EU"), Choice("other", "Other")),
            default="us",
        ),
        SettingsField(
            key="api_url",
            label="Api Url",
            type=FieldType.URL,
            required=True,
            conditions=(
                Condition.cascade_from(
                    "region", {"us": "https://us.leanafy.test", "eu": "https://eu.leanafy.test"}
                ),
            ),
        ),
    )
)


def test_cascade_fills_the_value_from_the_other_field():
    assert validate_settings(REGIONS, {}, environ={})["api_url"] == "https://us.leanafy.test"
    settings = validate_settings(REGIONS, {"region": "EU"}, environ={})
    assert settings["api_url"] == "https://eu.leanafy.test"
    assert settings.raw_for_storage() == {"region": "eu"}


def test_cascade_yields_to_a_value_the_user_gave():
    settings = validate_settings(
        REGIONS, {"region": "eu", "api_url": "https://own.test"}, environ={}
    )
    assert settings["api_url"] == "https://own.test"


def test_no_cascade_match_leaves_a_required_field_required():
    error = problems_of(REGIONS, {"region": "other"})
    assert str(error) == "api_url (Api Url): is required"


def test_a_field_in_doubt_does_not_make_its_dependents_required():
    error = problems_of(REGIONS, {"region": "mars"})
    assert [p.field for p in error.problems] == ["region"]


# env:VAR


def test_env_reference_is_resolved_and_kept_for_storage():
    environ = {"LEANAFY_KEY": API_KEY, "LEANAFY_URL": "https://env.leanafy.test"}
    raw = {**GOOD, "api_key": "env:LEANAFY_KEY", "api_url": "env:LEANAFY_URL"}
    settings = validate_settings(LEANAFY, raw, environ=environ)
    assert settings["api_key"] == Secret(API_KEY)
    assert settings["api_url"] == "https://env.leanafy.test"
    stored = settings.raw_for_storage()
    assert stored["api_key"] == "env:LEANAFY_KEY"
    assert stored["api_url"] == "env:LEANAFY_URL"
    assert API_KEY not in repr(stored)
    assert validate_settings(LEANAFY, stored, environ=environ) == settings


def test_env_reference_is_typed_like_any_input():
    schema = one_field(type=FieldType.INT)
    assert value_of(schema, "env:BATCH", environ={"BATCH": " 25 "}) == 25


def test_env_defaults_to_the_process_environment(monkeypatch):
    monkeypatch.setenv("TECHOMS_TEST_API_KEY", API_KEY)
    settings = validate_settings(LEANAFY, {**GOOD, "api_key": "env:TECHOMS_TEST_API_KEY"})
    assert settings["api_key"].reveal() == API_KEY


def test_missing_env_variable_names_field_and_variable():
    error = problems_of(LEANAFY, {**GOOD, "api_secret": ENV_PREFIX + "LEANAFY_SECRET"})
    assert str(error) == ("api_secret (Api Secret): environment variable LEANAFY_SECRET is not set")


def test_empty_env_variable_for_a_required_field():
    error = problems_of(LEANAFY, {**GOOD, "api_key": "env:EMPTY"}, environ={"EMPTY": " "})
    assert str(error) == "api_key (Api Key): is required; environment variable EMPTY is empty"


def test_malformed_env_reference():
    error = problems_of(LEANAFY, {**GOOD, "api_key": "env:not a name"})
    assert "must be followed by an environment variable name" in str(error)
    assert "not a name" not in str(error)


def test_invalid_env_value_says_where_it_came_from():
    error = problems_of(LEANAFY, {**GOOD, "api_url": "env:URL"}, environ={"URL": "ftp://x.test"})
    assert (
        str(error) == "api_url (Api Url): must use https, not 'ftp' (from environment variable URL)"
    )


# All problems at once


def test_every_problem_is_reported_at_once_in_form_order():
    raw = {
        "colour": "blue",
        "suppress_pii": "perhaps",
        "throughput": "turbo",
        "api_url": "http://api.leanafy.test",
        "api_secret": ENV_PREFIX + "NOPE",
    }
    error = problems_of(LEANAFY, raw)
    assert error.problems == (
        SettingsProblem(
            "api_url",
            "must use https; plain http is accepted only for a loopback host "
            "(127.0.0.0/8, ::1, localhost)",
            "Api Url",
        ),
        SettingsProblem("api_key", "is required", "Api Key"),
        SettingsProblem("api_secret", "environment variable NOPE is not set", "Api Secret"),
        SettingsProblem(
            "throughput",
            "'turbo' is not a valid choice; choose one of: low, default, high",
            "Throughput",
        ),
        SettingsProblem(
            "suppress_pii",
            "must be true or false (also accepted: yes/no, 1/0), not 'perhaps'",
            "Suppress PII",
        ),
        SettingsProblem("colour", "unknown setting 'colour'"),
    )
    lines = str(error).splitlines()
    assert len(lines) == 6
    assert lines[1] == "api_key (Api Key): is required"
    assert lines[-1] == "unknown setting 'colour'"


def test_settings_error_survives_pickling():
    error = problems_of(LEANAFY, {})
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems
    assert str(copy) == str(error)


def test_unknown_keys_are_problems_and_their_values_are_not_shown():
    error = problems_of(LEANAFY, {**GOOD, "api_token": API_KEY})
    assert str(error) == "unknown setting 'api_token'"
    assert API_KEY not in repr(error)


# URLs


@pytest.mark.parametrize(
    "url",
    [
        "https://api.leanafy.test",
        "HTTPS://api.leanafy.test:8443/v1?x=1",
        "http://localhost:8080/api",
        "http://LOCALHOST/api",
        "http://127.0.0.1:5000",
        "http://127.42.0.9",
        "http://[::1]:8080/",
    ],
)
def test_accepted_urls(url):
    assert value_of(one_field(type=FieldType.URL), url) == url


@pytest.mark.parametrize(
    "url", ["http://api.leanafy.test", "http://10.0.0.1", "http://128.0.0.1", "http://[::2]"]
)
def test_plain_http_is_refused_unless_loopback(url):
    assert message_of(one_field(type=FieldType.URL), url) == (
        "must use https; plain http is accepted only for a loopback host "
        "(127.0.0.0/8, ::1, localhost)"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1", "is not a valid URL"),
        ("https://api.leanafy.test:port", "is not a valid URL"),
        ("api.leanafy.test/v1", "is not a valid URL; write it as https://host/path"),
        ("https:///v1", "is not a valid URL; write it as https://host/path"),
        ("ftp://api.leanafy.test", "must use https, not 'ftp'"),
        ("https://user:pw@api.leanafy.test", "must not contain a user name or password"),
    ],
)
def test_invalid_urls(url, expected):
    message = message_of(one_field(type=FieldType.URL), url)
    assert message.startswith(expected)
    assert url not in message


# Secrets never show


def test_secrets_are_masked_in_settings_output():
    settings = validate_settings(LEANAFY, GOOD, environ={})
    for shown in (repr(settings), str(settings), repr(settings.masked()), str(dict(settings))):
        assert API_KEY not in shown
        assert API_SECRET not in shown
    assert settings.masked()["api_key"] == MASK
    assert settings.masked()["api_url"] == GOOD["api_url"]
    assert repr(settings.raw_for_storage()).count(MASK) == 2
    assert settings["api_key"].reveal() == API_KEY
    assert set(settings.secret_values()) == {API_KEY, API_SECRET}


def test_missing_optional_secret_is_none_and_not_a_secret_value():
    schema = one_field(type=FieldType.SECRET)
    settings = validate_settings(schema, {}, environ={})
    assert settings["value"] is None
    assert settings.masked() == {"value": None}
    assert settings.secret_values() == ()


def test_secrets_never_appear_in_problems():
    schema = SettingsSchema(
        (
            *LEANAFY.fields,
            SettingsField(key="retries", label="Retries", type=FieldType.INT, max=3),
        )
    )
    raw = {
        "api_url": "ftp://nowhere.test",
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "retries": "9",
    }
    error = problems_of(schema, raw)
    for shown in (str(error), repr(error), repr(error.problems), *map(str, error.problems)):
        assert API_KEY not in shown
        assert API_SECRET not in shown


def test_an_invalid_secret_is_not_echoed():
    error = problems_of(LEANAFY, {**GOOD, "api_key": 987654321})
    assert str(error) == "api_key (Api Key): must be text"
    assert "987654321" not in repr(error)


def test_env_secret_problem_names_only_the_variable():
    error = problems_of(
        LEANAFY,
        {**GOOD, "api_key": "env:KEY", "api_secret": ENV_PREFIX + "SECRET"},
        {"KEY": API_KEY},
    )
    assert str(error) == "api_secret (Api Secret): environment variable SECRET is not set"
    assert API_KEY not in repr(error)


def test_channel_settings_is_an_immutable_mapping():
    settings = validate_settings(LEANAFY, GOOD, environ={})
    assert isinstance(settings, ChannelSettings)
    assert list(settings) == [f.key for f in LEANAFY.fields]
    assert len(settings) == 6
    with pytest.raises(TypeError):
        settings["throughput"] = "high"
    with pytest.raises(KeyError):
        settings["nope"]
    assert settings.get("nope") is None
    assert next(iter(settings.values())) == GOOD["api_url"]
    assert dict(settings.items())["throughput"] == "default"
    assert settings == validate_settings(LEANAFY, dict(GOOD), environ={})


def test_the_guide_example_declares_leanafys_schema():
    import techoms_core.settings as guide

    example = guide.__doc__.split("::\n", 1)[1].split("\nField types", 1)[0]
    namespace: dict = {}
    exec(textwrap.dedent(example), namespace)
    declared = namespace["SETTINGS"]

    def shape(schema):
        return [(f.key, f.label, f.type, f.section, f.required, f.default) for f in schema.fields]

    assert shape(declared) == shape(LEANAFY)
