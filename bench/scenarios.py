"""The benchmark's scenarios: how each is set up (not measured) and what is measured.

Every scenario but the naive ones measures the path a user takes: records
loaded into the SQLite store, then :func:`techoms_core.runner.run_option`
(the same call as ``techoms sync``), which reads the store, calls the Leanafy
plugin through its hooks and commits the results in groups, or each page. The naive ones
measure :mod:`bench.naive_baseline` on the same records and the same sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from attrs import define, frozen

from bench import naive_baseline, records
from bench.sandbox_process import API_KEY, API_SECRET, SandboxAdmin
from plugins.registry import Registry
from techoms_core.context import ChannelConfig
from techoms_core.host import RunStatus
from techoms_core.models import Product, RecordResult
from techoms_core.runner import run_option
from techoms_core.store import SqliteHost

CHANNEL = "bench"
#: Items already in Leanafy (and exported from techOMS) in "50 into 20,000".
CATALOGUE_OF_EXPORT = 20_000


@define
class Bench:
    """One scenario's world: the store, the sandbox, the profile and the size."""

    host: SqliteHost
    admin: SandboxAdmin
    profile: str
    count: int
    warehouse_id: str = ""

    def add_channel(self) -> None:
        """The Leanafy channel ``bench`` on the sandbox, with the profile under test."""
        self.warehouse_id = self.admin.me()["warehouses"][0]["_id"]
        settings = {
            "api_url": self.admin.url,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "warehouse_id": self.warehouse_id,
            "throughput": self.profile,
        }
        config = ChannelConfig(
            name=CHANNEL, plugin="leanafy", settings=settings, warehouse=records.WAREHOUSE
        )
        self.host.add_channel(config)
        self.host.add_carrier_mappings(CHANNEL, [records.CARRIER])

    def bind(self, option: str, results: list[RecordResult]) -> None:
        """Record ``results`` as a completed send run (setup of records already sent)."""
        run_id = self.host.start_run(CHANNEL, option)
        self.host.record_send_results(run_id, CHANNEL, option, results)
        self.host.finish_run(run_id, RunStatus.COMPLETED, {"ok": len(results)})


@frozen
class Outcome:
    """What the measured phase did: records with a result, how many failed, the
    run's status, a note (naive: the requests it counted itself), and from the
    run's summary what its HTTP session counted: requests, retries, 429s and the
    HTTP library's CPU seconds (``None`` for the naive loop, which has no session).
    ``read_s``: seconds from the start until the run last reported progress;
    for a snapshot, whose progress is the rows it reads (not the levels it
    stages), when its last page had been read."""

    records: int
    failed: int
    status: str
    note: str = ""
    traffic: dict[str, int] | None = None
    transport_cpu_s: float | None = None
    read_s: float | None = None


class LastProgress:
    """A run's progress callback that notes when the run last advanced."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: float | None = None

    def start(self, total: int | None, description: str) -> None:
        """The run begins, or learns its total (nothing to note)."""

    def advance(self, count: int = 1) -> None:
        self.seconds = time.perf_counter() - self.started


@frozen
class Scenario:
    """A named benchmark scenario: its record count at scale 1, setup and run."""

    key: str
    label: str
    base_count: int
    setup: Callable[[Bench], None]
    measure: Callable[[Bench], Outcome]
    #: The option it exercises (for its targets), and whether it is the naive baseline.
    option: str
    naive: bool = False


# -- setups (not measured) ---------------------------------------------------------


def _catalogue(bench: Bench) -> None:
    bench.admin.generate_items(records.CATALOGUE_SIZE)


def setup_export_new(bench: Bench) -> None:
    bench.host.load_products([records.product(n) for n in range(1, bench.count + 1)])


def setup_export_into_catalogue(bench: Bench) -> None:
    bench.admin.generate_items(CATALOGUE_OF_EXPORT)
    existing = [_catalogue_product(n) for n in range(1, CATALOGUE_OF_EXPORT + 1)]
    bench.host.load_products(existing)
    bench.bind("export-products", [RecordResult.ok(p.sku) for p in existing])
    bench.host.load_products([records.product(n) for n in range(1, bench.count + 1)])


def _catalogue_product(n: int) -> Product:
    sku = f"SKU-{n:06d}"
    return Product(sku=sku, name=f"Generated item {n}", description=f"Item {n}", uom="EA")


def setup_shipments(bench: Bench) -> None:
    _catalogue(bench)
    bench.host.load_shipments([records.shipment(n) for n in range(1, bench.count + 1)])


def setup_receipts(bench: Bench) -> None:
    _catalogue(bench)
    bench.host.load_receipts([records.receipt(n) for n in range(1, bench.count + 1)])


def setup_shipped_orders(bench: Bench) -> None:
    """``count`` shipments sent (orders created directly, then bound) and shipped."""
    setup_shipments(bench)
    shipments = [records.shipment(n) for n in range(1, bench.count + 1)]
    bodies = [naive_baseline.order_body(s, bench.warehouse_id) for s in shipments]
    orders = bench.admin.create_orders(bodies)
    bench.bind(
        "send-shipments",
        [RecordResult.ok(o["primary_reference_number"], remote_id=o["_id"]) for o in orders],
    )
    bench.admin.ship(order["_id"] for order in orders)


def setup_inventory(bench: Bench) -> None:
    """``count`` items in Leanafy with stock (one row each), all known to techOMS."""
    bench.admin.generate_items(bench.count, "INV-")
    skus = [f"INV-{n:06d}" for n in range(1, bench.count + 1)]
    bench.admin.set_inventory([{"sku": s, "on_hand": 1 + n % 97} for n, s in enumerate(skus)])
    bench.host.load_products(
        [Product(sku=s, name=f"Stocked {s}", description="in stock", uom="EA") for s in skus]
    )


# -- measured phases -----------------------------------------------------------------


def through_runner(option: str) -> Callable[[Bench], Outcome]:
    """Measure ``run_option`` for the benchmark channel, as ``techoms sync`` runs it."""

    def measure(bench: Bench) -> Outcome:
        registry = plugin_registry()
        progress = LastProgress()
        summary = run_option(bench.host, registry, CHANNEL, option, progress=progress)
        counts = summary.counts
        return Outcome(
            records=sum(counts.values()),
            failed=counts.get("failed", 0),
            status=str(summary.status),
            note=summary.message or "",
            traffic=attrs.asdict(summary.traffic) if summary.traffic else None,
            transport_cpu_s=summary.transport_cpu_seconds,
            read_s=progress.seconds,
        )

    return measure


def naively(kind: str) -> Callable[[Bench], Outcome]:
    """Measure the naive loop on the records the real send would read."""

    def measure(bench: Bench) -> Outcome:
        option = f"send-{kind}"
        due = list(bench.host.records_to_send(CHANNEL, option, limit=bench.count))
        headers = {"X-API-Key": API_KEY, "X-API-Secret": API_SECRET}
        send: Any = getattr(naive_baseline, f"send_{kind}")
        outcome = send(bench.admin.url, headers, bench.warehouse_id, due)
        return Outcome(
            records=outcome.created + outcome.failed,
            failed=outcome.failed,
            status="completed",
            note=f"{outcome.posts} POSTs, {outcome.rate_limited} answered 429",
        )

    return measure


_REGISTRY: list[Registry] = []


def plugin_registry() -> Registry:
    """The installed plugins, discovered once per process (before measuring)."""
    if not _REGISTRY:
        _REGISTRY.append(Registry.discover(strict=True))
    return _REGISTRY[0]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "export-new",
        "export {n:,} new products, empty catalogue",
        2_000,
        setup_export_new,
        through_runner("export-products"),
        "export-products",
    ),
    Scenario(
        "export-into-catalogue",
        "export {n:,} new products, catalogue of 20,000",
        50,
        setup_export_into_catalogue,
        through_runner("export-products"),
        "export-products",
    ),
    Scenario(
        "send-shipments",
        "send {n:,} shipments",
        2_000,
        setup_shipments,
        through_runner("send-shipments"),
        "send-shipments",
    ),
    Scenario(
        "send-receipts",
        "send {n:,} receipts",
        1_000,
        setup_receipts,
        through_runner("send-receipts"),
        "send-receipts",
    ),
    Scenario(
        "receive-shipments",
        "receive {n:,} shipment updates",
        10_000,
        setup_shipped_orders,
        through_runner("receive-shipments"),
        "receive-shipments",
    ),
    Scenario(
        "receive-inventory",
        "receive {n:,} inventory rows",
        100_000,
        setup_inventory,
        through_runner("receive-inventory"),
        "receive-inventory",
    ),
    Scenario(
        "naive-shipments",
        "naive: send {n:,} shipments",
        2_000,
        setup_shipments,
        naively("shipments"),
        "send-shipments",
        naive=True,
    ),
    Scenario(
        "naive-receipts",
        "naive: send {n:,} receipts",
        1_000,
        setup_receipts,
        naively("receipts"),
        "send-receipts",
        naive=True,
    ),
)


def scenario_named(key: str) -> Scenario:
    """The scenario called ``key``; ``KeyError`` naming the choices."""
    for scenario in SCENARIOS:
        if scenario.key == key:
            return scenario
    raise KeyError(f"no scenario {key!r}; one of {', '.join(s.key for s in SCENARIOS)}")


def scaled(scenario: Scenario, scale: float) -> int:
    """The record count at ``scale`` (at least 10)."""
    return max(10, round(scenario.base_count * scale))


def workdir_db(workdir: Path) -> Path:
    return workdir / "techoms.db"
