"""The key that encrypts channel secrets in the store, kept outside the store.

The key comes from, in this order:

1. ``$TECHOMS_SECRET_KEY``: one or more Fernet keys separated by commas; the
   first encrypts, all decrypt (so a key can be rotated without downtime);
2. the key file ``$TECHOMS_KEY_FILE``, else ``secret.key`` in the user's config
   directory (``~/.config/techoms/`` on Linux): one Fernet key per line, the
   first encrypts. The file is created with mode 0600 (its directory 0700) the
   first time a secret is stored, and refused when others may read it.

A database copied or backed up without the key holds nothing readable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

import platformdirs
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from techoms_core.host import HostError

#: Fernet keys (comma-separated), the first one encrypting; overrides the key file.
KEY_ENV_VAR = "TECHOMS_SECRET_KEY"
#: Where the key file is, instead of the user's config directory.
KEY_FILE_ENV_VAR = "TECHOMS_KEY_FILE"
KEY_FILE_NAME = "secret.key"
APP_NAME = "techoms"


class SecretKeyError(HostError):
    """The key is missing, malformed, readable by others, or does not open a
    stored secret; the message says which and what to do."""


def default_key_file(environ: Mapping[str, str] | None = None) -> Path:
    """``$TECHOMS_KEY_FILE``, else ``secret.key`` in the user's config directory."""
    env = os.environ if environ is None else environ
    named = env.get(KEY_FILE_ENV_VAR, "").strip()
    if named:
        return Path(named).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / KEY_FILE_NAME


class SecretKeys:
    """Encrypts and decrypts secret values with the configured key(s).

    Nothing is read until a secret is stored or read, so a database without
    literal secrets never needs a key. Build one with :meth:`from_environment`.
    """

    def __init__(self, *, keys: list[bytes] | None = None, key_file: Path | None = None) -> None:
        if (keys is None) == (key_file is None):
            raise ValueError("give either keys or a key file")
        self._given = keys
        self.key_file = key_file
        self._fernet: MultiFernet | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SecretKeys:
        env = os.environ if environ is None else environ
        listed = env.get(KEY_ENV_VAR, "").strip()
        if listed:
            return cls(keys=[key.strip().encode() for key in listed.split(",") if key.strip()])
        return cls(key_file=default_key_file(env))

    @property
    def source(self) -> str:
        """Where the key comes from, for messages (never the key itself)."""
        if self.key_file is None:
            return f"${KEY_ENV_VAR}"
        return f"key file {self.key_file}"

    def encrypt(self, value: str) -> str:
        return self._multi(create=True).encrypt(value.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._multi(create=False).decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            raise SecretKeyError(
                f"a stored secret cannot be decrypted with the key from {self.source}; "
                "restore the key it was stored with, or set the secret again"
            ) from None

    def reencrypt(self, token: str) -> str:
        """``token`` encrypted again with the first key (for key rotation)."""
        self.decrypt(token)  # a named error for a token no key opens
        return self._multi(create=False).rotate(token.encode("ascii")).decode("ascii")

    def add_new_key(self) -> None:
        """Put a freshly generated key first in the key file, keeping the old
        ones after it so everything stored with them still opens."""
        if self.key_file is None:
            raise SecretKeyError(
                f"the key comes from ${KEY_ENV_VAR}: put a new key first in it "
                "(keeping the old one after a comma), then rotate again"
            )
        with self._named_os_errors():
            old = _read_key_file(self.key_file) if self.key_file.exists() else []
            _write_key_file(self.key_file, [Fernet.generate_key(), *old], replace=True)
        self._fernet = None

    def retire_old_keys(self) -> int:
        """Keep only the first key in the key file; returns how many were dropped."""
        if self.key_file is None:
            raise SecretKeyError(f"the key comes from ${KEY_ENV_VAR}; remove old keys there")
        with self._named_os_errors():
            keys = _read_key_file(self.key_file)
            _write_key_file(self.key_file, keys[:1], replace=True)
        self._fernet = None
        return len(keys) - 1

    def _multi(self, *, create: bool) -> MultiFernet:
        if self._fernet is None:
            keys = self._given if self._given is not None else self._file_keys(create)
            try:
                self._fernet = MultiFernet([Fernet(key) for key in keys])
            except (ValueError, TypeError):
                raise SecretKeyError(
                    f"the key from {self.source} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes)"
                ) from None
        return self._fernet

    def _file_keys(self, create: bool) -> list[bytes]:
        with self._named_os_errors():
            return self._read_or_create(create)

    @contextlib.contextmanager
    def _named_os_errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            raise SecretKeyError(
                f"{self.source}: {error.strerror or error}; make it readable and writable "
                f"by you, or name another with ${KEY_FILE_ENV_VAR}, or set ${KEY_ENV_VAR}"
            ) from None

    def _read_or_create(self, create: bool) -> list[bytes]:
        assert self.key_file is not None
        if not self.key_file.exists():
            if not create:
                raise SecretKeyError(
                    f"no {self.source}: the secrets stored in this database cannot be "
                    f"read; restore the key file, or set ${KEY_ENV_VAR}"
                )
            _write_key_file(self.key_file, [Fernet.generate_key()], replace=False)
        return _read_key_file(self.key_file)

    def __repr__(self) -> str:
        return f"<SecretKeys from {self.source}>"


def _read_key_file(path: Path) -> list[bytes]:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(
            f"key file {path} may be read by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {path}"
        )
    keys = [line.strip().encode() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise SecretKeyError(f"key file {path} holds no key")
    return keys


def _write_key_file(path: Path, keys: list[bytes], *, replace: bool) -> None:
    """Write ``keys`` to ``path`` with mode 0600, whole or not at all.

    The file is written under a temporary name, then linked (a new file: if
    another process made one first, that one is kept) or renamed (replacing).
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(b"".join(key + b"\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            # Another process may have created it first: then theirs is used.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
