"""A small declarative mapper: techOMS records <-> WMS payloads, as tables.

A :class:`Mapper` is a table of rows, each tying an attribute of a techOMS
record to a key of a WMS payload (the OCA connector's mapper is the model):

* :class:`Field`: ``record.attr`` <-> ``payload[key]``, with an optional
  conversion each way, and ``pii=True`` for values Suppress PII withholds.
* :class:`Computed`: a value computed from the whole record (outbound) or the
  whole payload (inbound), for what no single attribute holds.
* :class:`Child`: a nested object or a list of them (lines), mapped by its
  own mapper; ``when`` reads it (inbound) only for the payloads it names.
* :class:`Derived`: inbound, a value worked out from the values read so far
  (rows are read in table order), for what follows from another row's result.

The same table answers the reverse question for error reports:
:meth:`Mapper.record_path` turns the WMS's field path ``items[0].total_qty``
into ours, ``lines[0].quantity``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from techoms_core.mappings import CarrierMap, CarrierTranslation


@frozen(kw_only=True)
class MapOptions:
    """What a mapping needs beyond the record: the channel's settings and mappings.

    :ivar suppress_pii: withhold the rows marked ``pii``.
    :ivar warehouse_id: the WMS warehouse the channel serves, if configured.
    :ivar carrier: the outbound carrier translation of the record being sent.
    :ivar carriers: the channel's carrier mappings, for inbound packages.
    :ivar base_units: base unit per SKU key (trimmed, case-folded), for outbound lines.
    :ivar notes: collects warnings raised while mapping (e.g. an unmapped carrier).
    """

    suppress_pii: bool = False
    warehouse_id: str | None = None
    carrier: CarrierTranslation | None = None
    carriers: CarrierMap | None = None
    base_units: Mapping[str, str] | None = None
    notes: list[str] | None = None

    def note(self, message: str) -> None:
        """Record a warning about the record being mapped."""
        if self.notes is not None:
            self.notes.append(message)


NO_OPTIONS = MapOptions()


def _same(value: Any) -> Any:
    return value


@frozen
class Field:
    """``record.<attr>`` <-> ``payload[<key>]``; ``None`` is left out either way."""

    attr: str
    key: str = field(converter=str)
    out: Callable[[Any], Any] = _same
    into: Callable[[Any], Any] = _same
    pii: bool = False


@frozen
class Computed:
    """A value computed from the whole record or payload.

    ``out(record, options)`` gives ``payload[key]``; ``into(payload, options)``
    gives ``record.<attr>``. Either may be ``None`` for a one-way row. A result
    of ``None`` is left out.
    """

    attr: str
    key: str = field(converter=str)
    out: Callable[[Any, MapOptions], Any] | None = None
    into: Callable[[Mapping[str, Any], MapOptions], Any] | None = None
    pii: bool = False


def _always(payload: Mapping[str, Any]) -> bool:
    return True


@frozen
class Child:
    """A nested object (``many=False``) or a list of them (``many=True``).

    ``when(payload)``, inbound only: read the row only when it is true (a table
    may then hold two rows of one attribute at different places, read in turn).
    """

    attr: str
    key: str = field(converter=str)
    mapper: Mapper
    many: bool = True
    when: Callable[[Mapping[str, Any]], bool] = _always


@frozen
class Derived:
    """Inbound only: ``into(values, payload, options)`` gives ``record.<attr>``
    from the values read so far (the rows above it) and the payload, so that a
    value following from another row's result is not read twice. ``None`` is
    left out."""

    attr: str
    key: str = field(converter=str)
    into: Callable[[dict[str, Any], Mapping[str, Any], MapOptions], Any]


Row = Field | Computed | Child | Derived
#: Reads one row's value from a payload: ``(payload, options, values so far)``.
Reader = Callable[[Mapping[str, Any], MapOptions, dict[str, Any]], Any]

_SEGMENT = re.compile(r"^(?P<name>[^.\[]+)(?P<index>\[\d+\])?(?:\.(?P<rest>.+))?$")


class Mapper:
    """A table of rows mapping one kind of techOMS record to one WMS object.

    ``model`` is the techOMS class :meth:`build` constructs from a payload.
    """

    def __init__(self, model: type | None, *rows: Row) -> None:
        self.model = model
        self.rows = rows
        # Each inbound row's reader is made once: working out what kind of row
        # it is for every payload cost more than reading the value.
        self._readers = tuple(
            (row.attr, reader) for row in rows if (reader := _reader(row)) is not None
        )

    def to_wire(self, record: Any, options: MapOptions = NO_OPTIONS) -> dict[str, Any]:
        """The WMS payload for ``record``.

        A value that cannot go on the wire (a weight of Infinity) raises
        ``ValueError`` naming its path in the record (``weight.value: ...``).
        """
        body: dict[str, Any] = {}
        for row in self.rows:
            if getattr(row, "pii", False) and options.suppress_pii:
                continue
            try:
                value = self._out(row, record, options)
            except (ValueError, ArithmeticError) as error:
                raise ValueError(_at_path(row.attr, error)) from None
            if value is not None:
                body[row.key] = value
        return body

    def _out(self, row: Row, record: Any, options: MapOptions) -> Any:
        if isinstance(row, Computed):
            return row.out(record, options) if row.out else None
        if isinstance(row, Derived):
            return None
        value = getattr(record, row.attr)
        if value is None:
            return None
        if isinstance(row, Field):
            return row.out(value)
        if row.many:
            return [row.mapper.to_wire(item, options) for item in value]
        return row.mapper.to_wire(value, options)

    def from_wire(self, payload: Mapping[str, Any], options: MapOptions = NO_OPTIONS) -> dict:
        """The keyword arguments of a techOMS record read from ``payload``."""
        values: dict[str, Any] = {}
        for attr, read in self._readers:
            value = read(payload, options, values)
            if value is not None:
                values[attr] = value
        return values

    def build(self, payload: Mapping[str, Any], options: MapOptions = NO_OPTIONS) -> Any:
        """The techOMS record for ``payload``.

        The model raises ``ValueError`` naming the field when a value is bad.
        """
        if self.model is None:
            raise TypeError("this mapper maps outbound only")
        return self.model(**self.from_wire(payload, options))

    def record_path(self, wire_path: str) -> str | None:
        """Our field path for the WMS's ``wire_path`` (``items[0].sku`` -> ``lines[0].sku``).

        ``None`` when no row maps the path.
        """
        match = _SEGMENT.match(wire_path.strip())
        if not match:
            return None
        row = next((r for r in self.rows if r.key == match["name"]), None)
        if row is None:
            return None
        path = row.attr + (match["index"] or "")
        if isinstance(row, Child) and match["rest"]:
            inner = row.mapper.record_path(match["rest"])
            return f"{path}.{inner}" if inner else path
        return path


_PATH_FIRST = re.compile(r"^[A-Za-z_][\w.\[\]]*: ")


def _at_path(attr: str, error: Exception) -> str:
    """``error``'s message under ``attr``: ``value: x`` becomes ``weight.value: x``."""
    message = str(error)
    return f"{attr}.{message}" if _PATH_FIRST.match(message) else f"{attr}: {message}"


def _reader(row: Row) -> Reader | None:
    """How ``row`` reads its value from a payload; ``None`` for an outbound-only row."""
    if isinstance(row, Derived):
        derive = row.into
        return lambda payload, options, values: derive(values, payload, options)
    if isinstance(row, Computed):
        compute = row.into
        if compute is None:
            return None
        return lambda payload, options, values: compute(payload, options)
    if isinstance(row, Field):
        return _field_reader(row.key, row.into)
    return _child_reader(row)


def _field_reader(key: str, into: Callable[[Any], Any]) -> Reader:
    if into is _same:
        return lambda payload, options, values: payload.get(key)

    def read(payload: Mapping[str, Any], options: MapOptions, values: dict[str, Any]) -> Any:
        value = payload.get(key)
        return None if value is None else into(value)

    return read


def _child_reader(row: Child) -> Reader:
    key, build, many, when = row.key, row.mapper.build, row.many, row.when

    def read(payload: Mapping[str, Any], options: MapOptions, values: dict[str, Any]) -> Any:
        if when is not _always and not when(payload):
            return None
        value = payload.get(key)
        if value is None:
            return None
        if not many:
            return build(_an_object(value, key), options)
        if not isinstance(value, list):
            raise ValueError(f"{key}: expected a list of objects, got {value!r:.40}")
        return tuple(
            [build(_an_object(item, f"{key}[{n}]"), options) for n, item in enumerate(value)]
        )

    return read


def _an_object(value: Any, path: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object; a ``ValueError`` naming ``path`` if not."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{path}: expected an object, got {value!r:.40}")
    return value
