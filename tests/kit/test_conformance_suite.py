"""The conformance suite passes a correct plugin and catches each defect.

Each test runs the suite (in-process, through pytester) against the reference
plugin of ``reference_plugin.py`` talking to the reference WMS over loopback
HTTP, with one defect switched on, and checks that the check meant to catch it
fails (and that a correct plugin passes everything).
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = """
from techoms_core.testing import ChannelConformance, conformance_suite
from tests.kit.reference_plugin import make_reference_plugin
from tests.kit.reference_wms import ReferenceWms

class TestReference(ChannelConformance):
    plugin = make_reference_plugin({defects})
    wms_double = ReferenceWms
    not_applicable = {escapes}
"""
NOT_INSTALLED = {"test_entry_point_discovers_the_plugin": "built in memory, not installed"}


def run_suite(pytester: pytest.Pytester, *defects: str, select: str = "", escapes=None):
    """Run the suite; return {test id: outcome} for every test that ran."""
    source = SUITE.format(
        defects=", ".join(repr(d) for d in defects), escapes=repr(escapes or NOT_INSTALLED)
    )
    pytester.makepyfile(test_reference=source)
    args = ["-p", "no:cacheprovider"]
    reprec = pytester.inline_run(*args, *(["-k", select] if select else []))
    outcomes = {}
    for report in reprec.getreports("pytest_runtest_logreport"):
        if report.when == "call" or report.outcome != "passed":
            outcomes[report.nodeid.split("::")[-1]] = report.outcome
    return outcomes


def failed(outcomes: dict[str, str]) -> set[str]:
    return {name for name, outcome in outcomes.items() if outcome == "failed"}


def test_a_correct_plugin_passes_the_whole_suite(pytester: pytest.Pytester) -> None:
    outcomes = run_suite(pytester)

    assert not failed(outcomes), failed(outcomes)
    skipped = {name for name, outcome in outcomes.items() if outcome == "skipped"}
    assert skipped == {"test_entry_point_discovers_the_plugin", "test_no_secret_in_cassettes"}
    for option in ("export-products", "send-shipments", "send-receipts"):
        assert outcomes[f"test_send_after_lost_answers_creates_no_duplicates[{option}]"]
    for option in ("import-products", "receive-shipments", "receive-receipts"):
        assert outcomes[f"test_receive_resumes_from_each_cursor[{option}]"] == "passed"
    assert len(outcomes) >= 30


@pytest.mark.parametrize(
    ("defect", "select", "caught"),
    [
        ("no_lookup", "twice", "test_send_twice_creates_nothing_new[send-shipments]"),
        (
            "blind_retry",
            "lost_answers",
            "test_send_after_lost_answers_creates_no_duplicates[send-receipts]",
        ),
        ("drops_result", "one_result", "test_send_reports_one_result_per_record[send-shipments]"),
        ("stops_on_refusal", "refused", "test_send_survives_a_refused_record[send-receipts]"),
        (
            "fails_records_when_unreachable",
            "unreachable_wms_stops",
            "test_send_to_an_unreachable_wms_stops_the_run[send-shipments]",
        ),
        ("cursor_skips", "each_cursor", "test_receive_resumes_from_each_cursor[receive-shipments]"),
        ("cursor_repeats", "each_cursor", "test_receive_resumes_from_each_cursor[import-products]"),
        ("health_raises", "health", "test_health_check_reports_an_unreachable_wms"),
        ("logs_secret", "logs_or_results", "test_no_secret_in_logs_or_results"),
        ("inventory_feature_without_hook", "features", "test_features_agree_with_the_hooks"),
        ("snapshot_repeats", "snapshot", "test_inventory_snapshot_lists_each_sku_once"),
        ("choices_as_dicts", "choices", "test_listed_choices_are_choices"),
        (
            "choices_hide_refusal",
            "choices",
            "test_refused_choices_reach_the_form_as_the_wms_message",
        ),
    ],
)
def test_the_suite_catches(pytester: pytest.Pytester, defect: str, select: str, caught: str):
    outcomes = run_suite(pytester, defect, select=select)

    assert caught in failed(outcomes), outcomes


def test_a_boundary_repeat_is_tolerated_only_when_declared(pytester: pytest.Pytester) -> None:
    # cursor_repeats gives the page's own records again: a boundary repeat.
    source = SUITE.format(defects="'cursor_repeats'", escapes=repr(NOT_INSTALLED))
    pytester.makepyfile(test_reference=source + "    resume_may_repeat_boundary = True\n")

    result = pytester.inline_run("-p", "no:cacheprovider", "-k", "each_cursor")

    passed, _, failures = result.listoutcomes()
    assert len(passed) == 3 and not failures


def test_not_applicable_skips_with_the_reason(pytester: pytest.Pytester) -> None:
    escapes = {**NOT_INSTALLED, "test_send_twice_creates_nothing_new[send-receipts]": "why not"}
    outcomes = run_suite(pytester, select="twice", escapes=escapes)

    assert outcomes["test_send_twice_creates_nothing_new[send-receipts]"] == "skipped"
    assert outcomes["test_send_twice_creates_nothing_new[send-shipments]"] == "passed"


@pytest.mark.parametrize(
    ("escapes", "message"),
    [
        ({"test_no_such_check": "typo"}, "'test_no_such_check', which is not a test"),
        ({"test_health_check_passes": " "}, "give the reason"),
    ],
)
def test_a_wrong_escape_is_an_error(pytester: pytest.Pytester, escapes, message) -> None:
    pytester.makepyfile(test_reference=SUITE.format(defects="", escapes=repr(escapes)))

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_the_factory_builds_the_same_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_factory="""
        from techoms_core.testing import conformance_suite
        from tests.kit.reference_plugin import make_reference_plugin
        from tests.kit.reference_wms import ReferenceWms

        TestReference = conformance_suite(
            make_reference_plugin(),
            wms_double=ReferenceWms,
            not_applicable={"test_entry_point_discovers_the_plugin": "not installed"},
        )
        """
    )

    result = pytester.inline_run("-p", "no:cacheprovider", "-k", "health or one_result")

    passed, _, failures = result.listoutcomes()
    assert len(passed) == 6 and not failures


def test_an_unset_plugin_fails_with_instructions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_unset="""
        from techoms_core.testing import ChannelConformance

        class TestNothing(ChannelConformance):
            pass
        """
    )

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "complete")

    result.stdout.fnmatch_lines(["*TestNothing.plugin is not set*"])
