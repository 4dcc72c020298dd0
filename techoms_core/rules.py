"""Rules of spec §5 that the core applies around every plugin's hooks.

* SKU mappings: records going out carry channel SKUs, records coming in carry
  techOMS SKUs again; results keyed by SKU are keyed back.
* Required export fields: a product missing one fails before the plugin is
  called, naming every missing field.
* SKU identity: a repeated SKU in a batch is skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from techoms_core.mappings import SkuMap
from techoms_core.models import (
    InventoryLevel,
    Page,
    Product,
    Receipt,
    ReceiptUpdate,
    RecordResult,
    Shipment,
    ShipmentUpdate,
)
from techoms_core.models.sku import first_of_each_sku
from techoms_core.options import SyncOption

T = TypeVar("T")


def missing_export_fields(product: Product, required: Iterable[str]) -> list[str]:
    """The required fields ``product`` lacks (``None``, or blank text)."""
    missing = []
    for name in required:
        value = getattr(product, name, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(name)
    return missing


def screen_products(
    products: Sequence[Product], required: Iterable[str]
) -> tuple[list[Product], list[RecordResult]]:
    """Split a product batch into what may reach the plugin and early results."""
    required = tuple(required)
    early: list[RecordResult] = []
    complete: list[Product] = []
    for product in products:
        missing = missing_export_fields(product, required)
        if missing:
            early.append(
                RecordResult.failed(
                    product.sku,
                    f"missing required field(s) for this channel: {', '.join(missing)}",
                    field=",".join(missing),
                )
            )
        else:
            complete.append(product)
    firsts, repeats = first_of_each_sku(complete, lambda p: p.sku)
    early.extend(
        RecordResult.skipped(p.sku, f"duplicate SKU {p.sku!r} in this batch; sent once")
        for p in repeats
    )
    return firsts, early


def screen_batch(
    option: SyncOption, records: Sequence[T], required: Iterable[str]
) -> tuple[list[T], list[RecordResult]]:
    """Split a send batch into what may reach the plugin and the core's own results.

    Products (the SKU-keyed records a send takes) missing a ``required`` field
    fail; a repeated key (a SKU, compared as SKUs are) is skipped. The facade
    applies this before calling the plugin, and a dry run reports exactly it.
    """
    if option.keyed_by_sku:
        return screen_products(records, required)  # type: ignore[arg-type,return-value]
    return distinct_keys(records)


def distinct_keys(records: Sequence[T]) -> tuple[list[T], list[RecordResult]]:
    """Keep the first record of each key; later repeats are skipped."""
    seen: set[str] = set()
    firsts: list[T] = []
    early: list[RecordResult] = []
    for record in records:
        key = record.key  # type: ignore[attr-defined]
        if key in seen:
            early.append(RecordResult.skipped(key, f"duplicate {key!r} in this batch; sent once"))
        else:
            seen.add(key)
            firsts.append(record)
    return firsts, early


def _with_line_skus(record: Any, translate: Callable[[str], str]) -> Any:
    lines = tuple(attrs.evolve(line, sku=translate(line.sku)) for line in record.lines)
    return attrs.evolve(record, lines=lines)


def to_channel(record: T, skus: SkuMap) -> T:
    """An outbound record with its SKUs translated to channel SKUs."""
    if not len(skus):
        return record
    if isinstance(record, Product):
        return attrs.evolve(record, sku=skus.to_channel(record.sku))
    if isinstance(record, Shipment | Receipt):
        return _with_line_skus(record, skus.to_channel)
    return record


def to_system(record: T, skus: SkuMap) -> T:
    """An inbound record with its SKUs translated back to techOMS SKUs."""
    if not len(skus):
        return record
    if isinstance(record, Product | InventoryLevel):
        return attrs.evolve(record, sku=skus.to_system(record.sku))
    if isinstance(record, ShipmentUpdate | ReceiptUpdate):
        return _with_line_skus(record, skus.to_system)
    return record


def page_to_system(page: Page, skus: SkuMap, keyed_by_sku: bool) -> Page:
    """A received page in techOMS SKUs; problems keyed by SKU are re-keyed."""
    if not len(skus):
        return page
    problems = page.problems
    if keyed_by_sku:
        problems = tuple(attrs.evolve(p, key=skus.to_system(p.key)) for p in problems)
    return Page(
        records=tuple(to_system(r, skus) for r in page.records),
        problems=problems,
        cursor=page.cursor,
    )
