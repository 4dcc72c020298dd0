"""Secrets given to the CLI: asked for instead of typed on the command line,
stored encrypted (old plain-text databases too), and the key rotated."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from techoms_core.store.secret_key import KEY_FILE_ENV_VAR
from tests.cli.conftest import CHANNEL, channel_settings


@pytest.fixture
def db_kind() -> str:
    """SQLite only: these tests read the database file's raw bytes."""
    return "sqlite"


def _stored_settings(db) -> dict:
    with sqlite3.connect(db) as connection:
        (text,) = connection.execute("SELECT settings FROM channels").fetchone()
    return json.loads(text)


def _raw_bytes(db) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


def test_a_secret_read_from_stdin_is_stored_encrypted(cli, sandbox):
    settings = channel_settings(sandbox, key=sandbox.api_key, secret="-")
    added = cli("channel", "add", CHANNEL, "--plugin", "leanafy", *settings,
                input=f"{sandbox.api_secret}\n")  # fmt: skip
    assert "api_key was given on the command line" in added.stderr
    assert "api_secret was given" not in added.stderr
    cli("health", CHANNEL)
    stored = _stored_settings(cli.db)
    assert set(stored["api_secret"]) == {"$sealed"} and set(stored["api_key"]) == {"$sealed"}
    assert sandbox.api_secret.encode() not in _raw_bytes(cli.db)
    assert sandbox.api_key.encode() not in _raw_bytes(cli.db)
    ended = cli("channel", "set", CHANNEL, "api_secret=-", input="", status=1)
    assert "api_secret: '-' reads the value from stdin, which ended" in ended.stderr


def test_env_references_are_stored_as_references(cli, channel):
    stored = _stored_settings(cli.db)
    assert stored["api_key"] == "env:TEST_LEANAFY_KEY"
    assert stored["api_secret"] == "env:TEST_LEANAFY_SECRET"
    cli("health", channel)


def test_a_plain_text_secret_of_an_older_database_is_encrypted_on_open(cli, channel, sandbox):
    with sqlite3.connect(cli.db) as connection:
        stored = _stored_settings(cli.db)
        stored["api_secret"] = sandbox.api_secret  # as older versions stored it
        connection.execute("UPDATE channels SET settings = ?", (json.dumps(stored),))
    cli("log")  # any command
    assert set(_stored_settings(cli.db)["api_secret"]) == {"$sealed"}
    assert sandbox.api_secret.encode() not in _raw_bytes(cli.db)
    cli("health", channel)


def test_rotating_the_key_encrypts_every_secret_again(cli, sandbox, tmp_path, monkeypatch):
    key_file = tmp_path / "rotated.key"
    monkeypatch.setenv(KEY_FILE_ENV_VAR, str(key_file))
    cli("channel", "add", CHANNEL, "--plugin", "leanafy",
        *channel_settings(sandbox, key=sandbox.api_key, secret=sandbox.api_secret))  # fmt: skip
    before = _stored_settings(cli.db)["api_secret"]["$sealed"]
    first_key = key_file.read_text().split()
    rotated = cli("key", "rotate")
    assert f"Secrets of 1 channel encrypted again with the first key from key file {key_file}" in (
        rotated.stdout
    )
    keys = key_file.read_text().split()
    assert len(keys) == 2 and keys[1:] == first_key
    after = _stored_settings(cli.db)["api_secret"]["$sealed"]
    assert Fernet(keys[0].encode()).decrypt(after.encode()).decode() == sandbox.api_secret
    assert after != before
    cli("health", CHANNEL)
    retired = cli("key", "rotate", "--retire-old")
    assert "2 old keys retired" in retired.stdout
    assert len(key_file.read_text().split()) == 1
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    cli("health", CHANNEL)
    assert f"key file {key_file}" in cli("key", "show").stdout


def test_a_secret_typed_at_the_prompt_is_not_echoed(tmp_path, sandbox):
    primary, secondary = pty.openpty()
    environment = {**os.environ, "TECHOMS_DB": str(tmp_path / "t.db")}
    process = subprocess.Popen(
        [sys.executable, "-m", "techoms_core.cli", "channel", "add", CHANNEL, "--plugin",
         "leanafy", *channel_settings(sandbox, key=sandbox.api_key, secret="-")],
        stdin=secondary, stdout=secondary, stderr=secondary, env=environment, close_fds=True,
    )  # fmt: skip
    os.close(secondary)
    seen = b""
    while b"Api Secret" not in seen:
        seen += os.read(primary, 1024)
    os.write(primary, sandbox.api_secret.encode() + b"\n")
    while process.poll() is None or seen.count(b"\n") < 2:
        try:
            chunk = os.read(primary, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=30)
    os.close(primary)
    assert process.returncode == 0, seen
    assert b"added (Leanafy)" in seen
    assert sandbox.api_secret.encode() not in seen


def test_a_database_open_to_others_is_made_private_and_said_once(store):
    cli = store
    cli.db.chmod(0o644)
    first = cli("channel", "list")
    said = " ".join(first.stderr.split())
    assert f"Made private: the file {cli.db} was open to other users (0644); it is now 0600" in (
        said
    )
    assert oct(cli.db.stat().st_mode & 0o777) == "0o600"
    assert cli("channel", "list").stderr == ""
