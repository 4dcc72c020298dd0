"""A plugin for the reference WMS that implements every hook it can, with
defects that can be switched on one at a time, to prove that the conformance
suite catches each of them.

``make_reference_plugin()`` is a correct plugin; ``make_reference_plugin("no_lookup")``
creates without looking first, and so on (see :data:`DEFECTS`).
"""

from __future__ import annotations

import logging
import time
import types
from collections.abc import Iterator, Sequence
from typing import Any

from techoms_core import hookimpl
from techoms_core.http import (
    ChannelHTTPError,
    Conflict,
    InvalidCredentials,
    OutcomeUnknown,
    Unreachable,
)
from techoms_core.models import (
    Feature,
    HealthCheck,
    HealthReport,
    InventoryLevel,
    Page,
    PluginDeclaration,
    Product,
    ReceiptUpdate,
    ReceivedLine,
    RecordResult,
    ShipmentUpdate,
    ShippedLine,
)
from techoms_core.settings import Choice, FieldType, SettingsField, SettingsSchema

DEFECTS = {
    "no_lookup": "creates without looking for the record first",
    "blind_retry": "creates again after a create whose outcome is unknown",
    "drops_result": "returns no result for the last record of a batch",
    "stops_on_refusal": "raises when the WMS refuses one record",
    "fails_records_when_unreachable": "fails each record when the WMS cannot be reached",
    "cursor_skips": "returns a cursor one record past the page",
    "cursor_repeats": "returns a cursor at the start of the page",
    "health_raises": "lets a failed request escape the health check",
    "logs_secret": "logs the API key through its own logger",
    "inventory_feature_without_hook": "declares inventory sync without receive_inventory",
    "snapshot_repeats": "lists a SKU twice in one inventory snapshot",
    "choices_as_dicts": "lists a field's choices as dicts instead of Choice objects",
    "choices_hide_refusal": "turns the WMS's refusal of a choices request into another error",
}

SETTINGS = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(
            key="throughput",
            label="Throughput",
            type=FieldType.CHOICE,
            choices=(Choice("low", "Low"), Choice("default", "Default"), Choice("high", "High")),
            default="default",
        ),
        SettingsField(
            key="depot",
            label="Depot",
            type=FieldType.TEXT,
            choices_from=("api_url", "api_key"),
        ),
    )
)


def make_reference_plugin(*defects: str) -> types.ModuleType:
    """A plugin module for :class:`~tests.kit.reference_wms.ReferenceWms`."""
    unknown = set(defects) - set(DEFECTS)
    assert not unknown, f"unknown defects {unknown}"
    plugin = types.ModuleType("reference_plugin_" + "_".join(defects or ("correct",)))
    has = set(defects).__contains__
    features = {Feature.SKU_MAPPING, Feature.MANUAL_INVENTORY_SYNC}
    declaration = PluginDeclaration(
        key="reference",
        display_name="Reference WMS",
        version="1.0",
        description="The conformance suite's reference plugin.",
        settings=SETTINGS,
        features=features,
    )
    plugin.channel_declaration = hookimpl(lambda: declaration)
    plugin.health_check = hookimpl(lambda context: health(context, has))
    plugin.export_products = hookimpl(
        lambda context, products: send_all(context, "items", products, has)
    )
    plugin.send_shipments = hookimpl(
        lambda context, shipments: send_all(context, "orders", shipments, has)
    )
    plugin.send_receipts = hookimpl(
        lambda context, receipts: send_all(context, "receipts", receipts, has)
    )
    plugin.import_products = hookimpl(
        lambda context, cursor: receive(context, "catalog", cursor, has, _product)
    )
    plugin.receive_shipments = hookimpl(
        lambda context, cursor: receive(context, "shipped", cursor, has, _shipment_update)
    )
    plugin.receive_receipts = hookimpl(
        lambda context, cursor: receive(context, "closed", cursor, has, _receipt_update)
    )
    plugin.settings_field_choices = hookimpl(
        lambda context, field: depot_choices(context, field, has)
    )
    if not has("inventory_feature_without_hook"):
        plugin.receive_inventory = hookimpl(lambda context: inventory(context, has))
    return plugin


class Client:
    def __init__(self, context: Any) -> None:
        self.http = context.http
        self.url = str(context.settings["api_url"])
        self.headers = {"X-Key": context.settings["api_key"].reveal()}

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.http.get(f"{self.url}/{path}", params=params, headers=self.headers).json()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.http.post(f"{self.url}/{path}", json=body, headers=self.headers).json()


def health(context: Any, has) -> HealthReport:
    started = time.monotonic()
    if has("logs_secret"):
        logging.getLogger("reference.plugin").info("key %s", context.settings["api_key"].reveal())
    try:
        Client(context).get("ping")
        check = HealthCheck(name="credentials", ok=True)
    except ChannelHTTPError as error:
        if has("health_raises"):
            raise
        check = HealthCheck(name="reachable", ok=False, message=str(error))
    return HealthReport(checks=(check,), latency_ms=(time.monotonic() - started) * 1000)


def depot_choices(context: Any, field: SettingsField, has) -> list[Any] | None:
    if field.key != "depot":
        return None
    try:
        depots = Client(context).get("depots")["depots"]
    except ChannelHTTPError as error:
        if has("choices_hide_refusal"):
            raise RuntimeError("no depots") from error
        raise
    if has("choices_as_dicts"):
        return [{"value": depot["id"], "label": depot["name"]} for depot in depots]
    return [Choice(depot["id"], depot["name"]) for depot in depots]


def send_all(context: Any, kind: str, records: Sequence[Any], has) -> Iterator[RecordResult]:
    client = Client(context)
    for number, record in enumerate(records):
        if has("drops_result") and number == len(records) - 1:
            return
        yield send_one(client, kind, record, has)


def send_one(client: Client, kind: str, record: Any, has) -> RecordResult:
    key = record.key
    body = _body(kind, record)
    try:
        if not has("no_lookup"):
            found = client.get(kind, reference=key)["records"]
            if found:
                return RecordResult.skipped(key, "already there", remote_id=found[0]["id"])
        try:
            created = client.post(kind, body)
        except OutcomeUnknown:
            if has("blind_retry"):
                created = client.post(kind, body)
            else:
                found = client.get(kind, reference=key)["records"]
                if not found:
                    raise
                created = found[0]
        except Conflict:
            created = client.get(kind, reference=key)["records"][0]
        return RecordResult.ok(key, remote_id=created["id"])
    except InvalidCredentials:
        raise
    except Unreachable:
        if not has("fails_records_when_unreachable"):
            raise
        return RecordResult.failed(key, "the WMS cannot be reached", fatal=True)
    except ChannelHTTPError as error:
        if has("stops_on_refusal"):
            raise
        return RecordResult.failed(key, str(error), fatal=error.retriable)


def _body(kind: str, record: Any) -> dict[str, Any]:
    if kind == "items":
        return {"sku": record.sku, "name": record.name, "reference": record.sku}
    return {"reference": record.key, "lines": [line.sku for line in record.lines]}


def receive(context: Any, feed: str, cursor: str | None, has, build) -> Iterator[Page]:
    client = Client(context)
    after = int(cursor or 0)
    while True:
        answer = client.get(feed, after=after)
        events = answer["records"]
        if not events:
            return
        last = events[-1]["seq"]
        if has("cursor_skips"):
            last += 1
        if has("cursor_repeats"):
            last = events[0]["seq"] - 1
        yield Page(records=[build(e) for e in events], cursor=str(last))
        after = events[-1]["seq"]
        if not answer["more"]:
            return


def inventory(context: Any, has) -> Iterator[Page]:
    client = Client(context)
    page = 1
    while True:
        answer = client.get("inventory", page=page)
        levels = [
            InventoryLevel(sku=r["sku"], on_hand=r["on_hand"], allocated=0, available=r["on_hand"])
            for r in answer["records"]
        ]
        if has("snapshot_repeats") and page == 1:
            levels.append(levels[0])
        yield Page(records=levels)
        if not answer["more"]:
            return
        page += 1


def _product(event: dict[str, Any]) -> Product:
    return Product(sku=event["sku"], name=event["sku"], uom="EA")


def _shipment_update(event: dict[str, Any]) -> ShipmentUpdate:
    line = ShippedLine(sku=event["sku"], ordered_quantity=1, shipped_quantity=1)
    return ShipmentUpdate(shipment_number=event["reference"], outcome="shipped", lines=[line])


def _receipt_update(event: dict[str, Any]) -> ReceiptUpdate:
    line = ReceivedLine(sku=event["sku"], received_quantity=1)
    return ReceiptUpdate(receipt_number=event["reference"], lines=[line])
