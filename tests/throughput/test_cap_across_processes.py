"""One channel's throughput cap, held by three ``techoms sync`` processes at once,
on SQLite and on PostgreSQL, as the WMS sees it.

Three processes sync three options of one channel (export-products,
send-shipments, send-receipts) on one store. The sandbox notes when each
request reached its handler and when the handler was done
(:class:`bench.shared_cap.ArrivalLog`), and its orders answer slowly, so that
the concurrency is put to the test as well as the rate.

The bounds asserted are the cap's, by design:

* in flight: the sandbox handles a request only while its client holds the
  request's slot, so at most ``concurrency`` at once;
* rate: the starts of all runs are booked ``1 / rps`` apart, so at most
  ``ceil(rps)`` of them fall within any second; a request that started before
  the second but reaches the sandbox within it still held a slot when the
  second began, so at most ``concurrency`` more arrive. Slower is never a failure.
"""

from __future__ import annotations

import pytest

from bench.shared_cap import figures, logged_arrivals, prepare, run_spans, sync_together
from techoms_core.store import StoreHost

pytestmark = pytest.mark.slow

RPS = 20
CONCURRENCY = 4
RECORDS = 60
#: Seconds an order takes the sandbox to answer: the order sends fill their
#: slots, while the products and receipts are sent at the rate.
SLOW_ORDERS = 0.4


def test_three_processes_syncing_one_channel_keep_to_its_cap_together(db_target, sandbox):
    sandbox.faults.add("latency", endpoint="POST /v1/order", seconds=SLOW_ORDERS)
    with StoreHost(db_target) as host:
        options = prepare(
            host, sandbox, count=RECORDS, concurrency=CONCURRENCY, rps=RPS, processes=3
        )

    with logged_arrivals(sandbox) as log:
        summaries = sync_together(db_target, options)
    with StoreHost(db_target) as host:
        found = figures(run_spans(host), log)

    assert [s["counts"]["ok"] for s in summaries] == [RECORDS] * 3, summaries
    assert found["overlapped"], found  # all three were on the wire together
    assert found["most_in_flight"] <= CONCURRENCY, found
    assert found["peak_in_one_second"] <= RPS + CONCURRENCY, found
