"""The settings form evaluator: what a page shows, computed by the save's validation."""

from __future__ import annotations

import pytest

from techoms_core import hookimpl
from techoms_core.context import context_for_settings
from techoms_core.secrets import MASK, Secret
from techoms_core.settings import (
    Choice,
    Condition,
    FieldType,
    Section,
    SettingsError,
    SettingsField,
    SettingsSchema,
    check_settings,
    validate_settings,
)
from techoms_core.settings.form import ChoicesPending, ChoicesUnavailable, evaluate_form
from techoms_core.testing import registry_with
from techoms_core.throughput import CustomLimits, throughput_settings
from tests.core.channel_plugins import make_plugin

SCHEMA = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        *throughput_settings(custom=CustomLimits(max_concurrency=10, max_requests_per_second=50)),
        SettingsField(
            key="depot",
            label="Depot",
            type=FieldType.TEXT,
            choices_from=("api_url", "api_key"),
        ),
        SettingsField(key="use_proxy", label="Use proxy", type=FieldType.BOOL, default=False),
        SettingsField(
            key="proxy",
            label="Proxy",
            type=FieldType.TEXT,
            section=Section.ADVANCED,
            conditions=(Condition.disable_when("use_proxy", False),),
        ),
    )
)
VALID = {"api_url": "https://wms.example", "api_key": "k-123456789"}


def depots(field, settings):
    """Lists depots the way a plugin would: from the credentials it is given."""
    assert field.key == "depot"
    if settings["api_key"].reveal() != "k-123456789":
        raise ChoicesUnavailable("the WMS refused the Api Key")
    return [Choice("d1", "North"), Choice("d2", "South")]


def test_choices_not_at_hand_keep_the_value_as_the_only_choice_until_listed():
    def pending(field, settings):
        raise ChoicesPending(field.key)

    stored = {**VALID, "depot": "d2"}
    form = evaluate_form(SCHEMA, {}, stored=stored, choices=pending)
    depot = form["depot"]
    assert depot.loading and depot.enabled and depot.value == "d2"
    assert [c.value for c in depot.choices] == ["d2"]
    assert form.ok and form.settings()["depot"] == "d2"
    assert evaluate_form(SCHEMA, VALID, choices=pending)["depot"].choices == ()
    assert not evaluate_form(SCHEMA, stored, choices=depots)["depot"].loading


def test_custom_throughput_fields_are_hidden_until_custom_is_chosen():
    form = evaluate_form(SCHEMA, VALID)
    assert form.ok
    assert form["throughput"].value == "default"
    assert [c.value for c in form["throughput"].choices] == ["low", "default", "high", "custom"]
    for key in ("concurrent_requests", "requests_per_second"):
        assert not form[key].visible
        assert not form[key].required

    custom = evaluate_form(SCHEMA, {**VALID, "throughput": "custom"})
    assert custom["concurrent_requests"].visible and custom["concurrent_requests"].required
    assert [(p.field, p.message) for p in custom.problems] == [
        ("concurrent_requests", "is required"),
        ("requests_per_second", "is required"),
    ]


def test_every_problem_is_next_to_its_field_and_equals_the_saves():
    submitted = {"api_url": "ftp://x", "throughput": "custom", "concurrent_requests": "99"}
    form = evaluate_form(SCHEMA, submitted)
    with pytest.raises(SettingsError) as on_save:
        validate_settings(SCHEMA, submitted)
    assert form.problems == on_save.value.problems
    assert form["api_url"].problems == ("must use https, not 'ftp'",)
    assert form["api_key"].problems == ("is required",)
    assert form["concurrent_requests"].problems == ("must be at most 10, not 99",)
    assert form["concurrent_requests"].value == "99"
    with pytest.raises(SettingsError):
        form.settings()


def test_a_disabled_field_is_shown_greyed_out_and_dropped_on_save():
    form = evaluate_form(SCHEMA, {**VALID, "proxy": "http://p"})
    assert form["proxy"].visible and not form["proxy"].enabled
    assert "proxy" not in form.settings()
    enabled = evaluate_form(SCHEMA, {**VALID, "use_proxy": "yes", "proxy": "http://p"})
    assert enabled["proxy"].enabled and enabled.settings()["proxy"] == "http://p"


def test_a_saved_secret_shows_masked_and_an_empty_submission_keeps_it():
    stored = validate_settings(SCHEMA, VALID).raw_for_storage()
    for left in ("", None, MASK):
        form = evaluate_form(SCHEMA, {"api_key": left}, stored=stored)
        assert form.ok, form.problems
        assert form["api_key"].value == MASK and form["api_key"].secret_set
        assert form.settings()["api_key"].reveal() == "k-123456789"
        assert "k-123456789" not in repr(form)
    replaced = evaluate_form(SCHEMA, {"api_key": "k-new"}, stored=stored)
    assert replaced.settings()["api_key"].reveal() == "k-new"
    assert isinstance(replaced.settings().raw_for_storage()["api_key"], Secret)


def test_an_unsaved_secret_left_empty_is_required():
    form = evaluate_form(SCHEMA, {"api_url": VALID["api_url"], "api_key": ""})
    assert form["api_key"].value is None and not form["api_key"].secret_set
    assert form["api_key"].problems == ("is required",)


def test_keys_left_out_keep_their_stored_values():
    stored = {**VALID, "throughput": "high"}
    form = evaluate_form(SCHEMA, {"api_url": "https://other.example"}, stored=stored)
    assert form.settings()["throughput"] == "high"
    assert form.settings()["api_url"] == "https://other.example"


def test_listed_choices_wait_for_valid_credentials():
    waiting = evaluate_form(SCHEMA, {"api_url": "nope"}, choices=depots)
    assert not waiting["depot"].enabled
    assert waiting["depot"].note == "fill in Api Url and Api Key to choose"
    assert waiting["depot"].choices is None

    refused = evaluate_form(SCHEMA, {**VALID, "api_key": "wrong"}, choices=depots)
    assert not refused["depot"].enabled
    assert refused["depot"].note == "the WMS did not list the choices: the WMS refused the Api Key"

    ready = evaluate_form(SCHEMA, VALID, choices=depots)
    assert ready["depot"].enabled and ready.ok
    assert [c.label for c in ready["depot"].choices] == ["North", "South"]


def test_a_value_outside_the_listed_choices_is_a_problem():
    form = evaluate_form(SCHEMA, {**VALID, "depot": "d9"}, choices=depots)
    assert form["depot"].problems == ("'d9' is not one of the choices (d1, d2)",)
    assert [str(p) for p in form.problems] == [
        "depot (Depot): 'd9' is not one of the choices (d1, d2)"
    ]
    assert evaluate_form(SCHEMA, {**VALID, "depot": "d2"}, choices=depots).settings()["depot"] == (
        "d2"
    )


def test_without_a_choices_source_the_field_is_text():
    form = evaluate_form(SCHEMA, {**VALID, "depot": "anything"})
    assert form["depot"].enabled and form["depot"].choices is None
    assert form.settings()["depot"] == "anything"


def test_a_broken_choices_source_disables_the_field_without_its_message():
    def broken(field, settings):
        raise RuntimeError(f"boom {settings['api_key'].reveal()}")

    form = evaluate_form(SCHEMA, VALID, choices=broken)
    assert not form["depot"].enabled
    assert form["depot"].note == "could not list the choices (RuntimeError)"


def test_check_settings_reports_hidden_and_disabled_apart():
    check = check_settings(SCHEMA, {**VALID, "throughput": "low"}, environ={})
    assert check.outcomes["concurrent_requests"].hidden
    assert check.outcomes["proxy"].disabled and not check.outcomes["proxy"].hidden
    assert check.outcomes["throughput"].value == "low" and check.outcomes["throughput"].given


def test_show_and_enable_conditions_are_the_reverse_of_hide_and_disable():
    mode = SettingsField(
        key="mode",
        label="Mode",
        type=FieldType.CHOICE,
        choices=(Choice("a", "A"), Choice("b", "B")),
    )
    schema = SettingsSchema(
        (
            mode,
            SettingsField(
                key="shown",
                label="Shown",
                type=FieldType.TEXT,
                conditions=(Condition.show_when("mode", "a"),),
            ),
            SettingsField(
                key="usable",
                label="Usable",
                type=FieldType.TEXT,
                conditions=(Condition.enable_when("mode", "a"),),
            ),
        )
    )
    on_a = evaluate_form(schema, {"mode": "a"})
    on_b = evaluate_form(schema, {"mode": "b"})
    assert on_a["shown"].visible and on_a["usable"].enabled
    assert not on_b["shown"].visible and on_b["usable"].visible and not on_b["usable"].enabled


def test_choices_from_is_checked_when_declared():
    with pytest.raises(ValueError, match="choices_from names unknown setting 'nope'"):
        SettingsSchema(
            (SettingsField(key="a", label="A", type=FieldType.TEXT, choices_from=("nope",)),)
        )
    with pytest.raises(ValueError, match="only a text field takes choices_from"):
        SettingsField(key="a", label="A", type=FieldType.INT, choices_from=("b",))
    with pytest.raises(TypeError, match="expected a tuple of values"):
        SettingsField(key="a", label="A", type=FieldType.TEXT, choices_from="api_key")


def test_a_plugin_without_the_choices_hook_gets_a_text_field():
    plugin = registry_with(make_plugin("plainwms", settings=SCHEMA)).get("plainwms")
    assert plugin.form_choices("new") is None
    form = evaluate_form(SCHEMA, {**VALID, "depot": "d9"}, choices=plugin.form_choices("new"))
    assert form["depot"].enabled and form["depot"].choices is None and form.ok


def test_a_plugin_answering_with_anything_but_choices_is_named():
    module = make_plugin("oddwms", settings=SCHEMA)
    module.settings_field_choices = hookimpl(lambda context, field: ["d1"])
    plugin = registry_with(module).get("oddwms")
    form = evaluate_form(SCHEMA, VALID, choices=plugin.form_choices("new"))
    assert form["depot"].note == "could not list the choices (TypeError)"
    with pytest.raises(TypeError, match=r"oddwms\.settings_field_choices for 'depot' gave str"):
        settings = validate_settings(SCHEMA, VALID)
        with context_for_settings(plugin.declaration, "new", settings) as context:
            plugin.settings_field_choices(context, SCHEMA.field("depot"))


def test_choices_are_not_listed_for_a_field_its_conditions_switch_off():
    asked = []
    schema = SettingsSchema(
        (
            *SCHEMA.fields[:2],
            SettingsField(key="manual", label="Manual", type=FieldType.BOOL, default=False),
            SettingsField(
                key="depot",
                label="Depot",
                type=FieldType.TEXT,
                choices_from=("api_url", "api_key"),
                conditions=(Condition.disable_when("manual", True),),
            ),
        )
    )

    def counted(field, settings):
        asked.append(field.key)
        return depots(field, settings)

    switched_off = evaluate_form(schema, {**VALID, "manual": "true"}, choices=counted)
    assert not switched_off["depot"].enabled and switched_off["depot"].choices is None
    assert asked == []
    assert evaluate_form(schema, VALID, choices=counted)["depot"].choices
    assert asked == ["depot"]
