"""Leanafy line quantities in techOMS's base units.

Every Leanafy line carries ``unit``, ``base_unit`` and ``base_conversion_rate``:
one ``unit`` holds ``base_conversion_rate`` base units. techOMS keeps base
units, so inbound quantities are multiplied by the rate and unit costs (per
``unit``) divided by it. A value that is not a whole number of base units is
a data error, raised as ``ValueError`` naming the Leanafy field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from plugins.leanafy import contract as wire

#: The largest quantity or unit cost techOMS accepts from Leanafy: what every
#: store can keep (a 32-bit integer for quantities).
MAX_VALUE = 2**31 - 1


def _decimal(line: Mapping[str, Any], key: str) -> Decimal:
    """``line[key]`` as a finite Decimal no larger than :data:`MAX_VALUE`."""
    value = line.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{key}: expected a number, got {value!r:.40}")
    try:
        number = Decimal(str(value)[:100])
    except InvalidOperation:
        raise ValueError(f"{key}: expected a number, got {value!r:.40}") from None
    if not number.is_finite():
        raise ValueError(f"{key}: expected a finite number, got {value!r:.40}")
    if abs(number) > MAX_VALUE:
        raise ValueError(f"{key}: {value!r:.40} is more than techOMS can hold ({MAX_VALUE:,})")
    return number


def conversion_rate(line: Mapping[str, Any], key: str) -> Decimal:
    """The line's base conversion rate; a missing rate means 1 (already base units)."""
    if line.get(key) is None:
        return Decimal(1)
    rate = _decimal(line, key)
    if rate <= 0:
        raise ValueError(f"{key}: must be positive, got {line.get(key)!r}")
    return rate


def _whole(value: Decimal, key: str) -> int:
    if value != value.to_integral_value():
        raise ValueError(f"{key}: {value} is not a whole number of base units")
    if value < 0:
        raise ValueError(f"{key}: must not be negative, got {value}")
    if value > MAX_VALUE:
        raise ValueError(f"{key}: {value} base units is more than techOMS can hold")
    return int(value)


# Plain JSON integers below these bounds are counted without Decimal: their
# product stays below MAX_VALUE, so it is exactly what the Decimal path gives,
# at a fraction of its cost.
_WHOLE_LIMIT = 2**15
_RATE_LIMIT = 2**15


def _whole_number(value: Any) -> bool:
    return type(value) is int and 0 <= value < _WHOLE_LIMIT


def _whole_rate(line: Mapping[str, Any], key: str) -> int | None:
    """The line's rate when it is a plain positive integer (or missing: 1);
    ``None`` when only :func:`conversion_rate` can say what it is."""
    rate = line.get(key)
    if rate is None:
        return 1
    return rate if type(rate) is int and 0 < rate < _RATE_LIMIT else None


def base_quantity(
    line: Mapping[str, Any], quantity_key: str, rate_key: str, *, missing: int | None = None
) -> int | None:
    """``line[quantity_key]`` (in the line's ``unit``) in base units."""
    quantity = line.get(quantity_key)
    if quantity is None:
        return missing
    rate = _whole_rate(line, rate_key)
    if rate is not None and _whole_number(quantity):
        return quantity * rate
    return _whole(_decimal(line, quantity_key) * conversion_rate(line, rate_key), quantity_key)


def shipped_base_quantity(line: Mapping[str, Any]) -> int:
    """An order line's ``shipped_qty`` in base units.

    ``shipped_qty_unit`` says which unit it is counted in: the line's ``unit``
    (the default when absent) or its ``base_unit``.
    """
    key = wire.OrderItem.SHIPPED_QTY
    quantity = line.get(key)
    if quantity is None:
        return 0
    shipped_unit = line.get(wire.OrderItem.SHIPPED_QTY_UNIT)
    unit, base_unit = line.get(wire.OrderItem.UNIT), line.get(wire.OrderItem.BASE_UNIT)
    if shipped_unit in (None, "", unit):
        whole_rate = _whole_rate(line, wire.OrderItem.BASE_CONVERSION_RATE)
        if whole_rate is not None and _whole_number(quantity):
            return quantity * whole_rate
        rate = conversion_rate(line, wire.OrderItem.BASE_CONVERSION_RATE)
    elif shipped_unit == base_unit:
        if _whole_number(quantity):
            return quantity
        rate = Decimal(1)
    else:
        raise ValueError(
            f"{wire.OrderItem.SHIPPED_QTY_UNIT}: {shipped_unit!r} is neither the line's unit "
            f"{unit!r} nor its base unit {base_unit!r}"
        )
    return _whole(_decimal(line, key) * rate, key)


def base_unit_cost(line: Mapping[str, Any]) -> Decimal | None:
    """An ARN line's ``unit_cost`` (per ``unit``) per base unit."""
    if line.get(wire.ArnItem.UNIT_COST) is None:
        return None
    cost = _decimal(line, wire.ArnItem.UNIT_COST)
    return cost / conversion_rate(line, wire.ArnItem.BASE_CONVERSION_RATE)
