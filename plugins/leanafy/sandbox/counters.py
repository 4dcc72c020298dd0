"""Counters that let tests prove "no duplicates" and "everything arrived".

``requests`` and ``responses`` count API calls per endpoint (``"POST /v1/order"``);
``peak_requests_per_second`` is the most requests that arrived within any one
second (a sliding window, as a throughput cap counts them);
``injected`` counts faults per kind and endpoint; ``creates`` counts, per kind
(``item``, ``order``, ``arn``) and key (the SKU, or the ``primary_reference_number``),
every create that reached the handler (``received``) and every one stored
(``stored``). Item keys are the SKU as first sent (trimmed); a later create of the
same SKU in another case counts under the first spelling.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .models import sku_key

NO_REFERENCE = "(none)"
CREATE_KINDS = ("item", "order", "arn")
#: The window of ``peak_requests_per_second``, in seconds.
PEAK_WINDOW = 1.0


class Counters:
    """Thread-safe tallies of what the sandbox received, answered and injected."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests: dict[str, int] = {}
            self._responses: dict[str, dict[str, int]] = {}
            self._injected: dict[str, dict[str, int]] = {}
            self._creates: dict[str, dict[str, dict[str, int]]] = {k: {} for k in CREATE_KINDS}
            self._spellings: dict[str, str] = {}
            self._arrivals: deque[float] = deque()
            self._peak = 0

    def request(self, endpoint: str) -> None:
        """One API request arrived at ``endpoint``."""
        with self._lock:
            self._requests[endpoint] = self._requests.get(endpoint, 0) + 1
            now, arrivals = self._clock(), self._arrivals
            arrivals.append(now)
            while arrivals[0] <= now - PEAK_WINDOW:
                arrivals.popleft()
            self._peak = max(self._peak, len(arrivals))

    def peak_requests_per_second(self) -> int:
        """The most requests that arrived within one second (any second-long window)."""
        with self._lock:
            return self._peak

    def response(self, endpoint: str, status: int) -> None:
        """One API response left with ``status`` (a dropped connection counts as 0)."""
        with self._lock:
            by_status = self._responses.setdefault(endpoint, {})
            by_status[str(status)] = by_status.get(str(status), 0) + 1

    def injected(self, kind: str, endpoint: str) -> None:
        """A fault of ``kind`` was injected on ``endpoint``."""
        with self._lock:
            by_endpoint = self._injected.setdefault(kind, {})
            by_endpoint[endpoint] = by_endpoint.get(endpoint, 0) + 1

    def create_received(self, kind: str, key: str | None) -> None:
        """A create of ``kind`` for ``key`` reached the handler."""
        self._bump_create(kind, key, "received")

    def create_stored(self, kind: str, key: str | None) -> None:
        """A create of ``kind`` for ``key`` was stored."""
        self._bump_create(kind, key, "stored")

    def _bump_create(self, kind: str, key: str | None, outcome: str) -> None:
        with self._lock:
            label = self._label(kind, key)
            entry = self._creates[kind].setdefault(label, {"received": 0, "stored": 0})
            entry[outcome] += 1

    def _label(self, kind: str, key: str | None) -> str:
        if not key or not key.strip():
            return NO_REFERENCE
        if kind != "item":
            return key
        return self._spellings.setdefault(sku_key(key), key.strip())

    def creates(self, kind: str, key: str | None) -> dict[str, int]:
        """``{"received", "stored"}`` for one SKU or reference (zeros if never seen)."""
        with self._lock:
            label = self._label(kind, key) if kind != "item" else self._known_item(key)
            entry = self._creates[kind].get(label, {"received": 0, "stored": 0})
            return dict(entry)

    def _known_item(self, key: str | None) -> str:
        if not key:
            return NO_REFERENCE
        return self._spellings.get(sku_key(key), key.strip())

    def duplicates(self, kind: str) -> dict[str, int]:
        """Keys of ``kind`` stored more than once, with how many times."""
        with self._lock:
            return {k: v["stored"] for k, v in self._creates[kind].items() if v["stored"] > 1}

    def injected_count(self, kind: str | None = None, endpoint: str | None = None) -> int:
        """How many faults were injected, optionally of one kind and/or on one endpoint."""
        with self._lock:
            return sum(
                count
                for fault_kind, by_endpoint in self._injected.items()
                if kind is None or fault_kind == kind
                for name, count in by_endpoint.items()
                if endpoint is None or name == endpoint
            )

    def snapshot(self) -> dict[str, Any]:
        """Every counter, as ``GET /_sandbox/counters`` answers it."""
        with self._lock:
            return copy.deepcopy(
                {
                    "requests": self._requests,
                    "responses": self._responses,
                    "injected": self._injected,
                    "creates": self._creates,
                    "peak_requests_per_second": self._peak,
                }
            )
