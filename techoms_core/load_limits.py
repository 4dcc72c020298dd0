"""What a load accepts beyond the models' own checks: only values every store
and every plugin can hold.

The models accept what any host may hand a plugin; a load file is where bad
data enters techOMS, so it is held to the limits of the narrowest store and
wire: SKUs that fit a 200-character column and a lookup URL, with no invisible
or control character; quantities that fit a 32-bit integer column; weights,
dimensions and costs finite and from 0 to 10^12; ISO 3166-1 country codes.
:func:`limit_problem` gives the problem of one field's value, or ``None``.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import iso3166

from techoms_core.models import Address, Dimensions, Product, ReceiptLine, ShipmentLine, Weight

#: Longest SKU every store holds (a 200-character column) and every plugin can look up.
MAX_SKU_LENGTH = 200
#: Largest quantity every store holds (a 32-bit integer column, e.g. PostgreSQL's).
MAX_QUANTITY = 2**31 - 1
#: Largest weight, dimension or cost: beyond any real good, within any store.
MAX_AMOUNT = Decimal(10) ** 12
# Control, format (zero-width, bidi), surrogate, private-use and line/paragraph
# separator characters: invisible or reordering, never part of an identity.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def sku_problem(value: str) -> str | None:
    if len(value) > MAX_SKU_LENGTH:
        return f"a SKU of {len(value):,} characters, more than the {MAX_SKU_LENGTH} a SKU may have"
    for position, char in enumerate(value):
        if unicodedata.category(char) in _UNSEEN_CATEGORIES:
            return (
                f"holds an invisible or control character (U+{ord(char):04X}) "
                f"at position {position}"
            )
    return None


def quantity_problem(value: int) -> str | None:
    if value > MAX_QUANTITY:
        return f"must be at most {MAX_QUANTITY:,}, got {_shown(value)}"
    return None


def amount_problem(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not value.is_finite():
        return f"must be a finite number, got {value}"
    if not 0 <= value <= MAX_AMOUNT:
        return f"must be from 0 to {MAX_AMOUNT:,}, got {_shown(value)}"
    return None


def country_problem(value: str) -> str | None:
    if value not in iso3166.countries_by_alpha2:
        return f"{_shown(value)} is not an ISO 3166-1 alpha-2 country code (e.g. US, DE)"
    return None


#: The limit of each field that has one, by model and field name.
LIMITS = {
    (Weight, "value"): amount_problem,
    (Dimensions, "length"): amount_problem,
    (Dimensions, "width"): amount_problem,
    (Dimensions, "height"): amount_problem,
    (ReceiptLine, "unit_cost"): amount_problem,
    (Product, "sku"): sku_problem,
    (ShipmentLine, "sku"): sku_problem,
    (ReceiptLine, "sku"): sku_problem,
    (ShipmentLine, "quantity"): quantity_problem,
    (ReceiptLine, "quantity"): quantity_problem,
    (ShipmentLine, "line_number"): quantity_problem,
    (ReceiptLine, "line_number"): quantity_problem,
    (Address, "country_code"): country_problem,
}


def limit_problem(model: type, field: str, value: Any) -> str | None:
    """What is wrong with ``value`` (already converted by the model) for
    ``model.field`` beyond the model's own checks, or ``None``."""
    check = LIMITS.get((model, field))
    return None if check is None else check(value)


def _shown(value: Any) -> str:
    """``value`` for a message, cut short: a hostile value may be huge."""
    huge = isinstance(value, int) and value.bit_length() > 200
    text = "a huge number" if huge else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
