from __future__ import annotations

import datetime as dt

import pytest

from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: F401
from techoms_core.store import StoreHost
from tests.host import samples


class Clock:
    """A settable clock, so due times and lock expiry need no sleeping."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def host(db_target, clock):
    """The store, on SQLite and on PostgreSQL (see ``tests/stores.py``)."""
    with StoreHost(db_target, clock=clock) as opened:
        yield opened


@pytest.fixture
def wms(host):
    """The host with one channel, ``wms``, serving warehouse MAIN."""
    host.add_channel(samples.channel())
    return host
