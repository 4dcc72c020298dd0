"""One of several processes writing the same store at once, for the concurrency tests.

Usage: ``python -m tests.host.contender MODE DB GO_FILE [ARGS...]``. The process opens the
store, then waits until ``GO_FILE`` exists, so all contenders start together.

* ``locks ROUNDS``: tries to take lock ``round-N`` for each round; prints one
  JSON line per round: ``{"round": N, "won": bool}``. Any other outcome than
  taking the lock or :class:`RunLocked` fails the process.
* ``pages CHANNEL PAGES SIZE``: applies ``PAGES`` receive pages of ``SIZE``
  shipped updates each (shipments ``CHANNEL-P-I``), each page with cursor ``P``.
* ``snapshots ROUNDS SKUS``: swaps the inventory ``ROUNDS`` times, every level
  of round ``N`` being ``N``.
* ``sends CHANNEL GROUPS SIZE``: records ``GROUPS`` grouped send results of
  ``SIZE`` shipments each (``CHANNEL-G-I``), each group one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from techoms_core.host import LockHolder, RunLocked
from techoms_core.models import InventoryLevel, Page, RecordResult
from techoms_core.store import StoreHost
from tests.host import samples


def _wait_for(go: Path) -> None:
    while not go.exists():
        time.sleep(0.005)


def locks(host: StoreHost, rounds: str) -> None:
    holder = LockHolder.for_this_process()
    for n in range(int(rounds)):
        try:
            host.acquire_lock(f"round-{n}", holder, dt.timedelta(minutes=5))
            won = True
        except RunLocked:
            won = False
        print(json.dumps({"round": n, "won": won}), flush=True)


def pages(host: StoreHost, channel: str, count: str, size: str) -> None:
    run_id = host.start_run(channel, "receive-shipments")
    for p in range(int(count)):
        updates = [samples.shipped(f"{channel}-{p}-{i}", ("SKU-1", 1, 1)) for i in range(int(size))]
        host.apply_page(run_id, channel, "receive-shipments", Page(records=updates, cursor=str(p)))


def snapshots(host: StoreHost, rounds: str, skus: str) -> None:
    for n in range(1, int(rounds) + 1):
        run_id = host.start_run("wms", "receive-inventory")
        host.begin_snapshot(run_id, "wms", "receive-inventory")
        levels = [
            InventoryLevel(sku=f"SKU-{s:03}", on_hand=n, allocated=0, available=n)
            for s in range(int(skus))
        ]
        for start in range(0, len(levels), 10):
            page = Page(records=levels[start : start + 10])
            host.stage_snapshot_page(run_id, "wms", "receive-inventory", page)
        host.commit_snapshot(run_id, "wms", "receive-inventory")


def sends(host: StoreHost, channel: str, groups: str, size: str) -> None:
    run_id = host.start_run(channel, "send-shipments")
    for g in range(int(groups)):
        results = [
            RecordResult.ok(f"{channel}-{g}-{i}", remote_id=f"r-{channel}-{g}-{i}")
            for i in range(int(size))
        ]
        host.record_send_results(run_id, channel, "send-shipments", results)


MODES = {"locks": locks, "pages": pages, "snapshots": snapshots, "sends": sends}


def main(mode: str, db: str, go: str, *args: str) -> None:
    with StoreHost(db, busy_timeout=60) as host:
        print(json.dumps({"ready": True}), flush=True)
        _wait_for(Path(go))
        MODES[mode](host, *args)


if __name__ == "__main__":
    main(*sys.argv[1:])
