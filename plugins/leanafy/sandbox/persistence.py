"""Keeping a sandbox's accounts in a JSON file, so a demo survives a restart.

The file is written whole (to a temporary file, then renamed) at most once per
``interval`` while any account changes, and once more when the server stops.
A sandbox with one account writes that account's document; with more, every
account's document goes under ``accounts``, the primary first.
Faults and counters are not kept.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from techoms_core.private_files import tighten

from .accounts import Accounts, states_from_document
from .models import Credentials
from .seed import apply_seed, new_state
from .state import SandboxState, generate_credentials

logger = logging.getLogger(__name__)


def open_state(
    state_path: str | os.PathLike[str] | None,
    api_key: str | None = None,
    api_secret: str | None = None,
    seed: str = "empty",
) -> list[SandboxState]:
    """The accounts to serve, the primary first: read from ``state_path`` if that
    file exists (``seed`` is then ignored), else one new account seeded with
    ``seed``. Given credentials replace the primary's stored ones; missing ones
    are kept from the file or generated."""
    if state_path is not None and Path(state_path).exists():
        # It holds every account's credentials: an older sandbox left it 0644.
        tightened = tighten(Path(state_path))
        if tightened is not None:
            logger.info("Made private: %s.", tightened)
        with open(state_path, encoding="utf-8") as handle:
            states = states_from_document(json.load(handle))
        primary = states[0].credentials
        if api_key and any(s.credentials.api_key == api_key for s in states[1:]):
            raise ValueError(f"{state_path}: the given API key belongs to another account")
        primary.api_key = api_key or primary.api_key
        primary.api_secret = api_secret or primary.api_secret
        return states
    generated = generate_credentials()
    credentials = Credentials(
        api_key=api_key or generated.api_key, api_secret=api_secret or generated.api_secret
    )
    state = new_state(credentials)
    apply_seed(state, seed)
    return [state]


class StateSaver:
    """A background thread writing the accounts to their file whenever they changed."""

    def __init__(
        self, accounts: Accounts, path: str | os.PathLike[str], interval: float = 1.0
    ) -> None:
        self.accounts = accounts
        self.path = Path(path)
        self.interval = interval
        self._saved_revision: object = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-state-saver", daemon=True)

    def start(self) -> None:
        """Write the file now, then keep it current."""
        self.flush()
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write the last changes."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.flush()

    def flush(self) -> None:
        """Write the file if any account changed since the last write."""
        # Read before writing: a change made meanwhile leaves the revision
        # different from the one saved, so the next flush writes it.
        revision = self.accounts.revision
        if revision == self._saved_revision:
            return
        SandboxState.write_document(self.accounts.to_document(), self.path)
        self._saved_revision = revision

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except OSError:
                logger.exception("could not write the sandbox state to %s", self.path)
