"""Keeping a sandbox's state in a JSON file, so a demo survives a restart.

The file is written whole (to a temporary file, then renamed) at most once per
``interval`` while the state changes, and once more when the server stops.
Faults and counters are not kept.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from .models import Credentials
from .seed import apply_seed, new_state
from .state import SandboxState, generate_credentials

logger = logging.getLogger(__name__)


def open_state(
    state_path: str | os.PathLike[str] | None,
    api_key: str | None = None,
    api_secret: str | None = None,
    seed: str = "empty",
) -> SandboxState:
    """The state to serve: read from ``state_path`` if that file exists (``seed`` is then
    ignored), else a new one seeded with ``seed``. Given credentials replace stored
    ones; missing ones are kept from the file or generated."""
    if state_path is not None and Path(state_path).exists():
        state = SandboxState.load(state_path)
        if api_key:
            state.credentials.api_key = api_key
        if api_secret:
            state.credentials.api_secret = api_secret
        return state
    generated = generate_credentials()
    credentials = Credentials(
        api_key=api_key or generated.api_key, api_secret=api_secret or generated.api_secret
    )
    state = new_state(credentials)
    apply_seed(state, seed)
    return state


class StateSaver:
    """A background thread writing the state to its file whenever it changed."""

    def __init__(
        self, state: SandboxState, path: str | os.PathLike[str], interval: float = 1.0
    ) -> None:
        self.state = state
        self.path = Path(path)
        self.interval = interval
        self._saved_revision = -1
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
        """Write the file if the state changed since the last write."""
        with self.state.lock:
            revision = self.state.revision
            if revision == self._saved_revision:
                return
            document = self.state.to_document()
        SandboxState.write_document(document, self.path)
        self._saved_revision = revision

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except OSError:
                logger.exception("could not write the sandbox state to %s", self.path)
