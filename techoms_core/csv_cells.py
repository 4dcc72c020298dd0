"""CSV cells safe to open in a spreadsheet, and read back as they were.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula: a mapping row holding
``=HYPERLINK(...)`` would run when the exported file is opened. Such a cell is
written with a leading ``'`` (which spreadsheets show as text), and so is a cell
that already starts with ``'``, so that reading strips exactly one and every
value comes back unchanged.
"""

from __future__ import annotations

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralised(value: str) -> str:
    """The cell to write for ``value``."""
    return QUOTE + value if value.startswith((*FORMULA_STARTS, QUOTE)) else value


def restored(cell: str) -> str:
    """The value a cell written by :func:`neutralised` holds."""
    if cell.startswith(QUOTE) and cell[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return cell[1:]
    return cell
