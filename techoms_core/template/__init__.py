"""The channel plugin template: a new, installable plugin package that passes
the conformance suite from its first commit.

:func:`create_plugin` renders the ``*.tmpl`` files beside this module into a
new folder; :data:`LAYOUT` says where each one goes. Templates are
:class:`string.Template` text: ``${package}`` is replaced, ``$$`` is a dollar.
``techoms new-plugin NAME`` (with the reference host) and
``python -m techoms_core.template NAME`` (with the framework alone) call it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import Template

#: Where each template file goes in the new package ({package} is the module name).
LAYOUT = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    ".gitignore": "gitignore.tmpl",
    "{package}/__init__.py": "package_init.py.tmpl",
    "{package}/declaration.py": "declaration.py.tmpl",
    "{package}/hooks.py": "hooks.py.tmpl",
    "{package}/wire.py": "wire.py.tmpl",
    "{package}/payloads.py": "payloads.py.tmpl",
    "{package}/fake.py": "fake.py.tmpl",
    "tests/conftest.py": "conftest.py.tmpl",
    "tests/test_conformance.py": "test_conformance.py.tmpl",
    "tests/test_send_shipments.py": "test_send_shipments.py.tmpl",
}

NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
#: Names a new plugin may not take: they would shadow the framework's own.
RESERVED = frozenset({"techoms", "core", "plugins", "leanafy", "testing", "template"})


class PluginNameError(ValueError):
    """The name cannot be a channel key."""


def plugin_names(name: str) -> dict[str, str]:
    """Every spelling of the new plugin's name the templates use.

    ``acme-wms`` gives key ``acme_wms``, package ``techoms_acme_wms``,
    distribution ``techoms-acme-wms``, display name ``Acme Wms`` and class
    prefix ``AcmeWms``.
    """
    cleaned = name.strip().lower()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise PluginNameError(
            f"plugin name {name!r}: use letters and digits, words joined by '-' or '_', "
            "starting with a letter (e.g. acme or acme-wms)"
        )
    words = re.split(r"[-_]", cleaned)
    key = "_".join(words)
    if key in RESERVED:
        raise PluginNameError(f"plugin name {name!r} is reserved; choose another")
    return {
        "key": key,
        "package": f"techoms_{key}",
        "distribution": "techoms-" + "-".join(words),
        "display_name": " ".join(word.capitalize() for word in words),
        "class_prefix": "".join(word.capitalize() for word in words),
        "core_version": _core_version(),
    }


def create_plugin(name: str, destination: Path) -> Path:
    """Create the plugin package ``techoms-<name>`` inside ``destination``.

    Returns the new folder. Raises :class:`PluginNameError` for a bad name and
    ``FileExistsError`` when the folder exists; nothing is half-written: the
    package is rendered aside and moved into place whole.
    """
    names = plugin_names(name)
    destination = Path(destination)
    target = destination / names["distribution"]
    if target.exists():
        raise FileExistsError(f"{target} already exists; nothing was written")
    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-plugin-", dir=destination))
    try:
        for relative, template in LAYOUT.items():
            path = staging / relative.format(package=names["package"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(template, names), encoding="utf-8")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def next_steps(folder: Path) -> list[str]:
    """What to type after creating the plugin in ``folder``."""
    return [
        "Next:",
        f"  cd {folder}",
        "  pip install -e '.[test]'",
        "  pytest                      # the conformance suite, green",
    ]


def render(template: str, names: dict[str, str]) -> str:
    """The text of template file ``template`` with ``names`` filled in."""
    text = resources.files(__package__).joinpath(template).read_text(encoding="utf-8")
    return Template(text).substitute(names)


def _core_version() -> str:
    try:
        return version("techoms-channels")
    except PackageNotFoundError:
        return "0.1.0"
