"""Every hook is documented in the template, and docs/hooks.md is current."""

from pathlib import Path

from techoms_core.hookdocs import documentation_gaps, hook_functions, render
from techoms_core.options import SYNC_OPTIONS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def test_every_hook_follows_the_documentation_template():
    assert documentation_gaps() == []


def test_there_is_one_hook_per_sync_option_after_the_channel_hooks_and_commands_last():
    names = [function.__name__ for function in hook_functions()]
    assert names[:3] == ["channel_declaration", "health_check", "settings_field_choices"]
    assert names[-1] == "register_commands"
    assert sorted(names[3:-1]) == sorted(option.hook for option in SYNC_OPTIONS)


def test_the_hook_reference_page_is_current():
    assert PAGE.read_text() == render(), (
        "docs/hooks.md is stale: run `python -m techoms_core.hookdocs > docs/hooks.md`"
    )
