"""The soak's size and seed, and the channel it runs on.

``SOAK_SIZE=small`` (default, CI: 60 shipments and 30 receipts) or
``SOAK_SIZE=large`` (by hand: 1,000 shipments and 500 receipts);
``SOAK_SEED`` (default 7) seeds the fault streams and the kill plan.
"""

from __future__ import annotations

import os

import pytest
from attrs import frozen


@frozen
class SoakSize:
    """How much the soak sends, how often it kills, and the Retry-After it asks."""

    name: str
    shipments: int
    receipts: int
    send_kills: int
    receive_kills: int
    retry_after: int


SIZES = {
    "small": SoakSize(
        "small", shipments=60, receipts=30, send_kills=3, receive_kills=2, retry_after=0
    ),
    "large": SoakSize(
        "large", shipments=1000, receipts=500, send_kills=10, receive_kills=5, retry_after=1
    ),
}


@pytest.fixture(scope="session")
def soak_size() -> SoakSize:
    name = os.environ.get("SOAK_SIZE", "small")
    if name not in SIZES:
        raise pytest.UsageError(f"SOAK_SIZE={name!r}: one of {', '.join(SIZES)}")
    return SIZES[name]


@pytest.fixture(scope="session")
def soak_seed() -> int:
    return int(os.environ.get("SOAK_SEED", "7"))
