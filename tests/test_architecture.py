"""The dependency rule of docs/architecture.md, checked on every import the code makes.

Layers, lowest first: the framework (``techoms_core`` without its host
packages), the reference host (``techoms_core.store``, ``techoms_core.cli``),
the plugins (``plugins``). A layer imports only layers below it. The framework
needs nothing but the libraries of a plain ``pip install``; a library that
comes with an extra of setup.cfg belongs to a host or a plugin's extra parts.
Imports inside functions count too.
"""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The reference host's packages: they may use the extras' libraries. (The
#: launcher is the ``techoms`` script: it imports the command line, or says
#: which extra to install.)
HOST_PACKAGES = (
    "techoms_core.store",
    "techoms_core.cli",
    "techoms_core.console",
    "techoms_core.launcher",
    "techoms_core.taskqueue",
)
#: The parts of the Leanafy plugin that serve the host's command line, not the channel.
LEANAFY_HOST_PARTS = ("plugins.leanafy.sandbox", "plugins.leanafy.demo", "plugins.leanafy.commands")
#: Test tools that only the testing kit's optional parts import, on use.
TEST_TOOLS = {"pytest", "vcr", "yaml", "_pytest"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code, as an absolute name."""
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder: str) -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in sorted((ROOT / folder).rglob("*.py"))}


def within(name: str, packages: tuple[str, ...] | set[str]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def extras_libraries() -> set[str]:
    """The import names of every library that only an extra of setup.cfg installs."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    plain = {_distribution(line) for line in _lines(config["options"]["install_requires"])}
    extra = {
        _distribution(line)
        for value in config["options.extras_require"].values()
        for line in _lines(value)
        if not line.startswith("techoms-channels")
    }
    by_distribution: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            by_distribution.setdefault(_normalised(distribution), set()).add(module)
    names = set()
    for distribution in extra - plain:
        names |= by_distribution.get(distribution, {distribution.replace("-", "_")})
    return names - TEST_TOOLS


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _distribution(requirement: str) -> str:
    for stop in "<>=!~[;( ":
        requirement = requirement.split(stop)[0]
    return _normalised(requirement)


def _normalised(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


FRAMEWORK = {
    name: imports
    for name, imports in modules_under("techoms_core").items()
    if not within(name, HOST_PACKAGES)
}
HOST = {
    name: imports
    for name, imports in modules_under("techoms_core").items()
    if name not in FRAMEWORK
}
LEANAFY_CHANNEL = {
    name: imports
    for name, imports in modules_under("plugins/leanafy").items()
    if not within(name, LEANAFY_HOST_PARTS)
}


def offences(modules: dict[str, set[str]], forbidden: tuple[str, ...] | set[str]) -> list[str]:
    return sorted(
        f"{name} imports {imported}"
        for name, imports in modules.items()
        for imported in imports
        if within(imported, forbidden)
    )


def test_the_layers_are_found() -> None:
    assert (
        "techoms_core.registry" in FRAMEWORK and "techoms_core.testing.pytest_plugin" in FRAMEWORK
    )
    assert "techoms_core.cli.app" in HOST and "techoms_core.store.store_host" in HOST
    assert "plugins.leanafy.hooks" in LEANAFY_CHANNEL
    assert {"sqlalchemy", "click", "rich", "werkzeug", "alembic", "platformdirs"} <= (
        extras_libraries()
    )


def test_the_core_never_imports_the_plugins() -> None:
    assert offences({**FRAMEWORK, **HOST}, ("plugins",)) == []


def test_the_framework_never_imports_the_host_or_an_extra_library() -> None:
    assert offences(FRAMEWORK, (*HOST_PACKAGES, *extras_libraries())) == []


def test_the_leanafy_channel_loads_on_the_framework_alone() -> None:
    """Its hooks, client and mapping: what a plain install registers and loads.
    (The sandbox, the demo and their commands come with extras.)"""
    assert offences(LEANAFY_CHANNEL, (*HOST_PACKAGES, *extras_libraries())) == []


@pytest.mark.parametrize(
    "module", ["techoms_core", "techoms_core.models", "techoms_core.hookspecs"]
)
def test_reading_the_models_loads_no_http_library(module: str) -> None:
    """The declaration imports the HTTP toolkit only when a session is built."""
    probe = (
        f"import sys, {module}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'requests', 'urllib3', 'tenacity', 'pyrate_limiter', 'sqlalchemy', 'click', 'rich'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.strip() == "[]"
