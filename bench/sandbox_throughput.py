"""How many requests per second the Leanafy sandbox serves, with no injected faults.

The sandbox runs in its own process (``python -m plugins.leanafy.sandbox``, one
Python process: one core's worth of work under the GIL); client processes hit it
over loopback with plain ``http.client`` connections for a fixed time and the
script prints the requests served per second, overall and per endpoint.

    .venv/bin/python -m bench.sandbox_throughput [--clients 3] [--duration 5] [--mix reads]

Mixes: ``reads`` (me, item by SKU, a page of items, inventory of a SKU, a page of
orders), ``creates`` (order creates), ``me`` (the lightest call),
``inventory-pages`` (the pages of 500 of 100,000 inventory rows, by number, as
an inventory snapshot reads them; the rows are set up first, not timed).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bench.sandbox_process import SandboxAdmin

REPOSITORY = Path(__file__).resolve().parents[1]
API_KEY = "bench-key"
API_SECRET = "bench-secret"
HEADERS = {"X-API-Key": API_KEY, "X-API-Secret": API_SECRET, "Content-Type": "application/json"}
ORDER = {
    "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
    "items": [{"sku": "TEE-BLK-M", "total_qty": 1, "unit": "EA"}],
    "primary_reference_number": "BENCH",
}
MIXES: dict[str, list[tuple[str, str, bytes | None]]] = {
    "me": [("GET", "/v1/me", None)],
    "reads": [
        ("GET", "/v1/me", None),
        ("GET", "/v1/item?sku=MUG-WHT-12OZ", None),
        ("GET", "/v1/items?limit=10", None),
        ("GET", "/v1/inventory?sku=CANDLE-LAV", None),
        ("GET", "/v1/orders?limit=10", None),
    ],
    "creates": [("POST", "/v1/order", json.dumps(ORDER).encode())],
    "inventory-pages": [
        ("GET", f"/v1/inventory?page={page}&limit=500", None) for page in range(1, 201)
    ],
}
#: Inventory rows the ``inventory-pages`` mix sets up (one item and row each).
INVENTORY_ROWS = 100_000


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    """Start the sandbox on a free port; answer the process and its URL."""
    command = [sys.executable, "-m", "plugins.leanafy.sandbox", "--port", "0", "--seed", "demo"]
    command += ["--api-key", API_KEY, "--api-secret", API_SECRET]
    process = subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"serving on (http://\S+)", line)
        if found:
            return process, found.group(1)
    raise RuntimeError("the sandbox did not start")


def stock(url: str) -> None:
    """:data:`INVENTORY_ROWS` items in stock, through the admin API."""
    admin = SandboxAdmin(url, API_KEY, API_SECRET)
    admin.generate_items(INVENTORY_ROWS, "INV-")
    admin.set_inventory(
        [{"sku": f"INV-{n:06d}", "on_hand": n % 97} for n in range(1, INVENTORY_ROWS + 1)]
    )


def drive(url: str, mix: str, duration: float) -> Counter[str]:
    """One client: requests in a loop for ``duration`` seconds; counts per endpoint
    and status."""
    parts = urlsplit(url)
    calls = MIXES[mix]
    counts: Counter[str] = Counter()
    deadline = time.perf_counter() + duration
    index = 0
    while time.perf_counter() < deadline:
        method, path, body = calls[index % len(calls)]
        index += 1
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request(method, path, body=body, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        connection.close()
        counts[f"{method} {path.split('?')[0]} {response.status}"] += 1
    return counts


def main() -> None:
    """Run the benchmark and print requests per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=3, help="client processes (3)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds (5)")
    parser.add_argument("--mix", choices=sorted(MIXES), default="reads", help="(reads)")
    options = parser.parse_args()
    process, url = start_sandbox()
    try:
        if options.mix == "inventory-pages":
            stock(url)
        started = time.perf_counter()
        with multiprocessing.Pool(options.clients) as pool:
            results = pool.starmap(drive, [(url, options.mix, options.duration)] * options.clients)
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()
    totals: Counter[str] = Counter()
    for counts in results:
        totals.update(counts)
    served = sum(totals.values())
    print(f"mix={options.mix} clients={options.clients} duration={options.duration}s")
    for name, count in sorted(totals.items()):
        print(f"  {name:45} {count:7d}")
    failures = sum(count for name, count in totals.items() if not name.endswith((" 200", " 201")))
    print(f"requests: {served}, failures: {failures}")
    print(f"throughput: {served / elapsed:.0f} requests/s")


if __name__ == "__main__":
    main()
