"""Tables that stay readable at any width, down to an 80-column terminal.

A rich table squeezed below the width its columns need shrinks some of them to
nothing: a count column vanishes, a failure reason is cut away. :func:`fitted`
prints a table as it is when it fits, and otherwise one block per row, each
cell under its column's name, so every value is still there to read.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text


def fitted(table: Table, console: Console) -> RenderableType:
    """``table`` when every word of every cell fits ``console`` whole, else :func:`vertical`.

    Rich lays a table that is too wide out by cutting words with an ellipsis,
    or by shrinking a column to nothing. Here each column keeps at least its
    longest word, and the room left over goes to the columns that wrap, in
    proportion to how much more they would take.
    """
    ranges = [_width_range(column, console) for column in table.columns]
    room = console.width - _overhead(table)
    if sum(high for _, high in ranges) <= room:
        return table
    spare = room - sum(low for low, _ in ranges)
    if spare < 0:
        return vertical(table)
    wanted = sum(high - low for low, high in ranges)
    for column, (low, high) in zip(table.columns, ranges, strict=True):
        column.width = low + (spare * (high - low)) // wanted
    return table


def _overhead(table: Table) -> int:
    """The width of the table's padding and borders."""
    columns = len(table.columns)
    _, right, _, left = table.padding
    padding = (left + right) * columns - (0 if table.pad_edge else left + right)
    if table.box is None:
        return padding
    return padding + columns - 1 + (2 if table.show_edge else 0)


def _width_range(column: Column, console: Console) -> tuple[int, int]:
    """The column's longest word (its longest cell when it does not wrap), and its longest cell."""
    sizes = [Measurement.get(console, console.options, c) for c in (column.header, *column.cells)]
    widest = max(size.maximum for size in sizes)
    return (widest if column.no_wrap else max(size.minimum for size in sizes)), widest


def vertical(table: Table) -> RenderableType:
    """The table's rows one below the other: ``Column: value`` per line."""
    columns = table.columns
    names = [Text.from_markup(str(column.header)).plain for column in columns]
    cells = [list(column.cells) for column in columns]
    blocks: list[RenderableType] = []
    if table.title:
        blocks.append(Text(str(table.title), style="bold"))
    for row in range(table.row_count):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for name, column in zip(names, cells, strict=True):
            grid.add_row(f"{name}:", column[row])
        blocks.extend([grid, Text("")] if row < table.row_count - 1 else [grid])
    return Group(*blocks)
