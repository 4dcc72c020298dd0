"""The Leanafy sandbox in a process of its own, and its admin API from the benchmark.

The benchmark measures the CPU time of the *client* process (runner, store,
plugin, HTTP client). The sandbox therefore runs in a separate process
(``python -m plugins.leanafy.sandbox``), so none of its work is counted as
ours. :class:`SandboxProcess` starts and stops it; :class:`SandboxAdmin` drives
it over HTTP: reset, fault rules, counters, bulk catalogue and stock, and the
warehouse floor (ship orders, close ARNs) through ``/_sandbox/``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import requests

REPOSITORY = Path(__file__).resolve().parents[1]
#: Credentials of the benchmark's sandbox (a local, throwaway server).
API_KEY = "bench-api-key-0a7c31"
API_SECRET = "bench-api-secret-e59d24b8"
#: Rows per ``PUT /_sandbox/inventory`` call while seeding stock.
INVENTORY_CHUNK = 5_000
#: Parallel admin calls while setting a scenario up (not measured).
SETUP_WORKERS = 8

T = TypeVar("T")


class SandboxProcess:
    """``python -m plugins.leanafy.sandbox`` on a free loopback port.

    Use as a context manager; :attr:`url` is the Api Url once started.
    """

    def __init__(self) -> None:
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> SandboxProcess:
        """Start the server and wait for its banner (which names the port)."""
        command = [sys.executable, "-m", "plugins.leanafy.sandbox", "--port", "0"]
        command += ["--api-key", API_KEY, "--api-secret", API_SECRET]
        self._process = subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        for line in self._process.stdout:
            found = re.search(r"serving on (http://\S+)", line)
            if found:
                self.url = found.group(1)
                return self
        raise RuntimeError("the Leanafy sandbox process did not start")

    def cpu_seconds(self) -> float:
        """The sandbox process's CPU time so far (user + system), from ``/proc``."""
        assert self._process is not None
        fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / _clock_ticks()

    def stop(self) -> None:
        """Stop the server (SIGTERM) and reap it."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


class SandboxAdmin:
    """The sandbox's admin API (``/_sandbox/``) and direct ``/v1`` calls for setup,
    as one account (by default the benchmark's primary account)."""

    def __init__(self, url: str, api_key: str = API_KEY, api_secret: str = API_SECRET) -> None:
        self.url = url.rstrip("/")
        self.credentials = {"X-API-Key": api_key, "X-API-Secret": api_secret}
        self._local = threading.local()

    @property
    def http(self) -> requests.Session:
        """One session per thread: setup calls run from a small thread pool."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers.update(self.credentials)
        return session

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"{self.url}{path}", json=body, timeout=300)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text[:300]}")
        return response.json()["payload"]

    def me(self) -> dict[str, Any]:
        """The client and its warehouses (``GET /v1/me``)."""
        return self._call("GET", "/v1/me")

    def add_account(self, api_key: str, api_secret: str, client_name: str) -> dict[str, Any]:
        """Another account on the sandbox (the primary's call): its ``api_key``,
        ``client`` and ``warehouses``. ``SandboxAdmin(url, api_key, api_secret)``
        then acts as it."""
        body = {"api_key": api_key, "api_secret": api_secret, "client_name": client_name}
        return self._call("POST", "/_sandbox/accounts", body)

    def reset(self) -> None:
        """This account: no records, no fault rules, zeroed counters."""
        self._call("POST", "/_sandbox/reset", {"seed": "empty"})

    def set_faults(self, rules: list[dict[str, Any]], seed: int = 0) -> None:
        """Replace every fault rule (and the fault seed)."""
        self._call("PUT", "/_sandbox/faults", {"seed": seed, "rules": rules})

    def counters(self) -> dict[str, Any]:
        """Requests, responses, injected faults and creates so far."""
        return self._call("GET", "/_sandbox/counters")

    def reset_counters(self) -> None:
        self._call("DELETE", "/_sandbox/counters")

    def generate_items(self, count: int, prefix: str = "SKU-", start: int = 1) -> None:
        """``count`` catalogue items ``{prefix}{n:06d}`` in one call."""
        body = {"generate": {"count": count, "sku_prefix": prefix, "start": start}}
        self._call("POST", "/_sandbox/items", body)

    def set_inventory(self, rows: Sequence[dict[str, Any]]) -> None:
        """Set stock rows ``{"sku", "on_hand", "lot_number"}``, in chunks."""
        for start in range(0, len(rows), INVENTORY_CHUNK):
            chunk = list(rows[start : start + INVENTORY_CHUNK])
            self._call("PUT", "/_sandbox/inventory", {"rows": chunk})

    def create_orders(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """``POST /v1/order`` for each body, concurrently (setup only: no faults set)."""
        return list(_parallel(lambda body: self._call("POST", "/v1/order", body), bodies))

    def ship(self, order_ids: Iterable[str]) -> None:
        """Ship each order in full, concurrently."""
        for _ in _parallel(lambda i: self._call("POST", f"/_sandbox/orders/{i}/ship"), order_ids):
            pass


def _parallel(work: Callable[[T], Any], items: Iterable[T]) -> Iterator[Any]:
    with ThreadPoolExecutor(max_workers=SETUP_WORKERS) as pool:
        yield from pool.map(work, items)
