"""The ``techoms`` pytest plugin: installed through ``pytest11``, its fixtures
work for any plugin once ``plugin_under_test`` and ``plugin_settings`` exist."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from tests.kit.reference_plugin import make_reference_plugin
from tests.kit.reference_wms import ReferenceWms

PLUGIN = make_reference_plugin()

@pytest.fixture
def wms():
    with ReferenceWms() as running:
        yield running

@pytest.fixture
def plugin_under_test():
    return PLUGIN

@pytest.fixture
def plugin_settings(wms):
    return wms.channel_settings()
"""

TESTS = """
from techoms_core.models import Status
from techoms_core.testing.samples import sample_shipments

def test_the_fixtures_reach_the_plugin(
    plugin_registry, channel_plugin, channel_context, http_recording, channel_logs, wms
):
    assert [p.key for p in plugin_registry.plugins()] == ["reference"]
    shipments = sample_shipments(2, skus=["REF-1"])

    results = list(channel_plugin.send_shipments(channel_context, shipments))

    assert [r.status for r in results] == [Status.OK, Status.OK]
    assert wms.created_count() == 2
    assert http_recording.count("POST") == 2
    assert any("POST" in line for line in channel_logs.texts())
    assert not any(wms.channel_settings()["api_key"] in line for line in channel_logs.texts())

def test_more_contexts_are_opened_and_closed(make_channel_context, plugin_settings):
    context = make_channel_context(plugin_settings, name="second")
    assert context.channel == "second"
"""


def test_the_plugin_is_installed_as_a_pytest11_entry_point() -> None:
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "techoms"]
    assert entry.value == "techoms_core.testing.pytest_plugin"


def test_the_fixtures_work_for_a_plugin(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_fixtures=TESTS)

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


def test_without_a_plugin_the_fixtures_say_what_to_define(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_it(channel_plugin):\n    pass\n")

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*define a fixture named plugin_under_test*"])
