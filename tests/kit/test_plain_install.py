"""A plain ``pip install`` is the framework alone, and a plugin author needs no more.

In a fresh virtualenv (with pip, from the package index or pip's cache):
``pip install <this project's wheel>`` with no extras installs only the
framework's dependencies; ``techoms_core`` imports and discovers the installed
plugins (Leanafy among them, which works on the framework alone); the
``techoms`` script says which extra it needs; ``python -m techoms_core.template``
generates a plugin, and the plugin's own tests, the conformance suite
included, pass there. Neither the reference host's libraries nor the
sandbox's get installed at any step.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.kit.virtualenvs import run

ROOT = Path(__file__).resolve().parents[2]
#: What of the checkout the wheel is not built from.
NOT_SHIPPED = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests")
#: What only the extras install (host, sandbox); none may come with a plain install.
EXTRAS_ONLY = {"sqlalchemy", "alembic", "click", "rich", "platformdirs", "werkzeug", "mako"}
DISCOVER = """
import json, sys
from techoms_core.registry import Registry
registry = Registry.discover()
print(json.dumps({
    "keys": [plugin.key for plugin in registry.plugins()],
    "problems": [str(problem) for problem in registry.problems],
}))
"""


def installed(python: Path, cwd: Path) -> set[str]:
    listed = run(python, "-m", "pip", "list", "--format", "json", cwd=cwd)
    assert listed.returncode == 0, listed.stderr
    return {package["name"].lower() for package in json.loads(listed.stdout)}


@pytest.mark.slow
def test_a_plain_install_is_the_framework_and_runs_a_generated_plugins_suite(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"  # built from a copy: the build writes beside the sources
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    wheel = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    (built,) = (tmp_path / "dist").glob("techoms_channels-*.whl")
    assert run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path).returncode == 0
    python = tmp_path / "venv" / "bin" / "python"

    plain = run(python, "-m", "pip", "install", built, cwd=tmp_path, timeout=600)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    packages = installed(python, tmp_path)
    assert {"pluggy", "attrs", "requests", "tenacity", "pyrate-limiter"} <= packages
    assert packages & EXTRAS_ONLY == set()

    discovered = run(python, "-c", DISCOVER, cwd=tmp_path)
    assert discovered.returncode == 0, discovered.stderr
    assert json.loads(discovered.stdout) == {"keys": ["leanafy"], "problems": []}

    script = run(tmp_path / "venv" / "bin" / "techoms", "plugins", cwd=tmp_path)
    assert script.returncode == 1
    assert "pip install 'techoms-channels[host]'" in script.stderr
    assert "Traceback" not in script.stderr

    generated = run(python, "-m", "techoms_core.template", "acme", "--dir", tmp_path, cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    plugin = tmp_path / "techoms-acme"
    tests_installed = run(
        python, "-m", "pip", "install", "-e", f"{plugin}[test]", cwd=tmp_path, timeout=600
    )
    assert tests_installed.returncode == 0, tests_installed.stdout + tests_installed.stderr
    tests = run(python, "-m", "pytest", "-p", "no:cacheprovider", "-rA", cwd=plugin, timeout=300)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr
    assert "TestAcmeConformance::test_send_twice_creates_nothing_new" in tests.stdout
    assert " failed" not in tests.stdout.splitlines()[-1]
    assert installed(python, tmp_path) & EXTRAS_ONLY == set()
