"""What every test shares: a key file of its own for the secrets the store
encrypts, and the two databases of the store suite (``tests/stores.py``)."""

from __future__ import annotations

import os

import pytest

from techoms_core.store.secret_key import KEY_ENV_VAR, KEY_FILE_ENV_VAR
from tests.stores import (  # noqa: F401
    db_kind,
    db_target,
    other_db_target,
    pg_cluster,
    pg_url,
)


@pytest.fixture(autouse=True, scope="session")
def _test_secret_key_file(tmp_path_factory):
    """Keep the tests' key out of the user's config directory; subprocesses
    the tests start inherit it."""
    os.environ.pop(KEY_ENV_VAR, None)
    os.environ[KEY_FILE_ENV_VAR] = str(tmp_path_factory.mktemp("key") / "secret.key")
