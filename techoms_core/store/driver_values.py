"""Per-row values for :class:`~techoms_core.store.prepared.Prepared` statements
whose column type processes them (timestamps, exact decimals).

A prepared statement hands each row to the driver as it is, so such a value
is processed beforehand by its column's own type, for the connection's
dialect (:func:`stored_form`), and bound through :func:`given_as_stored`, a
parameter without a type: what is stored is what SQLAlchemy would have stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, bindparam, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

#: Turns a value into what the driver stores for one column and dialect.
StoredForm = Callable[[Any], Any]

_FORMS: dict[tuple[type, Column], StoredForm] = {}


def given_as_stored(name: str) -> Any:
    """A bound parameter ``name`` whose value is given already processed."""
    return type_coerce(bindparam(name), NullType())


def stored_form(column: Column, dialect: Dialect) -> StoredForm:
    """How ``column``'s type turns a value into what the driver stores (``None``
    stays ``None``)."""
    key = (type(dialect), column)
    found = _FORMS.get(key)
    if found is None:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        found = _FORMS[key] = _unchanged if processor is None else _keeping_none(processor)
    return found


def _keeping_none(processor: StoredForm) -> StoredForm:
    def form(value: Any) -> Any:
        return None if value is None else processor(value)

    return form


def _unchanged(value: Any) -> Any:
    return value
