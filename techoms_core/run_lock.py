"""The run lock of one (channel, option), kept alive by a heartbeat thread.

The lock row expires ``LOCK_TTL`` after its last renewal. A thread renews it
every ``LOCK_TTL / 4`` for as long as the run lasts, however long one batch or
page takes, so only a holder that died (or hung so badly that its thread
cannot run) ever lets it expire. If the lock is found taken over, the run is
told through :attr:`RunLock.lost` and stops at its next batch or page.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from techoms_core.host import LockHolder, LocksRole, RunLocked

#: How long a run lock lasts without renewal.
LOCK_TTL = dt.timedelta(minutes=2)

log = logging.getLogger("techoms.runner")


def lock_name(channel: str, option: str) -> str:
    """The run lock of (channel, option)."""
    return f"run:{channel}:{option}"


class RunLock:
    """Take the lock on enter (raises :class:`RunLocked`), renew it in the
    background, release it on exit."""

    def __init__(
        self, host: LocksRole, channel: str, option: str, *, ttl: dt.timedelta = LOCK_TTL
    ) -> None:
        self.host = host
        self.name = lock_name(channel, option)
        self.holder = LockHolder.for_this_process()
        self.ttl = ttl
        self.lost: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._renew, name=f"heartbeat {self.name}", daemon=True
        )

    def __enter__(self) -> RunLock:
        self.host.acquire_lock(self.name, self.holder, self.ttl)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()
        self.host.release_lock(self.name, self.holder)

    def _renew(self) -> None:
        interval = self.ttl.total_seconds() / 4
        while not self._done.wait(interval):
            try:
                self.host.refresh_lock(self.name, self.holder, self.ttl)
            except RunLocked as exc:
                self.lost = str(exc)
                return
            except Exception:  # a busy database now and then must not end the run
                log.warning("could not renew the run lock %s", self.name, exc_info=True)
