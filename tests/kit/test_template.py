"""The plugin template and ``techoms new-plugin``: what they create, and refuse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from techoms_core.cli import main
from techoms_core.cli.new_plugin import new_plugin
from techoms_core.template import LAYOUT, PluginNameError, create_plugin, plugin_names

RUFF = Path(sys.executable).with_name("ruff")


def test_a_name_gives_every_spelling_the_package_needs() -> None:
    names = plugin_names("Acme-WMS")

    assert names["key"] == "acme_wms"
    assert names["package"] == "techoms_acme_wms"
    assert names["distribution"] == "techoms-acme-wms"
    assert names["display_name"] == "Acme Wms"
    assert names["class_prefix"] == "AcmeWms"


@pytest.mark.parametrize("name", ["", "9lives", "acme--wms", "acme wms", "acme.wms", "leanafy"])
def test_a_bad_name_is_refused_with_the_rule(name: str) -> None:
    with pytest.raises(PluginNameError, match=repr(name)):
        plugin_names(name)


def test_the_plugin_package_is_created_whole(tmp_path: Path) -> None:
    folder = create_plugin("acme", tmp_path)

    assert folder == tmp_path / "techoms-acme"
    created = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert created == sorted(path.format(package="techoms_acme") for path in LAYOUT)
    assert [p.name for p in tmp_path.iterdir()] == ["techoms-acme"]
    for path in folder.rglob("*"):
        if path.is_file():
            assert "${" not in path.read_text(), f"{path} has an unfilled placeholder"
    pyproject = (folder / "pyproject.toml").read_text()
    assert '[project.entry-points."techoms.channels"]\nacme = "techoms_acme.hooks"' in pyproject


def test_the_generated_code_compiles_and_passes_the_linter(tmp_path: Path) -> None:
    folder = create_plugin("acme-wms", tmp_path)

    for path in folder.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    rules = ["--select", "E,F,W,I,B,UP,SIM,RUF", "--line-length", "100", "--no-cache"]
    checked = subprocess.run(
        [str(RUFF), "check", "--isolated", *rules, "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_existing_folder_is_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "techoms-acme"
    existing.mkdir()
    (existing / "mine.txt").write_text("keep me")

    with pytest.raises(FileExistsError, match="nothing was written"):
        create_plugin("acme", tmp_path)

    assert [p.name for p in existing.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["techoms-acme"]


def test_the_command_creates_the_plugin_in_the_given_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new-plugin", "acme", "--dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "techoms-acme" / "techoms_acme" / "hooks.py").is_file()
    assert "pip install -e '.[test]'" in result.output


def test_the_command_creates_in_the_current_folder_and_speaks_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(new_plugin, ["acme", "--json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document == {
        "path": "techoms-acme",
        "key": "acme",
        "package": "techoms_acme",
        "distribution": "techoms-acme",
    }
    assert (tmp_path / "techoms-acme" / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    ("name", "message"), [("9lives", "use letters and digits"), ("acme", "already exists")]
)
def test_the_command_fails_clearly(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "techoms-acme").mkdir()

    result = CliRunner().invoke(new_plugin, [name, "--dir", str(tmp_path)])

    assert result.exit_code == 1
    assert message in result.output


def test_the_plugin_s_own_code_stays_small(tmp_path: Path) -> None:
    """The framework does the safeguards (idempotent sends, batched lookups,
    the session's URL and credentials), so a new plugin starts small."""
    folder = create_plugin("acme", tmp_path)
    own = ["hooks.py", "wire.py", "payloads.py", "declaration.py"]
    lines = sum(len((folder / "techoms_acme" / name).read_text().splitlines()) for name in own)
    assert lines <= 150
