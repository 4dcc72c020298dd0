"""A small in-memory WMS channel plugin, written here to test the runner.

It is a real plugin object registered through ``Registry.register(obj,
"fake")``: the runner, the facade and the menu treat it as any installed
plugin. It keeps what it "created" in ``remote`` and counts creates, so tests
can prove that re-runs never create twice; its receive hooks page through
lists of updates with the list index as the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from plugins.registry import Registry
from techoms_core import hookimpl
from techoms_core.models import HealthCheck, HealthReport, Page, PluginDeclaration, RecordResult
from techoms_core.settings import Choice, FieldType, SettingsField, SettingsSchema
from techoms_core.throughput import ThroughputProfile

SETTINGS = SettingsSchema(
    (
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(
            key="throughput",
            label="Throughput",
            type=FieldType.CHOICE,
            choices=(Choice("tiny", "Tiny"), Choice("default", "Default")),
            default="default",
        ),
    )
)
PROFILES = (
    ThroughputProfile("tiny", "Tiny", max_concurrency=1, requests_per_second=100),
    ThroughputProfile("default", "Default", max_concurrency=2, requests_per_second=100),
)


class FakeWms:
    """The plugin object. ``page_size`` records per received page."""

    def __init__(self, page_size: int = 2) -> None:
        self.page_size = page_size
        self.remote: dict[str, str] = {}
        self.creates = 0
        self.batches: list[list[str]] = []
        self.refuse: dict[str, str] = {}  # key -> reason, a data error
        self.on_record: Callable[[str], None] = lambda key: None  # may raise, or set a stop
        self.shipment_updates: list = []
        self.receipt_updates: list = []
        self.products: list = []
        self.levels: list = []
        self.level_problems: list[RecordResult] = []  # SKUs the snapshot could not read
        self.empty_confirmed = False  # the WMS confirms it holds no level
        self.cursors_seen: list[str | None] = []

    @hookimpl
    def channel_declaration(self) -> PluginDeclaration:
        return PluginDeclaration(
            key="fake",
            display_name="Fake WMS",
            version="1.0",
            settings=SETTINGS,
            required_export_fields=("sku", "name", "uom", "description"),
            throughput_profiles=PROFILES,
        )

    @hookimpl
    def health_check(self, context) -> HealthReport:
        return HealthReport(checks=[HealthCheck(name="reachable", ok=True)])

    # -- sends -----------------------------------------------------------------

    def _send(self, records: Sequence) -> Iterator[RecordResult]:
        self.batches.append([record.key for record in records])
        for record in records:
            self.on_record(record.key)
            if record.key in self.refuse:
                yield RecordResult.failed(record.key, self.refuse[record.key], field="sku")
            elif record.key in self.remote:
                yield RecordResult.skipped(
                    record.key, "already in the WMS", remote_id=self.remote[record.key]
                )
            else:
                self.creates += 1
                self.remote[record.key] = f"id-{record.key}"
                yield RecordResult.ok(record.key, remote_id=self.remote[record.key])

    @hookimpl
    def export_products(self, context, products):
        return self._send(products)

    @hookimpl
    def send_shipments(self, context, shipments):
        return self._send(shipments)

    @hookimpl
    def send_receipts(self, context, receipts):
        return self._send(receipts)

    # -- receives ----------------------------------------------------------------

    def _pages(self, records: list, cursor: str | None) -> Iterator[Page]:
        self.cursors_seen.append(cursor)
        start = int(cursor or 0)
        for index in range(start, len(records), self.page_size):
            chunk = records[index : index + self.page_size]
            for record in chunk:
                self.on_record(record.key)
            yield Page(records=chunk, cursor=str(index + len(chunk)))

    @hookimpl
    def import_products(self, context, cursor):
        return self._pages(self.products, cursor)

    @hookimpl
    def receive_shipments(self, context, cursor):
        return self._pages(self.shipment_updates, cursor)

    @hookimpl
    def receive_receipts(self, context, cursor):
        return self._pages(self.receipt_updates, cursor)

    @hookimpl
    def receive_inventory(self, context):
        for index in range(0, len(self.levels), self.page_size):
            chunk = self.levels[index : index + self.page_size]
            for level in chunk:
                self.on_record(level.sku)
            yield Page(records=chunk)
        if self.level_problems or self.empty_confirmed:
            yield Page(problems=self.level_problems, empty_confirmed=self.empty_confirmed)


def registered(fake: FakeWms) -> Registry:
    registry = Registry()
    registry.register(fake, "fake")
    return registry
