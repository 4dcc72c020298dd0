"""Receives on the host side: pages applied with their cursor, snapshots swapped in.

A page's records, its cursor and its run-log messages commit in ONE
transaction, so a receive killed at any point resumes from the last committed
page and applies nothing twice. An inventory snapshot is staged page by page
(never all in memory) and replaces the warehouse's levels in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, literal, select, update

from techoms_core.models import InventoryLevel, Page, RecordResult, Status, sku_key
from techoms_core.options import option_named
from techoms_core.store import schema
from techoms_core.store.database import Database
from techoms_core.store.prepared import KeyQuery, Prepared
from techoms_core.store.receipt_pages import apply_receipt_page
from techoms_core.store.runlog import insert_messages
from techoms_core.store.shipment_pages import apply_shipment_page
from techoms_core.store.updates import apply_product

#: Applies a page's records in page order and gives one result per record:
#: ``(connection, channel, records, now, write) -> results``.
PageApplier = Callable[[Connection, str, Sequence[Any], dt.datetime, bool], list[RecordResult]]


def _one_at_a_time(apply: Callable[..., RecordResult]) -> PageApplier:
    def apply_page(
        connection: Connection, channel: str, records: Sequence[Any], now: dt.datetime, write: bool
    ) -> list[RecordResult]:
        return [apply(connection, channel, record, now, write) for record in records]

    return apply_page


_APPLIERS: dict[str, PageApplier] = {
    "import-products": _one_at_a_time(apply_product),
    # Pages of shipment and receipt updates are read and written set-based (a
    # few statements per page instead of several per update).
    "receive-shipments": apply_shipment_page,
    "receive-receipts": apply_receipt_page,
}


def _with_warnings(records: Sequence[Any], results: list[RecordResult]) -> list[RecordResult]:
    """An update applied (``ok``) that carries the plugin's ``warnings`` is
    reported ``warning``, naming them, so the run log keeps them."""
    for index, (record, result) in enumerate(zip(records, results, strict=True)):
        warnings = getattr(record, "warnings", ())
        if warnings and result.status is Status.OK:
            results[index] = RecordResult.warning(
                result.key,
                "; ".join([result.message, *warnings] if result.message else warnings),
                field=result.field,
                remote_id=result.remote_id,
            )
    return results


class ReceiveStore(Database):
    """Cursors, received pages and inventory snapshots."""

    def cursor(self, channel: str, option: str) -> str | None:
        table = schema.cursors
        with self._read() as connection:
            self._require_channel(connection, channel)
            return connection.execute(
                select(table.c.cursor).where(
                    table.c.channel == channel, table.c.option == option_named(option).key
                )
            ).scalar()

    def apply_page(
        self, run_id: int, channel: str, option: str, page: Page[Any]
    ) -> list[RecordResult]:
        key = option_named(option).key
        applier = _applier(key)
        now = self._now()
        with self._write() as connection:
            self._require_channel(connection, channel)
            results = _with_warnings(
                page.records, applier(connection, channel, page.records, now, True)
            )
            results.extend(page.problems)
            if page.cursor is not None:
                _store_cursor(connection, channel, key, page.cursor, now)
            insert_messages(connection, run_id, results, now)
        return results

    def preview_page(self, channel: str, option: str, page: Page[Any]) -> list[RecordResult]:
        applier = _applier(option_named(option).key)
        now = self._now()
        with self._read() as connection:
            self._require_channel(connection, channel)
            results = applier(connection, channel, page.records, now, False)
        return [*_with_warnings(page.records, results), *page.problems]

    # -- snapshots ---------------------------------------------------------------

    def begin_snapshot(self, run_id: int, channel: str, option: str) -> None:
        with self._write() as connection:
            self._require_channel(connection, channel)
            staging = schema.inventory_staging
            connection.execute(delete(staging).where(staging.c.channel == channel))

    def stage_snapshot_page(
        self, run_id: int, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        with self._write() as connection:
            self._require_channel(connection, channel)
            fresh, results = _screen_levels(connection, channel, page.records, staged=True)
            unlisted_ok = len(page.records) - len(results)
            _STAGE.run(
                connection,
                [
                    (key, level.sku, level.on_hand, level.allocated, level.available)
                    for key, level in fresh
                ],
                b_channel=channel,
                b_run=run_id,
            )
            _keep_levels(connection, channel, run_id, page.problems)
            results.extend(page.problems)
            insert_messages(connection, run_id, results, self._now(), unlisted_ok=unlisted_ok)
        return results

    def preview_snapshot_page(
        self, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        with self._read() as connection:
            self._require_channel(connection, channel)
            _, results = _screen_levels(connection, channel, page.records, staged=False)
        return [*results, *page.problems]

    def commit_snapshot(self, run_id: int, channel: str, option: str) -> int:
        staging, levels = schema.inventory_staging, schema.inventory
        now = self._now()
        with self._write() as connection:
            self._require_channel(connection, channel)
            warehouse = _snapshot_warehouse(connection, channel)
            connection.execute(delete(levels).where(levels.c.warehouse == warehouse))
            staged = select(
                literal(warehouse),
                staging.c.sku_key,
                staging.c.sku,
                staging.c.on_hand,
                staging.c.allocated,
                staging.c.available,
                literal(now, type_=schema.UTCDateTime()),
            ).where(staging.c.channel == channel)
            connection.execute(
                insert(levels).from_select(
                    [
                        "warehouse",
                        "sku_key",
                        "sku",
                        "on_hand",
                        "allocated",
                        "available",
                        "updated_at",
                    ],
                    staged,
                )
            )
            connection.execute(delete(staging).where(staging.c.channel == channel))
            return _level_count(connection, warehouse)

    def held_levels(self, channel: str) -> int:
        with self._read() as connection:
            self._require_channel(connection, channel)
            return _level_count(connection, _snapshot_warehouse(connection, channel))


def _applier(key: str) -> PageApplier:
    try:
        return _APPLIERS[key]
    except KeyError:
        raise ValueError(f"option: {key!r} is not a receive option") from None


def _store_cursor(connection: Connection, channel: str, option: str, cursor: str, now) -> None:
    table = schema.cursors
    changed = connection.execute(
        update(table)
        .where(table.c.channel == channel, table.c.option == option)
        .values(cursor=cursor, updated_at=now)
    ).rowcount
    if not changed:
        connection.execute(
            insert(table).values(channel=channel, option=option, cursor=cursor, updated_at=now)
        )


def _keep_levels(
    connection: Connection, channel: str, run_id: int, problems: Sequence[RecordResult]
) -> None:
    """Stage the level the warehouse holds now for each SKU the snapshot could
    not read (a ``failed`` problem keyed by SKU), so the swap keeps it."""
    keys = list(dict.fromkeys(sku_key(p.key) for p in problems if p.status == "failed"))
    if not keys:
        return
    staging, levels = schema.inventory_staging, schema.inventory
    connection.execute(
        delete(staging).where(staging.c.channel == channel, staging.c.sku_key.in_(keys))
    )
    held = select(
        literal(channel),
        levels.c.sku_key,
        literal(run_id),
        levels.c.sku,
        levels.c.on_hand,
        levels.c.allocated,
        levels.c.available,
    ).where(
        levels.c.warehouse == _snapshot_warehouse(connection, channel),
        levels.c.sku_key.in_(keys),
    )
    columns = ["channel", "sku_key", "run_id", "sku", "on_hand", "allocated", "available"]
    connection.execute(insert(staging).from_select(columns, held))


def _snapshot_warehouse(connection: Connection, channel: str) -> str:
    """The techOMS warehouse a channel's inventory belongs to: its warehouse,
    else the channel's own name."""
    warehouse = connection.execute(
        select(schema.channels.c.warehouse).where(schema.channels.c.name == channel)
    ).scalar()
    return warehouse or channel


def _level_count(connection: Connection, warehouse: str) -> int:
    """How many inventory levels the host holds for ``warehouse``."""
    levels = schema.inventory
    return connection.execute(
        select(func.count()).where(levels.c.warehouse == warehouse)
    ).scalar_one()


def _screen_levels(
    connection: Connection, channel: str, levels: tuple[InventoryLevel, ...], *, staged: bool
) -> tuple[list[tuple[str, InventoryLevel]], list[RecordResult]]:
    """Split a page into (SKU key, level) pairs to stage and the results that
    are not ``ok``: a SKU repeated in the snapshot is skipped, an unknown SKU
    is a warning."""
    keys = [sku_key(level.sku) for level in levels]
    seen = _staged_keys(connection, channel, keys) if staged else set()
    known = _product_keys(connection, keys)
    fresh: list[tuple[str, InventoryLevel]] = []
    results: list[RecordResult] = []
    for key, level in zip(keys, levels, strict=True):
        if key in seen:
            results.append(
                RecordResult.skipped(level.sku, "SKU repeated in the snapshot; the first kept")
            )
            continue
        seen.add(key)
        fresh.append((key, level))
        if key not in known:
            results.append(
                RecordResult.warning(
                    level.sku, "SKU is not a techOMS product; its level is kept", field="sku"
                )
            )
    return fresh, results


_PRODUCT_KEYS = KeyQuery(
    lambda keys: select(schema.products.c.sku_key).where(schema.products.c.sku_key.in_(keys))
)
_STAGED_KEYS = KeyQuery(
    lambda keys: select(schema.inventory_staging.c.sku_key).where(
        schema.inventory_staging.c.channel == bindparam("b_channel"),
        schema.inventory_staging.c.sku_key.in_(keys),
    ),
    shared=("b_channel",),
)
_STAGE = Prepared(
    insert(schema.inventory_staging).values(
        channel=bindparam("b_channel"),
        run_id=bindparam("b_run"),
        sku_key=bindparam("b_key"),
        sku=bindparam("b_sku"),
        on_hand=bindparam("b_on_hand"),
        allocated=bindparam("b_allocated"),
        available=bindparam("b_available"),
    ),
    each=("b_key", "b_sku", "b_on_hand", "b_allocated", "b_available"),
    shared=("b_channel", "b_run"),
)


def _product_keys(connection: Connection, keys: list[str]) -> set[str]:
    """The ``keys`` that are techOMS products."""
    return {row[0] for row in _PRODUCT_KEYS.rows(connection, keys)}


def _staged_keys(connection: Connection, channel: str, keys: list[str]) -> set[str]:
    """The ``keys`` already staged by this snapshot of ``channel``."""
    return {row[0] for row in _STAGED_KEYS.rows(connection, keys, b_channel=channel)}
