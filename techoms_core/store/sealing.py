"""Channel settings as the store keeps them: every literal secret encrypted.

A :class:`~techoms_core.secrets.Secret` in a channel's settings is stored as
``{"$sealed": "<Fernet token>"}``; an ``env:VAR`` reference is a plain string
and stays one (the value it reads never reaches the store). Reading gives back
a :class:`SealedSecret`, decrypted only when revealed, so a channel whose
secret no key opens can still be listed, changed or deleted, and the error
names the problem where the secret is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from techoms_core.secrets import Secret
from techoms_core.settings.validation import ENV_PREFIX
from techoms_core.store.secret_key import SecretKeys

SEALED = "$sealed"


class SealedSecret(Secret):
    """A stored secret, decrypted when revealed
    (:class:`~techoms_core.store.secret_key.SecretKeyError` if no key opens it)."""

    __slots__ = ("_keys", "_token")

    def __init__(self, token: str, keys: SecretKeys) -> None:
        self._token = token
        self._keys = keys

    @property
    def token(self) -> str:
        return self._token

    def reveal(self) -> str:
        return self._keys.decrypt(self._token)

    def __bool__(self) -> bool:
        return True  # blank secrets are never stored

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self.reveal() == other.reveal()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self.reveal()))


def seal_settings(settings: Mapping[str, Any], keys: SecretKeys) -> dict[str, Any]:
    """``settings`` to store: each secret encrypted, everything else as given."""
    return {key: _sealed(value, keys) for key, value in settings.items()}


def open_settings(document: Mapping[str, Any], keys: SecretKeys) -> dict[str, Any]:
    """Stored settings back: each sealed value a :class:`SealedSecret`."""
    return {
        key: SealedSecret(value[SEALED], keys) if _is_sealed(value) else value
        for key, value in document.items()
    }


def reseal_settings(document: Mapping[str, Any], keys: SecretKeys) -> dict[str, Any]:
    """Stored settings with every sealed value encrypted again with the first key."""
    return {
        key: {SEALED: keys.reencrypt(value[SEALED])} if _is_sealed(value) else value
        for key, value in document.items()
    }


def _sealed(value: Any, keys: SecretKeys) -> Any:
    if isinstance(value, SealedSecret):
        return {SEALED: value.token}
    if isinstance(value, Secret):
        return {SEALED: keys.encrypt(value.reveal())}
    return value


def _is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get(SEALED), str)


def is_plaintext_secret(value: Any) -> bool:
    """Whether a stored secret field's ``value`` is a literal kept in plain text
    (not sealed, not an ``env:VAR`` reference, not blank)."""
    return (
        isinstance(value, str) and bool(value.strip()) and not value.strip().startswith(ENV_PREFIX)
    )
