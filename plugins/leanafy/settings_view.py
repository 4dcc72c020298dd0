"""The channel's Leanafy settings, read once per call with their meaning attached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from plugins.leanafy import contract as wire
from plugins.leanafy.declaration import Setting

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext


class ChannelView:
    """What the hooks need from a channel's settings.

    :ivar warehouse_id: the Leanafy warehouse the channel serves, or ``None``
        when the setting is empty (Leanafy's default warehouse).
    :ivar suppress_pii: withhold customer name, company, email, phone and
        address lines from orders.
    """

    def __init__(self, context: ChannelContext) -> None:
        settings = context.settings
        warehouse = settings.get(Setting.WAREHOUSE_ID)
        self.warehouse_id: str | None = str(warehouse).strip() or None if warehouse else None
        self.suppress_pii = bool(settings.get(Setting.SUPPRESS_PII))

    def is_ours(self, record: Mapping[str, Any], reference_field: str) -> bool:
        """Whether techOMS sent this order or ARN: it carries our number, and it
        belongs to the channel's warehouse when the channel names one."""
        if not str(record.get(reference_field) or "").strip():
            return False
        if self.warehouse_id is None:
            return True
        return record.get(wire.Order.WAREHOUSE_ID) == self.warehouse_id
