"""Discovery through real entry points: broken plugins are reported, not fatal."""

import textwrap

import pytest

from plugins.registry import PluginLoadError, Registry, UnknownPlugin
from tests.core.channel_plugins import make_plugin

GOOD = """
from techoms_core import hookimpl
from techoms_core.models import PluginDeclaration
from techoms_core.settings import SettingsSchema

@hookimpl
def channel_declaration():
    return PluginDeclaration(key="goodwms", display_name="Good WMS", version="2.0",
                             settings=SettingsSchema(()))

@hookimpl
def receive_shipments(context, cursor):
    return iter(())
"""

MISSPELT = GOOD.replace("goodwms", "misspelt").replace("receive_shipments", "recieve_shipments")
WRONG_SIGNATURE = GOOD.replace("goodwms", "wrongsig").replace(
    "receive_shipments(context, cursor)", "receive_shipments(context, since)"
)
UNMARKED = GOOD.replace("goodwms", "unmarked").replace(
    "@hookimpl\ndef receive_shipments", "def receive_shipments"
)
WRONG_KEY = GOOD.replace('key="goodwms"', 'key="otherkey"')
DECLARATION_FAILS = GOOD.replace(
    "    return PluginDeclaration(",
    "    raise RuntimeError('no config')\n    return PluginDeclaration(",
).replace("goodwms", "declfails")

PLUGINS = {
    "goodwms": ("t_goodwms", GOOD),
    "brokenwms": ("t_brokenwms", "import not_a_module_anywhere\n"),
    "misspelt": ("t_misspelt", MISSPELT),
    "wrongsig": ("t_wrongsig", WRONG_SIGNATURE),
    "unmarked": ("t_unmarked", UNMARKED),
    "wrongkey": ("t_wrongkey", WRONG_KEY),
    "declfails": ("t_declfails", DECLARATION_FAILS),
}


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A test distribution with one entry point per plugin above, on sys.path."""
    for module, source in PLUGINS.values():
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
    dist = tmp_path / "techoms_test_plugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: techoms-test-plugins\nVersion: 1.0\n"
    )
    lines = [f"{name} = {module}" for name, (module, _) in PLUGINS.items()]
    (dist / "entry_points.txt").write_text("[techoms.channels]\n" + "\n".join(lines) + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def problems_by_name(registry):
    return {problem.name: problem.reason for problem in registry.problems}


def test_discovery_loads_the_good_and_reports_each_broken_plugin(installed):
    registry = Registry.discover()
    assert registry.get("goodwms").declaration.display_name == "Good WMS"
    assert [o.key for o in registry.get("goodwms").implemented_options()] == ["receive-shipments"]
    problems = problems_by_name(registry)
    assert "import failed: ModuleNotFoundError" in problems["brokenwms"]
    assert "unknown hook(s) ['recieve_shipments']" in problems["misspelt"]
    assert "invalid hook" in problems["wrongsig"] and "since" in problems["wrongsig"]
    assert "not marked @hookimpl: ['receive_shipments']" in problems["unmarked"]
    assert "declared key 'otherkey' differs" in problems["wrongkey"]
    assert "channel_declaration failed: RuntimeError: no config" in problems["declfails"]
    for name in ("brokenwms", "misspelt", "wrongsig", "unmarked", "wrongkey", "declfails"):
        assert name not in registry
    assert str(registry.problems[0]).startswith("plugin '")


def test_strict_discovery_makes_a_broken_plugin_fatal(installed):
    with pytest.raises(PluginLoadError, match="plugin 'brokenwms' skipped: import failed"):
        Registry.discover(strict=True)


def test_a_rejected_plugin_leaves_no_hooks_behind(installed):
    registry = Registry.discover()
    callers = registry._pm.hook.receive_shipments.get_hookimpls()
    assert {impl.plugin_name for impl in callers} <= {p.key for p in registry.plugins()}


def test_register_refuses_a_second_plugin_with_the_same_key():
    registry = Registry()
    registry.register(make_plugin("dup"), "dup")
    with pytest.raises(PluginLoadError, match="already loaded"):
        registry.register(make_plugin("dup"), "dup")


def test_unknown_plugin_names_what_is_loaded():
    registry = Registry()
    registry.register(make_plugin("one"), "one")
    with pytest.raises(UnknownPlugin, match=r"no channel plugin 'two' .*loaded: one"):
        registry.get("two")


def test_a_plugin_is_called_alone_even_with_others_registered():
    registry = Registry()
    first = make_plugin("first")
    second = make_plugin("second")
    registry.register(first, "first")
    plugin = registry.register(second, "second")
    assert plugin.health_check(context=None).ok
    assert registry.get("first").declaration.key == "first"
    assert [p.key for p in registry.plugins()] == ["first", "second"]
