"""``techoms worker`` refuses a SQLite database by name, before touching it."""

from __future__ import annotations

from click.testing import CliRunner

from techoms_core.cli import CliState, main


def test_a_worker_on_a_sqlite_file_is_refused_with_what_to_run_instead(tmp_path):
    state = CliState(tmp_path / "techoms.db")
    result = CliRunner().invoke(main, ["worker"], obj=state)
    assert result.exit_code == 1
    assert "techoms worker needs the database on PostgreSQL" in result.stderr
    assert "techoms jobs run" in result.stderr
    assert not (tmp_path / "techoms.db").exists()


def test_a_stall_timeout_shorter_than_two_heartbeats_is_a_usage_error(tmp_path):
    state = CliState(tmp_path / "techoms.db")
    result = CliRunner().invoke(
        main, ["worker", "--heartbeat", "5", "--stalled-after", "6"], obj=state
    )
    assert result.exit_code == 2
    assert "at least two heartbeats" in result.stderr
