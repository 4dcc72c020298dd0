"""The account's warehouses, as the choices of the channel's Leanafy warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from techoms_core.http.exceptions import MalformedResponse
from techoms_core.settings import Choice

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext


def choices(context: ChannelContext) -> tuple[Choice, ...]:
    """One choice per warehouse ``GET /v1/me`` lists for the credentials:
    the warehouse's id, labelled with its name and id. Raises the session's
    error when Leanafy refuses or answers without a warehouse list."""
    me = LeanafyClient(context).me()
    warehouses = me.get(wire.Me.WAREHOUSES) if isinstance(me, dict) else None
    if not isinstance(warehouses, list):
        path = f"{wire.BASE_PATH}{wire.Path.ME}"
        raise MalformedResponse(f"Leanafy answered GET {path} without its warehouses")
    listed = []
    for warehouse in warehouses:
        if not isinstance(warehouse, dict) or not warehouse.get(wire.Me.ID):
            continue
        key = str(warehouse[wire.Me.ID])
        name = str(warehouse.get(wire.Me.NAME) or "").strip() or "unnamed"
        listed.append(Choice(key, f"{name} ({key})"))
    return tuple(listed)
