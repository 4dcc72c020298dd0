"""The hostile-WMS suite: every Leanafy option against every hostile mode.

For each mode of :data:`tests.hostile.modes.MODES`, every send and receive
option runs in a fresh process against the hostile server. Each must end with
a named error or per-record failures; nothing techOMS held is lost, nothing
is created twice, no secret is printed, and the process stays within 100 MB
of peak RSS growth and a bounded time. Once the server is honest again, the
records the mode kept from being sent are sent, once each.
"""

from __future__ import annotations

import re

import pytest

from plugins.registry import Registry
from techoms_core.runner import run_option
from techoms_core.store import SqliteHost
from techoms_core.testing import find_secrets
from tests.hostile.drive import CHANNEL
from tests.hostile.harness import HONEST, drive, environ, held, prepare
from tests.hostile.modes import MODES

#: A message that is a raw Python exception ("TypeError: ..."), not a named error.
RAW_ERROR = re.compile(r"^(unexpected )?[A-Z]\w*(Error|Exception)\b")
MAX_RSS_GROWTH_MIB = 100
#: Every option of a mode together; the slowest spend their short deadline
#: twice, and a busy machine stretches everything.
MAX_SECONDS = 120


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
def test_every_option_survives_a_hostile_mode(mode, tmp_path, sandbox_demo, hostile):
    db = prepare(tmp_path, sandbox_demo, hostile)
    before = held(db)
    hostile.behave("* /v1/*", mode.behaviour)

    report, output = drive(db, sandbox_demo)
    hostile.clear()

    for option, outcome in report["options"].items():
        assert outcome["status"] in ("completed", "failed", "stopped"), (option, outcome)
        if outcome["status"] == "failed":
            assert outcome["message"] and not RAW_ERROR.match(outcome["message"]), (option, outcome)
        for key, _field, message in outcome["failed"]:
            assert key and message and not RAW_ERROR.match(message), (option, key, message)
    assert held(db, before) == before
    assert {kind: sandbox_demo.counters.duplicates(kind) for kind in ("order", "arn", "item")} == {
        "order": {},
        "arn": {},
        "item": {},
    }
    assert find_secrets([output], environ(sandbox_demo).values()) == []
    assert report["rss_growth_mib"] < MAX_RSS_GROWTH_MIB, report
    assert report["wall_seconds"] < MAX_SECONDS, report

    _everything_is_sent_once_honest_again(db, sandbox_demo)


def _everything_is_sent_once_honest_again(db, sandbox) -> None:
    registry = Registry.discover(strict=True)
    with SqliteHost(db) as host:
        host.set_master_product_source("techoms")
        for option in ("export-products", "send-shipments", "send-receipts"):
            summary = run_option(
                host, registry, CHANNEL, option, environ=environ(sandbox), session_options=HONEST
            )
            assert summary.counts["failed"] == 0, summary.records
        assert {r["status"] for r in host.shipment_rows()} <= {"sent", "shipped"}
        assert {r["status"] for r in host.receipt_rows()} <= {"sent", "received"}
    assert sandbox.counters.duplicates("order") == sandbox.counters.duplicates("arn") == {}
