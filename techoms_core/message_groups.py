"""Identical record messages, grouped: "50,000 x SKU is not a techOMS product, e.g. A, B, C".

A run over a large warehouse can give tens of thousands of records the same
message. Shown one per line they bury everything else, so the CLI shows them
as groups: one line per distinct (status, field, message), with how many
records have it and the keys of the first few. The run log groups its stored
messages the same way, in SQL (``RecordBrowser.message_groups``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import attrs

#: How many example keys a group keeps.
EXAMPLES = 3

#: Message levels from the least to the most severe.
LEVELS = ("info", "warning", "error", "fatal")


@attrs.frozen(kw_only=True)
class MessageGroup:
    """Records that ended with the same status, field and message.

    ``count`` is how many; ``examples`` the keys of the first
    :data:`EXAMPLES` of them, in the order they came.
    """

    status: str
    message: str
    field: str | None = None
    count: int = 0
    examples: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def describe(self) -> str:
        """The group in one line: ``50,000 x <message>, e.g. A, B, C``."""
        where = f"{self.field}: " if self.field else ""
        if self.count == 1 and self.examples:
            return f"{self.examples[0]}: {where}{self.message}"
        more = ", ..." if self.count > len(self.examples) else ""
        examples = f", e.g. {', '.join(self.examples)}{more}" if self.examples else ""
        return f"{self.count:,} x {where}{self.message}{examples}"


class Result(Protocol):
    """What is grouped: a record's key, status, field and message."""

    key: str
    status: str
    message: str | None
    field: str | None


def group_messages(records: Iterable[Result], *, examples: int = EXAMPLES) -> list[MessageGroup]:
    """``records`` grouped by (status, field, message), largest group first
    (groups of equal size in the order they first came)."""
    counts: dict[tuple[str, str | None, str], int] = {}
    keys: dict[tuple[str, str | None, str], list[str]] = {}
    for record in records:
        identity = (str(record.status), record.field, record.message or str(record.status))
        counts[identity] = counts.get(identity, 0) + 1
        first = keys.setdefault(identity, [])
        if len(first) < examples:
            first.append(record.key)
    groups = []
    for identity, count in counts.items():
        status, where, message = identity
        groups.append(
            MessageGroup(
                status=status, field=where, message=message, count=count, examples=keys[identity]
            )
        )
    return sorted(groups, key=lambda group: -group.count)
