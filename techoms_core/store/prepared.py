"""Statements that write many rows at once, or read the rows of many keys,
handed to the driver as plain tuples.

SQLAlchemy prepares every row of an ``executemany`` in Python: it builds the
row's parameters from the compiled statement and runs each value through its
type's processor. For the many small rows of a send's results that costs more
than SQLite's own work (docs/benchmarks.md). A :class:`Prepared`
statement is compiled once per dialect; the values a call shares (the channel,
the time) are processed once per call, and each row's own values go to the
driver as they are. A :class:`KeyQuery` does the same for a ``SELECT`` over a
list of keys.

This is the one module that reads SQLAlchemy's compiler internals (which
parameters a compiled statement binds, in which order, under which escaped
names, and which it prefetches). They are read in :func:`_bind_layout` alone,
and only for the range setup.cfg allows (``sqlalchemy>=2.0.30,<2.2``), which
``tests/host/test_store_prepared.py`` runs at both ends (``make test`` and
``make test-lowest``). Widening the range means running those tests on the
new version first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

import sqlalchemy
from sqlalchemy import BindParameter, Connection
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.sql.dml import UpdateBase


class Prepared:
    """A Core ``INSERT``/``UPDATE``/``DELETE`` run once per row of a call, in the
    caller's transaction.

    ``each`` names the bound parameters every row gives, in the row's order.
    They reach the driver unprocessed, so each must be of a type without a bind
    processor (text, integers, untyped): one that has one (a timestamp) is
    refused when the statement is first compiled for a dialect; give it in
    ``shared``, the parameters a call gives once for all its rows. Constants in
    the statement (``status='sent'``) keep their compiled values. A statement
    that needs values computed at execution (Python-side column defaults) is
    refused: list the column in its ``values()``.
    """

    def __init__(
        self, statement: UpdateBase, *, each: Sequence[str], shared: Sequence[str] = ()
    ) -> None:
        self._statement = statement
        self._each = tuple(each)
        self._shared = tuple(shared)
        self._compiled: dict[tuple[type, str], _Compiled] = {}

    def run(self, connection: Connection, rows: Sequence[tuple], **shared: Any) -> None:
        """Run the statement for each of ``rows`` (nothing for none)."""
        if not rows:
            return
        dialect = connection.dialect
        key = (type(dialect), dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = _Compiled(self._statement, dialect, self._each, self._shared)
            self._compiled[key] = compiled
        connection.exec_driver_sql(compiled.sql, compiled.parameters(rows, shared))


#: The numbers of keys a :class:`KeyQuery` is compiled for; a shorter list is
#: padded to the next (its last key repeated), so few statements are compiled.
KEY_COUNTS = (1, 4, 16, 64, 256, 500)


class KeyQuery:
    """A ``SELECT`` of the rows whose key is one of a list (``column IN (...)``),
    compiled once per dialect and number of keys, the keys handed to the
    driver as they are, at most the last of :data:`KEY_COUNTS` at a time.

    An expanding bound parameter (``in_(bindparam(..., expanding=True))``)
    renders and processes the list again on every execution, which for a
    page of keys cost three times what running the query did.
    ``build(keys)`` makes the statement from a list of bound parameters, one
    per key; ``shared`` names its other bound parameters, given to
    :meth:`rows` once per call (of types without processing, as in
    :class:`Prepared`).
    """

    def __init__(
        self, build: Callable[[list[BindParameter]], Any], *, shared: Sequence[str] = ()
    ) -> None:
        self._build = build
        self._shared = tuple(shared)
        self._compiled: dict[tuple[type, str, int], _Compiled] = {}

    def rows(self, connection: Connection, keys: Sequence[Any], **shared: Any) -> list[Any]:
        """The rows for every key of ``keys`` (none for none)."""
        found: list[Any] = []
        most = KEY_COUNTS[-1]
        for start in range(0, len(keys), most):
            chunk = tuple(keys[start : start + most])
            count = next(count for count in KEY_COUNTS if count >= len(chunk))
            chunk += (chunk[-1],) * (count - len(chunk))
            compiled = self._for(connection.dialect, count)
            (parameters,) = compiled.parameters([chunk], shared)
            found.extend(connection.exec_driver_sql(compiled.sql, parameters).fetchall())
        return found

    def _for(self, dialect: Dialect, count: int) -> _Compiled:
        key = (type(dialect), dialect.paramstyle, count)
        compiled = self._compiled.get(key)
        if compiled is None:
            names = tuple(f"k_{n}" for n in range(count))
            statement = self._build([sqlalchemy.bindparam(name) for name in names])
            compiled = _Compiled(statement, dialect, names, self._shared)
            self._compiled[key] = compiled
        return compiled


class _Compiled:
    """A statement compiled for one dialect, and how a row becomes its parameters:
    picked from the row followed by the call's shared values and the constants."""

    def __init__(
        self, statement: Any, dialect: Dialect, each: tuple[str, ...], shared: tuple
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        layout = _bind_layout(compiled)
        if layout.prefetched:
            raise ValueError(f"{statement}: give {', '.join(layout.prefetched)} in values()")
        binds = layout.binds
        unknown = sorted(set(each + shared) - set(binds))
        if unknown:
            raise ValueError(f"{statement}: no bound parameter {', '.join(unknown)}")
        processors = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in binds.items()
        }
        for name in each:
            if processors[name] is not None:
                raise ValueError(f"{statement}: {name} needs its type's processing; share it")
        constants = [name for name in binds if name not in each and name not in shared]
        missing = [name for name in constants if binds[name].required]
        if missing:
            raise ValueError(f"{statement}: {', '.join(missing)} not in each nor shared")
        self.sql = compiled.string
        self._shared = [(name, processors[name]) for name in shared]
        self._constants = tuple(
            _processed(processors[name], binds[name].effective_value) for name in constants
        )
        index = {name: i for i, name in enumerate((*each, *shared, *constants))}
        if layout.positions is not None:
            self._names = None
            order = layout.positions
        else:
            order = list(binds)
            self._names = [layout.escaped.get(name, name) for name in order]
        self._pick = _picker([index[name] for name in order])

    def parameters(self, rows: Sequence[tuple], shared: dict[str, Any]) -> list:
        tail = (
            *(_processed(processor, shared[name]) for name, processor in self._shared),
            *self._constants,
        )
        pick = self._pick
        picked = [pick(row + tail) for row in rows]
        if self._names is None:
            return picked
        return [dict(zip(self._names, one, strict=True)) for one in picked]


class _BindLayout(NamedTuple):
    """What a compiled statement binds, as the compiler laid it out."""

    binds: dict[str, BindParameter]  # by name
    prefetched: list[str]  # columns whose Python-side defaults run at execution
    positions: list[str] | None  # the names in order, for a positional paramstyle
    escaped: dict[str, str]  # names the dialect escaped, for a named paramstyle


def _bind_layout(compiled: Compiled) -> _BindLayout:
    """The compiler internals this module relies on, read in one place."""
    try:
        return _BindLayout(
            binds={name: bind for bind, name in compiled.bind_names.items()},
            prefetched=[c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)],
            positions=list(compiled.positiontup or ()) if compiled.positional else None,
            escaped=dict(compiled.escaped_bind_names),
        )
    except AttributeError as missing:
        raise RuntimeError(
            f"SQLAlchemy {sqlalchemy.__version__} compiles statements differently from the "
            f"versions the store supports (>=2.0.30,<2.2): {missing}"
        ) from None


def _picker(positions: list[int]) -> Callable[[tuple], tuple]:
    if len(positions) == 1:  # itemgetter of one index gives the item, not a tuple
        (position,) = positions
        return lambda row: (row[position],)
    return itemgetter(*positions)


def _processed(processor: Callable[[Any], Any] | None, value: Any) -> Any:
    return value if processor is None else processor(value)
