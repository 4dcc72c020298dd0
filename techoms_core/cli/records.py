"""``techoms load`` and ``techoms show``: the techOMS side's records.

``load`` reads a JSON array in the load format of spec §9 (see
:mod:`techoms_core.loading`), checks the whole file and loads all of it or
nothing. ``show`` prints what the host holds, with the states the syncs moved
the records to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.tables import fitted
from techoms_core.host import ReceiptStatus, ShipmentStatus
from techoms_core.loading import FORMATS, LoadError, read_load_file
from techoms_core.reviews import ReviewItem, ReviewStatus
from techoms_core.store import LoadConflict
from techoms_core.store.views import RowFilter

SHOW_KINDS = ("products", "shipments", "receipts", "inventory")
_SINGULAR = {"products": "product", "shipments": "shipment", "receipts": "receipt"}


@click.command("load")
@click.argument("kind", type=click.Choice(list(FORMATS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was loaded as JSON.")
@pass_state
def load(state: CliState, kind: str, file: Path, as_json: bool) -> None:
    """Load products, shipments or receipts from FILE, a JSON array.

    The whole file is checked first; if any record is bad, every problem is
    listed, each naming the record's index (from 0), its key and the field,
    and nothing is loaded. A record equal to the one held is unchanged; one
    that differs is updated while it has not been sent, and refused after.
    What "techoms show KIND --json" prints loads back: the state fields it
    adds are ignored, with a note.

    \b
    Record formats (spec §9):
      product   sku, name, description, uom, [barcode, weight {value, unit},
                dimensions {length, width, height, unit}]
      shipment  number, order_number, warehouse, order_type B2C|B2B, carrier,
                service, ship_to {name, company, address1, address2, city,
                state, state_code, postal_code, country, country_code, phone,
                email, residential}, lines [{line_number, sku, quantity,
                references}], references {code: value}, [due_date, instructions]
      receipt   number, po_number, warehouse, supplier {code, name},
                expected_date, lines [{line_number, sku, quantity, unit_cost,
                lot_number}], references, [instructions]
    """
    ignored: list[str] = []
    try:
        records = read_load_file(kind, file, ignored=ignored)
    except LoadError as error:
        _refuse(state, file, [str(problem) for problem in error.problems])
    host = state.creating_host
    loader = {
        "products": host.load_products,
        "shipments": host.load_shipments,
        "receipts": host.load_receipts,
    }[kind]
    try:
        report = loader(records)
    except LoadConflict as conflict:
        _refuse(state, file, [_conflict_line(kind, problem) for problem in conflict.problems])
    if as_json:
        state.out.json(
            {
                "kind": kind,
                "file": str(file),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "ignored_fields": ignored,
            }
        )
        return
    if ignored:
        state.out.note(
            f"Ignored the fields techoms show adds to the load format: {', '.join(ignored)}."
        )
    noun = kind if len(records) != 1 else _SINGULAR[kind]
    state.out.out.print(
        f"Loaded {len(records)} {noun} from {file}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged."
    )


def _refuse(state: CliState, file: Path, lines: list[str]) -> NoReturn:
    count = len(lines)
    raise CommandFailed(
        f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was loaded.", lines
    )


def _conflict_line(kind: str, problem: Any) -> str:
    where = f"record {problem.index} ({_SINGULAR[kind]} {problem.key})"
    return (
        f"{where}: {problem.field}: {problem.message}"
        if problem.field
        else (f"{where}: {problem.message}")
    )


#: Records ``show`` prints when ``--limit`` is not given (``--json`` prints all).
SHOWN = 50
_STATUSES = {
    "shipments": [status.value for status in ShipmentStatus],
    "receipts": [status.value for status in ReceiptStatus],
}


@click.command("show")
@click.argument("kind", type=click.Choice(SHOW_KINDS))
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON array (the load format + states)."
)
@click.option("--warehouse", help="Inventory: only this warehouse.")
@click.option("--sku", help="Only this SKU, or SKUs like a pattern (* any characters).")
@click.option("--number", help="Shipments, receipts: only this number, or a pattern.")
@click.option("--status", help="Shipments, receipts: only this status.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=f"How many records [default: {SHOWN}; with --json all]; 0 for all.",
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many records.")
@pass_state
def show(
    state: CliState,
    kind: str,
    as_json: bool,
    warehouse: str | None,
    limit: int | None,
    **filters: Any,
) -> None:
    """Show the products, shipments, receipts or inventory techOMS holds.

    Shipments show their status (ready, sent, shipped, cancelled), packages
    and shipped quantities, and the short-shipped updates kept for review;
    receipts show received quantities, lots and unit costs; inventory shows
    on hand, allocated and available per warehouse and SKU. ``--json`` prints
    records in the load format plus these states.

    Records come in key order, ``--limit`` at a time from ``--offset``.
    ``--sku`` and ``--number`` take a value or a pattern (``--sku 'TEE-*'``);
    a shipment or receipt matches ``--sku`` when one of its lines does.
    """
    which = _row_filter(kind, warehouse, limit, as_json, filters)
    host = state.host
    if warehouse is not None and warehouse not in (known := host.warehouses()):
        raise CommandFailed(
            f"no warehouse {warehouse!r} in techOMS (known: {', '.join(known) or 'none'})"
        )
    rows = {
        "products": host.product_rows,
        "shipments": host.shipment_rows,
        "receipts": host.receipt_rows,
        "inventory": host.inventory_rows,
    }[kind](which=which)
    if as_json:
        state.out.json(rows)
        return
    table = {
        "products": _products_table,
        "shipments": _shipments_table,
        "receipts": _receipts_table,
        "inventory": _inventory_table,
    }[kind](rows)
    out = state.out.out
    out.print(fitted(table, out))
    _print_page(state, kind, which, len(rows))
    if kind == "shipments":
        _print_review(state)


def _row_filter(
    kind: str, warehouse: str | None, limit: int | None, as_json: bool, filters: dict[str, Any]
) -> RowFilter:
    """The options as a :class:`RowFilter`; a filter the kind has not is a usage error."""
    if filters["number"] and kind not in ("shipments", "receipts"):
        raise click.UsageError(f"--number applies to shipments and receipts, not {kind}")
    if filters["status"]:
        allowed = _STATUSES.get(kind)
        if allowed is None:
            raise click.UsageError(f"--status applies to shipments and receipts, not {kind}")
        if filters["status"] not in allowed:
            raise click.UsageError(
                f"--status: {kind} are {', '.join(allowed)}, not {filters['status']!r}"
            )
    if warehouse is not None and kind != "inventory":
        raise click.UsageError(f"--warehouse applies to inventory, not {kind}")
    if limit is None:
        limit = 0 if as_json else SHOWN
    return RowFilter(limit=limit or None, warehouse=warehouse, **filters)


def _print_page(state: CliState, kind: str, which: RowFilter, shown: int) -> None:
    """Below a page that is not everything: which rows these are, how to see more."""
    if which.limit is None or (shown < which.limit and not which.offset):
        return
    total = state.host.count_rows(kind, which)
    if shown == total:
        return
    end = which.offset + shown
    start = which.offset + 1 if shown else 0
    more = f"; --offset {end} for the next" if end < total else ""
    state.out.out.print(f"  {kind} {start:,}-{end:,} of {total:,}{more} (--limit 0 for all)")


def _products_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("SKU", "Name", "UOM", "Description", "Barcode", title="Products")
    for row in rows:
        table.add_row(
            *(plain(row.get(k)) for k in ("sku", "name", "uom", "description", "barcode"))
        )
    return table


def _shipments_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("Number", "Order", "Warehouse", "Status", "Lines (shipped/ordered)", "Packages")
    for row in rows:
        lines = ", ".join(
            f"{line.get('sku')} {_shipped(line.get('shipped_quantity'))}/{line.get('quantity')}"
            for line in row.get("lines", [])
        )
        packages = "; ".join(_package(p) for p in row.get("packages") or [])
        table.add_row(
            plain(row.get("number")),
            plain(row.get("order_number")),
            plain(row.get("warehouse")),
            _status(row.get("status")),
            plain(lines),
            plain(packages or "-"),
        )
    return table


def _receipts_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("Number", "PO", "Warehouse", "Status", "Lines (received/expected, lot, cost)")
    for row in rows:
        lines = "; ".join(
            f"{line.get('sku')} {_shipped(line.get('received_quantity'))}/{line.get('quantity')}"
            + (f" lot {line['lot_number']}" if line.get("lot_number") else "")
            + (f" @ {line['unit_cost']}" if line.get("unit_cost") is not None else "")
            for line in row.get("lines", [])
        )
        table.add_row(
            plain(row.get("number")),
            plain(row.get("po_number")),
            plain(row.get("warehouse")),
            _status(row.get("status")),
            plain(lines),
        )
    return table


def _inventory_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("Warehouse", "SKU", "On hand", "Allocated", "Available", title="Inventory")
    for row in rows:
        table.add_row(
            *(plain(row.get(k)) for k in ("warehouse", "sku", "on_hand", "allocated", "available"))
        )
    return table


def _package(package: dict[str, Any]) -> str:
    parts = ("carrier", "service", "tracking_number")
    return " ".join(str(package[k]) for k in parts if package.get(k)) or "?"


def _shipped(quantity: Any) -> str:
    return "-" if quantity is None else str(quantity)


def _status(status: Any) -> Text:
    style = {"shipped": "green", "received": "green", "cancelled": "red", "sent": "cyan"}
    return Text(str(status or "-"), style=style.get(str(status), ""))


def _print_review(state: CliState) -> None:
    """Short-shipped updates are never applied automatically: list the pending ones."""
    items = state.host.review_items(status=ReviewStatus.PENDING)
    if not items:
        return
    state.out.out.print(
        f"\nKept for review ({len(items)}): short-shipped, not applied"
        " (techoms review accept|dismiss ID)"
    )
    for item in items:
        state.out.out.print(plain("  " + review_line(item)))


def review_line(item: ReviewItem) -> str:
    """One review item in a line: id, shipment, channel, and why it waits."""
    return f"#{item.id} {item.shipment_number} ({item.channel}) [{item.status}]: {item.reason}"


def register(group: click.Group) -> None:
    group.add_command(load)
    group.add_command(show)
