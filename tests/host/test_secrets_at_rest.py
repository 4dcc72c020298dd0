"""Secrets at rest: a private database file, secrets encrypted with a key kept
outside it, and named errors when that key is missing, wrong or exposed."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading

import pytest
from cryptography.fernet import Fernet

from techoms_core.secrets import Secret
from techoms_core.store import SqliteHost, open_host
from techoms_core.store.secret_key import (
    KEY_ENV_VAR,
    KEY_FILE_ENV_VAR,
    SecretKeyError,
    SecretKeys,
)
from tests.host import samples

SECRET = "s3cret-at-rest-9f2c41"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _every_byte(directory) -> bytes:
    return b"".join(path.read_bytes() for path in directory.iterdir() if path.is_file())


def test_a_new_database_and_its_directory_are_private(tmp_path):
    db = tmp_path / "new" / "dir" / "techoms.db"
    with open_host(db) as host:
        host.add_channel(samples.channel(api_secret=Secret(SECRET)))
        files = [path for path in db.parent.iterdir() if path.name.startswith("techoms.db")]
        assert {path.name for path in files} >= {"techoms.db", "techoms.db-wal"}
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
    assert _mode(db.parent) == 0o700


def test_a_literal_secret_is_stored_encrypted_and_an_env_reference_as_itself(tmp_path):
    key_file = tmp_path / "keys" / "secret.key"
    keys = SecretKeys(key_file=key_file)
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    with SqliteHost(db_dir / "t.db", secret_keys=keys) as host:
        host.add_channel(samples.channel(api_key="env:WMS_KEY", api_secret=Secret(SECRET)))
        stored = host.channel("wms").settings
        assert stored["api_secret"].reveal() == SECRET and stored["api_key"] == "env:WMS_KEY"
        assert SECRET.encode() not in _every_byte(db_dir)
        assert b"env:WMS_KEY" in _every_byte(db_dir)
    assert _mode(key_file) == 0o600 and _mode(key_file.parent) == 0o700
    with SqliteHost(db_dir / "t.db", secret_keys=SecretKeys(key_file=key_file)) as again:
        assert again.channel("wms").settings["api_secret"] == Secret(SECRET)


def test_another_key_cannot_read_the_secret_and_says_so(tmp_path):
    with SqliteHost(tmp_path / "t.db", secret_keys=SecretKeys(key_file=tmp_path / "a")) as host:
        host.add_channel(samples.channel(api_secret=Secret(SECRET)))
    other = SecretKeys(keys=[Fernet.generate_key()])
    with SqliteHost(tmp_path / "t.db", secret_keys=other) as host:
        (config,) = host.channels()  # listing needs no key
        with pytest.raises(SecretKeyError, match=r"cannot be decrypted with the key from \$"):
            config.settings["api_secret"].reveal()
    missing = SecretKeys(key_file=tmp_path / "gone")
    with (
        SqliteHost(tmp_path / "t.db", secret_keys=missing) as host,
        pytest.raises(SecretKeyError, match=r"no key file .*gone: the secrets stored"),
    ):
        host.channel("wms").settings["api_secret"].reveal()


def test_a_key_file_others_may_read_is_refused(tmp_path):
    key_file = tmp_path / "secret.key"
    key_file.write_bytes(Fernet.generate_key() + b"\n")
    key_file.chmod(0o644)
    with pytest.raises(SecretKeyError, match=r"may be read by others .*chmod 600"):
        SecretKeys(key_file=key_file).encrypt(SECRET)


def test_the_key_may_come_from_the_environment(tmp_path):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    sealed = SecretKeys.from_environment({KEY_ENV_VAR: old.decode()}).encrypt(SECRET)
    both = SecretKeys.from_environment({KEY_ENV_VAR: f"{new.decode()}, {old.decode()}"})
    assert both.decrypt(sealed) == SECRET
    assert SecretKeys(keys=[new]).decrypt(both.reencrypt(sealed)) == SECRET
    with pytest.raises(SecretKeyError, match="not a Fernet key"):
        SecretKeys.from_environment({KEY_ENV_VAR: "not-a-key"}).encrypt(SECRET)


def test_the_default_key_file_is_made_in_the_user_config_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    keys = SecretKeys.from_environment({"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert keys.key_file == tmp_path / "config" / "techoms" / "secret.key"
    keys.encrypt(SECRET)
    assert _mode(keys.key_file) == 0o600
    named = SecretKeys.from_environment({KEY_FILE_ENV_VAR: str(tmp_path / "k")})
    assert named.key_file == tmp_path / "k"


def test_processes_creating_the_key_file_at_once_share_one_key(tmp_path):
    key_file = tmp_path / "secret.key"
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(SecretKeys(key_file=key_file).encrypt("x")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader = SecretKeys(key_file=key_file)
    assert [reader.decrypt(token) for token in tokens] == ["x"] * 8
    assert len(key_file.read_text().split()) == 1


def test_a_key_file_that_cannot_be_made_is_a_named_error(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the key's directory should be")
    with pytest.raises(SecretKeyError, match=r"key file .*secret.key: .*TECHOMS_KEY_FILE"):
        SecretKeys(key_file=blocked / "secret.key").encrypt(SECRET)


def test_a_database_left_open_to_others_is_made_private_when_opened(tmp_path):
    db = tmp_path / "old.db"
    SqliteHost(db).close()
    # An older version's file, with a writer still holding its WAL and shared memory.
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE kept_open (x)")
    writer.commit()
    files = [db, tmp_path / "old.db-wal", tmp_path / "old.db-shm"]
    for path in files:
        path.chmod(0o644)
    tmp_path.chmod(0o755)  # a directory of the user's: theirs to decide
    try:
        with open_host(db, create=False) as host:
            assert [(c.path, c.before, c.after) for c in host.tightened] == [
                (path, 0o644, 0o600) for path in files
            ]
            assert str(host.tightened[0]) == (
                f"the file {db} was open to other users (0644); it is now 0600, for its owner only"
            )
    finally:
        writer.close()
    assert _mode(db) == 0o600 and _mode(tmp_path) == 0o755
    with open_host(db) as again:
        assert again.tightened == ()  # said once


def test_the_default_directory_left_open_to_others_is_made_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("TECHOMS_DB", raising=False)
    with open_host() as host:
        db = host.path
    db.chmod(0o644)
    db.parent.chmod(0o755)
    with open_host() as host:
        assert {(c.path, c.kind, c.after) for c in host.tightened} == {
            (db, "file", 0o600),
            (db.parent, "directory", 0o700),
        }
    assert db.parent == tmp_path / "techoms"
