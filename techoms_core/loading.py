"""Load files: JSON arrays of products, shipments or receipts (spec §9).

A load file is read whole and checked whole before anything is handed to the
host: :func:`read_load_file` returns every record as a core model, or raises
:class:`LoadError` listing every problem, each naming the record's index in
the array, its key and the field, e.g.::

    record 3 (shipment S-1004): lines[0].quantity: must be a positive integer, got 0

The checks are the models' own (their converters and validators, run one
field at a time so each error names its field), plus what only a file can get
wrong: JSON syntax, a field the format does not know, a record repeated.
:func:`to_load_format` writes a model back in the same format.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from techoms_core.load_limits import limit_problem
from techoms_core.models import (
    Address,
    Dimensions,
    Product,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Supplier,
    Weight,
    sku_key,
)
from techoms_core.shown_fields import drop_shown_fields


@attrs.frozen
class Nested:
    """A field holding one object of ``model`` (or a list of them)."""

    model: type
    many: bool = False


@attrs.frozen
class RecordFormat:
    """The load format of one model: its JSON fields, nested ones marked."""

    model: type
    fields: tuple[str, ...]
    nested: Mapping[str, Nested] = attrs.field(factory=dict)

    def attribute(self, name: str) -> attrs.Attribute:
        return attrs.fields_dict(self.model)[name]


def _all_fields(model: type, **nested: Nested) -> RecordFormat:
    return RecordFormat(model, tuple(a.name for a in attrs.fields(model)), nested)


PRODUCT_FIELDS = ("sku", "name", "description", "uom", "barcode", "weight", "dimensions")

#: The formats of nested objects, by model.
_NESTED_FORMATS: dict[type, RecordFormat] = {
    Weight: _all_fields(Weight),
    Dimensions: _all_fields(Dimensions),
    Address: _all_fields(Address),
    ShipmentLine: _all_fields(ShipmentLine),
    ReceiptLine: _all_fields(ReceiptLine),
    Supplier: _all_fields(Supplier),
}

#: The record kinds a load file may hold, by the name ``techoms load`` takes.
FORMATS: dict[str, RecordFormat] = {
    "products": RecordFormat(
        Product,
        PRODUCT_FIELDS,
        {"weight": Nested(Weight), "dimensions": Nested(Dimensions)},
    ),
    "shipments": _all_fields(
        Shipment, ship_to=Nested(Address), lines=Nested(ShipmentLine, many=True)
    ),
    "receipts": _all_fields(
        Receipt, supplier=Nested(Supplier), lines=Nested(ReceiptLine, many=True)
    ),
}

_SINGULAR = {"products": "product", "shipments": "shipment", "receipts": "receipt"}
_KEY_FIELD = {"products": "sku", "shipments": "number", "receipts": "number"}


@attrs.frozen
class LoadProblem:
    """One thing wrong with a load file. ``index`` is the record's position in
    the array (from 0), ``None`` for a problem of the whole file."""

    message: str
    index: int | None = None
    kind: str = ""
    key: str | None = None
    field: str = ""

    def __str__(self) -> str:
        where = "" if self.index is None else f"record {self.index}"
        if where and self.key:
            where += f" ({self.kind} {self.key})"
        parts = [part for part in (where, self.field, self.message) if part]
        return ": ".join(parts)


class LoadError(ValueError):
    """A load file was refused; ``problems`` lists every problem found, and
    nothing of the file may be loaded."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownKind(LoadError):
    pass


def read_load_file(kind: str, path: str | Path, *, ignored: list[str] | None = None) -> list[Any]:
    """Read the load file at ``path`` holding records of ``kind``
    (``products``, ``shipments`` or ``receipts``); see :func:`parse_load_text`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([LoadProblem(f"cannot read {path}: {exc}")]) from None
    return parse_load_text(kind, text, ignored=ignored)


def parse_load_text(kind: str, text: str, *, ignored: list[str] | None = None) -> list[Any]:
    """Parse JSON ``text`` and check it as a load file of ``kind``.

    The fields ``techoms show --json`` adds to the load format (a record's
    state, :mod:`techoms_core.shown_fields`) are dropped, so its output loads
    back; their names are added to ``ignored`` when it is given.

    Refused as a whole file: text that is not JSON, nesting deeper than Python
    can read, and a number too long to convert (over 4,300 digits).
    """
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_JsonObject.of)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise LoadError([LoadProblem(problem)]) from None
    except RecursionError:
        raise LoadError([LoadProblem("not a load file: JSON nested too deeply")]) from None
    except ValueError:  # int() refuses numbers of more digits than it converts
        problem = f"not a load file: a number has more than {sys.get_int_max_str_digits():,} digits"
        raise LoadError([LoadProblem(problem)]) from None
    dropped = drop_shown_fields(kind, data)
    if ignored is not None:
        ignored.extend(dropped)
    return parse_records(kind, data)


class _JsonObject(dict):
    """A JSON object, remembering the keys it held more than once (JSON keeps
    only the last value of a repeated key, silently; a load refuses it)."""

    repeated: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        made = cls(pairs)
        if len(made) != len(pairs):
            seen: set[str] = set()
            made.repeated = tuple(k for k, _ in pairs if k in seen or seen.add(k))
        return made


def _repeated_keys(raw: Any) -> Errors:
    """``(path, message)`` for every key an object of ``raw`` holds twice,
    walked without recursion (a record may be nested deep)."""
    found: Errors = []
    pending: list[tuple[str, Any]] = [("", raw)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key in getattr(value, "repeated", ()):
                found.append((path + key, "appears more than once in the same object"))
            pending += [(f"{path}{key}.", item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(f"{path.rstrip('.')}[{i}].", item) for i, item in enumerate(value)]
    return sorted(found)


def parse_records(kind: str, data: Any) -> list[Any]:
    """Check decoded JSON ``data`` as records of ``kind``; return the models.

    Raises :class:`LoadError` with every problem of every record when any
    record is bad, so a caller either has all the records or none.
    """
    if kind not in FORMATS:
        raise UnknownKind([LoadProblem(f"unknown kind {kind!r} (kinds: {', '.join(FORMATS)})")])
    if not isinstance(data, list):
        problem = f"a load file holds a JSON array of {kind}, not {_json_type(data)}"
        raise LoadError([LoadProblem(problem)])
    records: list[Any] = []
    problems: list[LoadProblem] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(data):
        record, found = _record(kind, index, raw)
        problems += found
        identity = _identity(kind, raw)
        if identity is not None and identity in first_seen:
            repeated = f"repeats record {first_seen[identity]}"
            problems.append(_problem(kind, index, raw, _KEY_FIELD[kind], repeated))
        elif identity is not None:
            first_seen[identity] = index
        if record is not None:
            records.append(record)
    if problems:
        raise LoadError(problems)
    return records


def _identity(kind: str, raw: Any) -> str | None:
    """The key two records of a file must not share (SKUs compared as SKUs)."""
    key = raw.get(_KEY_FIELD[kind]) if isinstance(raw, dict) else None
    if not isinstance(key, str) or not key.strip():
        return None
    return sku_key(key) if kind == "products" else key.strip()


def _record(kind: str, index: int, raw: Any) -> tuple[Any | None, list[LoadProblem]]:
    if not isinstance(raw, dict):
        return None, [_problem(kind, index, None, "", f"must be an object, not {_json_type(raw)}")]
    repeated = _repeated_keys(raw)
    record, errors = _build(FORMATS[kind], raw, "")
    problems = [_problem(kind, index, raw, path, message) for path, message in repeated + errors]
    return (None if repeated else record), problems


def _problem(kind: str, index: int, raw: Any, path: str, message: str) -> LoadProblem:
    key = raw.get(_KEY_FIELD[kind]) if isinstance(raw, dict) else None
    key_text = key.strip() if isinstance(key, str) and key.strip() else None
    if key_text is not None and len(key_text) > KEY_SHOWN:  # a hostile key may be huge
        key_text = key_text[: KEY_SHOWN - 1] + "…"
    return LoadProblem(message, index, _SINGULAR[kind], key_text, path)


#: The most of a record's key a problem shows.
KEY_SHOWN = 60


Errors = list[tuple[str, str]]


def _build(fmt: RecordFormat, raw: dict, prefix: str) -> tuple[Any | None, Errors]:
    """Build ``fmt.model`` from ``raw``, field by field, so that each error
    carries the path of its field (``lines[0].quantity``)."""
    errors: Errors = [
        (prefix + str(name), f"unknown field (known: {', '.join(fmt.fields)})")
        for name in raw
        if name not in fmt.fields
    ]
    values: dict[str, Any] = {}
    for name in fmt.fields:
        attribute = fmt.attribute(name)
        path = prefix + name
        value = raw.get(name)
        if value is None:
            if attribute.default is attrs.NOTHING:
                errors.append((path, "required"))
            continue
        nested = fmt.nested.get(name)
        if nested is not None:
            value, nested_errors = _build_nested(nested, value, path)
            errors += nested_errors
            if nested_errors:
                continue
        message = _check_attribute(fmt.model, attribute, value)
        if message is None:
            values[name] = value
        else:
            errors.append((path, message))
    if errors:
        return None, errors
    try:
        return fmt.model(**values), []
    except (ValueError, TypeError) as exc:
        # Checks across fields, made when the whole record is built.
        field, message = _split_field(str(exc), fmt.fields)
        return None, [(prefix + field if field else prefix.rstrip("."), message)]


def _build_nested(nested: Nested, value: Any, path: str) -> tuple[Any, Errors]:
    fmt = _NESTED_FORMATS[nested.model]
    if not nested.many:
        if not isinstance(value, dict):
            return None, [(path, f"must be an object, not {_json_type(value)}")]
        return _build(fmt, value, path + ".")
    if not isinstance(value, list):
        return None, [(path, f"must be an array, not {_json_type(value)}")]
    items, errors = [], []
    for position, item in enumerate(value):
        item_path = f"{path}[{position}]"
        if not isinstance(item, dict):
            errors.append((item_path, f"must be an object, not {_json_type(item)}"))
            continue
        built, item_errors = _build(fmt, item, item_path + ".")
        items.append(built)
        errors += item_errors
    return tuple(items), errors


def _check_attribute(model: type, attribute: attrs.Attribute, value: Any) -> str | None:
    """Run the model's converter and validator for one field, then the load's
    own limit (:mod:`techoms_core.load_limits`); the problem, if any."""
    converter = attribute.converter
    try:
        if isinstance(converter, attrs.Converter):
            value = converter.converter(value)
        elif isinstance(converter, type) and issubclass(converter, enum.Enum):
            choices = [member.value for member in converter]
            if value not in choices:
                return f"must be one of {', '.join(map(str, choices))}, got {value!r}"
            value = converter(value)
        elif converter is not None:
            value = _converted(converter, value)
        if attribute.validator is not None:
            attribute.validator(None, attribute, value)
        return limit_problem(model, attribute.name, value)
    except TypeError as exc:
        return _type_message(exc, value)
    except ValueError as exc:
        return _split_field(str(exc), (attribute.name,))[1]
    except ArithmeticError:
        return f"a number out of range: {_json_type(value)[:80]}"
    except RecursionError:
        return "nested too deeply"


def _converted(converter: Callable[[Any], Any], value: Any) -> Any:
    if converter is tuple and not isinstance(value, list | tuple):
        raise ValueError(f"must be an array, not {_json_type(value)}")
    return converter(value)


def _type_message(exc: TypeError, value: Any) -> str:
    # attrs' instance_of raises TypeError(message, attribute, expected type, value).
    if len(exc.args) == 4 and isinstance(exc.args[2], type):
        return f"must be {_type_name(exc.args[2])}, not {_json_type(value)}"
    return str(exc)


def _split_field(message: str, fields: tuple[str, ...]) -> tuple[str, str]:
    """``"quantity: must be ..."`` -> ``("quantity", "must be ...")``."""
    head, sep, rest = message.partition(": ")
    if sep and head in fields:
        return head, rest
    return "", message


def _type_name(expected: type) -> str:
    return {bool: "true or false", str: "text", int: "a whole number"}.get(
        expected, expected.__name__
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | Decimal):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# -- writing ------------------------------------------------------------------


def to_load_format(record: Any) -> dict[str, Any]:
    """``record`` (a Product, Shipment or Receipt) as a load-format object:
    JSON-ready values (Decimal as a number, dates as ``YYYY-MM-DD``)."""
    fmt = next((f for f in FORMATS.values() if isinstance(record, f.model)), None)
    if fmt is None:
        raise TypeError(f"no load format for {type(record).__name__}")
    return _dumped(record, fmt)


def _dumped(record: Any, fmt: RecordFormat) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fmt.fields:
        value = getattr(record, name)
        nested = fmt.nested.get(name)
        if nested is not None and value is not None:
            inner = _NESTED_FORMATS[nested.model]
            value = [_dumped(v, inner) for v in value] if nested.many else _dumped(value, inner)
        out[name] = json_value(value)
    return out


def json_value(value: Any) -> Any:
    """A model value as JSON: enums by value, Decimal as int or float, dates ISO."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value
