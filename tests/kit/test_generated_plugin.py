"""A plugin generated from the template installs, is discovered by the host
through its entry point, shows its Sync menu, and its own tests pass.

The plugin is installed into a fresh virtualenv of its own, so nothing of it
leaks into this project's environment. That virtualenv reaches this project's
packages (techoms-channels itself, pytest, pluggy...) through one ``.pth``
line naming this environment's site-packages, so nothing is downloaded: the
install is ``pip install --no-deps --no-build-isolation --no-index -e``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from techoms_core.template import create_plugin
from tests.kit.virtualenvs import make_virtualenv, run

DISCOVER = """
import json
from techoms_core.registry import Registry
from techoms_core.menu import sync_menu
registry = Registry.discover()
plugin = registry.get("acme_wms")
print(json.dumps({
    "keys": [p.key for p in registry.plugins()],
    "problems": [str(p) for p in registry.problems],
    "menu": [o.key for o in sync_menu(plugin, "acme-east")],
    "menu_as_master": [o.key for o in sync_menu(plugin, "acme-east", "acme-east")],
    "module": plugin.declaration.display_name,
}))
"""


@pytest.mark.slow
def test_a_generated_plugin_is_discovered_and_its_tests_pass(tmp_path: Path) -> None:
    plugin = create_plugin("acme-wms", tmp_path)
    python = make_virtualenv(tmp_path / "venv")

    install = run(
        python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
        "-e", plugin, cwd=tmp_path,
    )  # fmt: skip
    missing_wheel = "invalid command 'bdist_wheel'" in install.stderr
    assert not missing_wheel, "the dev environment needs the 'wheel' package (dev extras)"
    assert install.returncode == 0, install.stdout + install.stderr

    discovered = run(python, "-c", DISCOVER, cwd=tmp_path)
    assert discovered.returncode == 0, discovered.stderr
    found = json.loads(discovered.stdout)
    assert "acme_wms" in found["keys"]
    assert not [p for p in found["problems"] if "acme_wms" in p]
    assert found["menu"] == found["menu_as_master"] == ["send-shipments"]
    assert found["module"] == "Acme Wms"

    tests = run(python, "-m", "pytest", "-p", "no:cacheprovider", "-rA", cwd=plugin)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr
    assert "test_conformance.py::TestAcmeWmsConformance::test_entry_point_discovers_the" in (
        tests.stdout
    )
    assert " failed" not in tests.stdout.splitlines()[-1]

    # Nothing of the plugin reached this project's environment.
    assert run(sys.executable, "-c", "import techoms_acme_wms", cwd=tmp_path).returncode != 0
