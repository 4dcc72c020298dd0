"""Mapping rows as people write them: CSV files and form fields, checked.

One reader and one writer for every way rows come in and go out (``techoms map
import|export``, the console's mapping tabs), so a row means the same thing
wherever it is typed. A bad row is reported with its row number (the header is
row 1) and what is wrong with which column; good rows come back ready for the
store's ``add_*_mappings``. Cells that a spreadsheet would run as a formula are
written neutralised and read back as they were (:mod:`techoms_core.csv_cells`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from techoms_core.channel_changes import PLANNERS
from techoms_core.csv_cells import neutralised, restored
from techoms_core.mappings import CarrierRow, MappingProblem, ReferenceRow
from techoms_core.models import ReferenceLevel
from techoms_core.plugin import ChannelPlugin

#: The columns of each mapping kind's CSV file, in order.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("system_sku", "channel_sku"),
    "carrier": (
        "carrier_channel",
        "service_channel",
        "carrier_system",
        "service_system",
        "primary",
    ),
    "reference": ("level", "code", "property"),
}
#: Columns that may be left empty or out.
OPTIONAL_COLUMNS = frozenset({"primary"})
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "1", "y"), ("false", "no", "0", "n", "")


class MappingInputError(ValueError):
    """A file that cannot be read as mapping rows at all (its header, its
    encoding, broken CSV); the message names what to fix."""


def reference_problem(plugin: ChannelPlugin, row: ReferenceRow) -> str | None:
    """Why ``row`` cannot be a reference mapping of ``plugin``, or ``None``."""
    offered = plugin.declaration.reference_properties.get(row.level, ())
    if not row.code:
        return "code: required"
    if row.property in offered:
        return None
    choices = ", ".join(offered) if offered else "none"
    return (
        f"property: {row.property!r} is not a {plugin.declaration.display_name} property at "
        f"level {row.level.value} (offered: {choices})"
    )


def mapping_row(
    kind: str, values: Mapping[str, str], plugin: ChannelPlugin
) -> tuple[Any, list[str]]:
    """One row of ``kind`` from its column values: the row (a (system, channel)
    SKU pair, a :class:`CarrierRow` or a :class:`ReferenceRow`) and no
    problems, or ``None`` and every problem as ``"column: what is wrong"``."""
    values = {key: (value or "").strip() for key, value in values.items()}
    required = [c for c in CSV_COLUMNS[kind] if c not in OPTIONAL_COLUMNS]
    problems = [f"{column}: required" for column in required if not values.get(column)]
    if problems:
        return None, problems
    if kind == "sku":
        return (values["system_sku"], values["channel_sku"]), []
    if kind == "carrier":
        primary = values.get("primary", "").lower()
        if primary not in TRUE_WORDS + FALSE_WORDS:
            return None, [f"primary: must be true or false, got {values['primary']!r}"]
        return CarrierRow(
            carrier_channel=values["carrier_channel"],
            service_channel=values["service_channel"],
            carrier_system=values["carrier_system"],
            service_system=values["service_system"],
            primary=primary in TRUE_WORDS,
        ), []
    levels = [level.value for level in ReferenceLevel]
    if values["level"] not in levels:
        return None, [f"level: must be one of {', '.join(levels)}, got {values['level']!r}"]
    row = ReferenceRow(level=values["level"], code=values["code"], property=values["property"])
    problem = reference_problem(plugin, row)
    return (None, [problem]) if problem else (row, [])


def read_mapping_csv(
    handle: IO[str], kind: str, plugin: ChannelPlugin
) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    """Read a whole mapping CSV of ``kind``: the good rows with their row
    numbers, and every bad row's problems by row number (the header is row 1).

    :raises MappingInputError: the header does not name the kind's columns,
        or the text is not CSV.
    """
    columns = CSV_COLUMNS[kind]
    rows: list[tuple[int, Any]] = []
    problems: list[tuple[int, str]] = []
    number = 1
    try:
        reader = csv.DictReader(handle)
        _check_header([name.strip() for name in reader.fieldnames or []], columns)
        for number, raw in enumerate(reader, start=2):
            values = {k.strip(): restored((v or "").strip()) for k, v in raw.items() if k}
            row, row_problems = mapping_row(kind, values, plugin)
            problems += [(number, problem) for problem in row_problems]
            if row is not None:
                rows.append((number, row))
    except csv.Error as error:
        raise MappingInputError(f"row {number + 1}: not valid CSV: {error}") from None
    return rows, problems


def _check_header(header: list[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in header and c not in OPTIONAL_COLUMNS]
    unknown = [c for c in header if c not in columns]
    if not header or missing or unknown:
        raise MappingInputError(
            f"the header must name the columns {', '.join(columns)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )


def contradictions(kind: str, existing: Iterable[Any], rows: Iterable[Any]) -> tuple:
    """The :class:`MappingProblem` of each of ``rows`` that contradicts the
    ``existing`` rows of ``kind`` (as the store's ``*_mapping_rows`` give them)
    or another of ``rows``; ``index`` counts from 0 in ``rows``."""
    return PLANNERS[kind](existing, rows).problems


def import_problems(
    problems: Iterable[tuple[int, str]],
    numbered: Sequence[tuple[int, Any]],
    conflicts: Iterable[MappingProblem] = (),
) -> list[str]:
    """Every problem of an import as ``"row N: ..."``, in row order: the bad
    rows' own problems, and the good rows that contradict the mappings already
    there (``conflicts`` index ``numbered``, as a ``MappingConflict`` or a
    mapping plan reports them)."""
    every = [*problems, *((numbered[c.index][0], c.message) for c in conflicts)]
    every.sort(key=lambda problem: problem[0])
    return [f"row {number}: {message}" for number, message in every]


def csv_cell(value: Any) -> str:
    """A value as its CSV cell: booleans as true/false, formulas neutralised."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralised("" if value is None else str(value))


def write_mapping_csv(handle: IO[str], kind: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` (dicts keyed by the kind's columns) as CSV with a header;
    how many rows were written."""
    columns = CSV_COLUMNS[kind]
    writer = csv.DictWriter(handle, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({column: csv_cell(row[column]) for column in columns})
        count += 1
    return count
