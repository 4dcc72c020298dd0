"""Runs one sync option in its own process, so a test can kill it with SIGKILL.

Usage: ``python crash_worker.py DB CHANNEL OPTION`` (DB a SQLite path or a URL);
prints the summary as JSON.
"""

from __future__ import annotations

import json
import sys

from plugins.leanafy import contract
from plugins.registry import Registry
from techoms_core.runner import run_option
from techoms_core.store import StoreHost


def main(db: str, channel: str, option: str) -> None:
    # pages of 50, so the test's 130 orders take three pages and the kill lands
    # after the first is applied (the second is read while the first is applied)
    contract.RECEIVE_PAGE_SIZE = 50
    with StoreHost(db) as host:
        summary = run_option(host, Registry.discover(strict=True), channel, option)
    print(json.dumps(summary.as_json()))


if __name__ == "__main__":
    main(*sys.argv[1:])
