"""Reference mappings: techOMS reference codes into Leanafy order and ARN properties.

The channel's reference mappings name, per level, which Leanafy property a
techOMS reference fills (``context.mappings.references``). A mapped value
wins over the record's own field. Two properties are guarded:

* ``primary_reference_number`` always carries our record number: it is how
  sends stay idempotent and how receives find the record again. A mapping
  onto it is ignored with a warning on the record.
* date properties (``due_date``, ``expected_date``) must hold ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from plugins.leanafy import contract as wire
from plugins.leanafy.declaration import REFERENCE_PROPERTIES
from techoms_core.mappings import ReferenceMap
from techoms_core.models import ReferenceLevel

IDENTITY_PROPERTY = wire.Order.PRIMARY_REFERENCE_NUMBER.value
DATE_PROPERTIES = frozenset({wire.Order.DUE_DATE.value, wire.Arn.EXPECTED_DATE.value})


class ReferenceProblem(ValueError):
    """A mapped reference value Leanafy cannot take."""


def apply_references(
    body: dict[str, Any],
    level: ReferenceLevel,
    references: Mapping[str, str],
    mapping: ReferenceMap,
    notes: list[str],
) -> None:
    """Set the mapped properties on ``body``; append warnings to ``notes``.

    Raises :class:`ReferenceProblem` naming the property for a bad value.
    """
    offered = REFERENCE_PROPERTIES.get(level, ())
    for prop, value in mapping.properties_for(level, references).items():
        if prop not in offered:
            notes.append(f"reference mapped to {prop!r} ignored: not a Leanafy {level} property")
        elif prop == IDENTITY_PROPERTY:
            notes.append(
                f"reference mapped to {prop!r} ignored: Leanafy's {prop} carries the "
                "techOMS number, which keeps sends idempotent"
            )
        elif prop in DATE_PROPERTIES:
            body[prop] = _date(prop, value)
        elif value.strip():
            body[prop] = value.strip()


def _date(prop: str, value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ReferenceProblem(
            f"reference mapped to {prop!r} is not a date (YYYY-MM-DD): {value!r}"
        ) from None
