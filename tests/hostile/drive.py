"""Run every Leanafy send and receive option once, in a fresh process, measured.

``python -m tests.hostile.drive DB`` runs each option of :data:`OPTIONS` for
the database's channel (credentials from the environment, as ``env:``
references) with short timeouts and a short deadline, logging everything at
DEBUG to stderr, and prints one JSON object: per option its status, message
and failed records, and the whole phase's wall time and peak RSS growth
(:class:`bench.measure.Phase`: imports and setup excluded).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from bench.measure import Phase
from plugins.leanafy import contract
from plugins.registry import Registry
from techoms_core.http.retry import RetryPolicy
from techoms_core.runner import run_option
from techoms_core.runs import RunRefused
from techoms_core.store import SqliteHost

CHANNEL = "hostile"
#: Every option Leanafy offers while techOMS is the Master Product Source, then
#: import-products once the channel is.
OPTIONS = (
    "export-products",
    "send-shipments",
    "send-receipts",
    "receive-inventory",
    "receive-shipments",
    "receive-receipts",
)
SESSION = {
    "retry": RetryPolicy(max_attempts=2, backoff_initial=0.001, backoff_max=0.002),
    "timeout": (1.0, 1.0),
    "deadline": 0.5,
}
#: Pages a list may take here before it is stopped as endless (the default is
#: 20,000; the point is the stop, not its count).
MAX_LIST_PAGES = 20


def drive(db: str) -> dict[str, Any]:
    contract.MAX_LIST_PAGES = MAX_LIST_PAGES
    registry = Registry.discover(strict=True)
    results: dict[str, Any] = {}
    with SqliteHost(db) as host, Phase() as phase:
        for option in OPTIONS:
            results[option] = _run(host, registry, option)
        host.set_master_product_source(CHANNEL)
        results["import-products"] = _run(host, registry, "import-products")
    return {
        "options": results,
        "wall_seconds": round(phase.wall_seconds, 2),
        "rss_growth_mib": round(phase.rss_growth_mib, 1),
    }


def _run(host: SqliteHost, registry: Registry, option: str) -> dict[str, Any]:
    try:
        summary = run_option(host, registry, CHANNEL, option, session_options=SESSION)
    except RunRefused as refused:
        return {"status": "refused", "message": str(refused), "failed": []}
    return {
        "status": str(summary.status),
        "message": summary.message,
        "counts": dict(summary.counts),
        "failed": [
            [record.key[:60], record.field, record.message]
            for record in summary.records
            if record.status == "failed"
        ],
    }


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    print(json.dumps(drive(sys.argv[1])))
