"""The fields ``techoms show --json`` adds to the load format, which a load ignores.

``show --json`` prints each record in the load format plus its state (status,
channel, WMS id, packages, shipped and received quantities...). So that its
output loads back as it is, a load drops those fields, and says which it
dropped, instead of refusing them as unknown.
"""

from __future__ import annotations

from typing import Any

#: Per kind: the record's shown-only fields, and those of each of its lines.
SHOWN_ONLY: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "products": (frozenset({"status", "source", "channels", "base_unit", "units"}), frozenset()),
    "shipments": (
        frozenset(
            {
                "status",
                "channel",
                "remote_id",
                "error",
                "error_field",
                "cancel_requested",
                "shipped_at",
                "cancelled_reason",
                "packages",
                "review",
            }
        ),
        frozenset({"shipped_quantity"}),
    ),
    "receipts": (
        frozenset(
            {
                "status",
                "channel",
                "remote_id",
                "error",
                "error_field",
                "received_at",
                "received_lines",
            }
        ),
        frozenset({"received_quantity"}),
    ),
}


def drop_shown_fields(kind: str, data: Any) -> list[str]:
    """Remove from ``data`` (decoded load-file JSON, changed in place) the
    shown-only fields of ``kind``; return the names of those it held
    (``lines[].shipped_quantity`` for a line's), sorted. Anything that is not
    an object is left for the load's own checks to name."""
    if kind not in SHOWN_ONLY or not isinstance(data, list):
        return []
    on_record, on_line = SHOWN_ONLY[kind]
    dropped: set[str] = set()
    for record in data:
        if not isinstance(record, dict):
            continue
        _drop(record, on_record, "", dropped)
        lines = record.get("lines")
        if on_line and isinstance(lines, list):
            for line in lines:
                if isinstance(line, dict):
                    _drop(line, on_line, "lines[].", dropped)
    return sorted(dropped)


def _drop(raw: dict, names: frozenset[str], prefix: str, dropped: set[str]) -> None:
    for name in names.intersection(raw):
        del raw[name]
        dropped.add(prefix + name)
