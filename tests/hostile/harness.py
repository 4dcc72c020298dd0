"""The hostile suite's steps: a store with honest history, a measured run of
every option against a hostile mode in a fresh process, and what it left.

:func:`prepare` builds a database whose channel talks to the hostile server
(credentials as ``env:`` references): records sent, shipped, received and
inventory held through the honest server; more records sent and shipped but
not received yet; and new records loaded, still to send. :func:`drive` runs
:mod:`tests.hostile.drive` on it. :func:`held` is the state that must survive
any mode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from plugins.leanafy.sandbox import SandboxServer
from plugins.registry import Registry
from techoms_core.context import ChannelConfig
from techoms_core.http.retry import RetryPolicy
from techoms_core.loading import read_load_file
from techoms_core.runner import run_option
from techoms_core.store import SqliteHost
from tests.hostile.drive import CHANNEL
from tests.hostile.wms import HostileWMS
from tests.soak.records import CATALOGUE_SIZE, WAREHOUSE, receipt, shipment

ROOT = Path(__file__).resolve().parents[2]
KEY_VARIABLE, SECRET_VARIABLE = "HOSTILE_API_KEY", "HOSTILE_API_SECRET"
#: Longer than any mode may take, so a hang fails the test instead of CI.
DRIVE_TIMEOUT = 300
#: The honest runs: quick retries, the default timeouts and deadline (the
#: hostile runs' short ones would fail an honest answer on a busy machine).
HONEST = {"retry": RetryPolicy(max_attempts=4, backoff_initial=0.01, backoff_max=0.05)}


def environ(sandbox: SandboxServer) -> dict[str, str]:
    return {KEY_VARIABLE: sandbox.api_key, SECRET_VARIABLE: sandbox.api_secret}


def prepare(folder: Path, sandbox: SandboxServer, hostile: HostileWMS) -> Path:
    """A database with honest history and records still to send (see the module doc)."""
    sandbox.warehouse.generate_items(CATALOGUE_SIZE)
    db = folder / "hostile.db"
    registry = Registry.discover(strict=True)
    with SqliteHost(db) as host:
        settings = {
            "api_url": hostile.url,
            "api_key": f"env:{KEY_VARIABLE}",
            "api_secret": f"env:{SECRET_VARIABLE}",
            "warehouse_id": sandbox.warehouse_ids[0],
        }
        host.add_channel(
            ChannelConfig(name=CHANNEL, plugin="leanafy", settings=settings, warehouse=WAREHOUSE)
        )
        _load(host, folder, range(1, 4), range(1, 3), range(1, 3))

        def run(option: str) -> None:
            summary = run_option(
                host, registry, CHANNEL, option, environ=environ(sandbox), session_options=HONEST
            )
            assert summary.status == "completed" and not summary.counts["failed"], summary

        for option in ("export-products", "send-shipments", "send-receipts"):
            run(option)
        for order in sandbox.warehouse.orders():
            sandbox.warehouse.ship(order["_id"])
        for arn in sandbox.warehouse.arns():
            sandbox.warehouse.close_arn(arn["_id"])
        for option in ("receive-shipments", "receive-receipts", "receive-inventory"):
            run(option)
        # Sent and shipped, not received yet: for the receives to read.
        _load(host, folder, range(4, 6), range(3, 4), ())
        for option in ("send-shipments", "send-receipts"):
            run(option)
        for order in sandbox.warehouse.orders():
            if order["status"] != "shipped":
                sandbox.warehouse.ship(order["_id"])
        for arn in sandbox.warehouse.arns():
            if arn["status"] != "closed":
                sandbox.warehouse.close_arn(arn["_id"])
        # Not sent yet: for the sends.
        _load(host, folder, range(6, 8), range(4, 5), range(3, 5))
    return db


def _load(host: SqliteHost, folder: Path, shipments, receipts, products) -> None:
    file = folder / "load.json"
    file.write_text(json.dumps([shipment(n) for n in shipments]))
    host.load_shipments(read_load_file("shipments", file))
    file.write_text(json.dumps([receipt(n) for n in receipts]))
    host.load_receipts(read_load_file("receipts", file))
    file.write_text(
        json.dumps(
            [
                {"sku": f"HOSTILE-{n}", "name": f"P {n}", "uom": "EA", "description": "d"}
                for n in products
            ]
        )
    )
    host.load_products(read_load_file("products", file))


def held(db: Path, keys: dict[str, Any] | None = None) -> dict[str, Any]:
    """What must survive any mode: the shipped, received and sent records (or
    the records of ``keys``, an earlier answer), and the warehouse's levels."""
    done = ("shipped", "received", "sent")

    def kept(rows: list[dict[str, Any]], kind: str) -> dict[str, Any]:
        if keys is None:
            return {r["number"]: r for r in rows if r["status"] in done}
        return {r["number"]: r for r in rows if r["number"] in keys[kind]}

    with SqliteHost(db) as host:
        return {
            "shipments": kept(host.shipment_rows(), "shipments"),
            "receipts": kept(host.receipt_rows(), "receipts"),
            "inventory": host.inventory_rows(WAREHOUSE),
        }


def drive(db: Path, sandbox: SandboxServer) -> tuple[dict[str, Any], str]:
    """Run every option in a fresh process: its report, and all it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.drive", str(db)],
        cwd=ROOT,
        env={**os.environ, **environ(sandbox)},
        capture_output=True,
        text=True,
        timeout=DRIVE_TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    return json.loads(done.stdout.splitlines()[-1]), output
