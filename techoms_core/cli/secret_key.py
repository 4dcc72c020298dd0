"""``techoms key``: the key that encrypts channel secrets in the database."""

from __future__ import annotations

import click

from techoms_core.cli.app import CliState, pass_state


@click.group("key")
def key() -> None:
    """The key that encrypts the channels' secrets in the database.

    Literal secrets (``--set api_secret=-``) are stored encrypted with a Fernet
    key kept outside the database: ``$TECHOMS_SECRET_KEY`` (Fernet keys,
    comma-separated, the first encrypting), else the key file
    ``$TECHOMS_KEY_FILE``, else ``secret.key`` in your config directory,
    created with mode 0600 the first time a secret is stored. Without the key
    the secrets in the database cannot be read: back it up separately.
    """


@key.command("show")
@pass_state
def key_show(state: CliState) -> None:
    """Say where the key comes from (never the key itself)."""
    state.out.out.print(f"Channel secrets are encrypted with the key from {_source(state)}.")


@key.command("rotate")
@click.option(
    "--retire-old",
    is_flag=True,
    help="Then drop the old keys from the key file (other databases still "
    "encrypted with them could no longer be read).",
)
@pass_state
def key_rotate(state: CliState, retire_old: bool) -> None:
    """Encrypt every stored secret again with a new key.

    With a key file: a new key is generated and put first in it, the old ones
    kept after it (so other databases sharing the file still open) unless
    ``--retire-old`` is given. With ``$TECHOMS_SECRET_KEY``: put the new key
    first in the variable (``python -c "from cryptography.fernet import
    Fernet; print(Fernet.generate_key().decode())"``), keep the old one after
    a comma, run this, then remove the old one.
    """
    host = state.host  # opening it encrypts any secret still stored in plain text
    keys = host.secret_keys
    if keys.key_file is not None:
        keys.add_new_key()
    channels = host.reseal_secrets()
    retired = keys.retire_old_keys() if retire_old and keys.key_file is not None else 0
    state.out.out.print(
        f"Secrets of {channels} channel{'s' if channels != 1 else ''} encrypted again "
        f"with the first key from {_source(state)}"
        + (f"; {retired} old key{'s' if retired != 1 else ''} retired." if retire_old else ".")
    )


def _source(state: CliState) -> str:
    return state.host.secret_keys.source


def register(group: click.Group) -> None:
    group.add_command(key)
