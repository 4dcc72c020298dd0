"""The Sync menu of a channel, derived (spec §3).

The menu is the sync options whose hook the channel's plugin implements, in
the order of :data:`techoms_core.options.SYNC_OPTIONS`, with product options
passed through the Master Product Source gate. The same rule decides which
recurring jobs a channel may have. Nothing here is a hand-kept list per plugin.
"""

from __future__ import annotations

from techoms_core.options import ProductGate, SyncOption
from techoms_core.plugin import ChannelPlugin, NotSupported

#: The Master Product Source value meaning "techOMS itself".
TECHOMS = "techoms"


def passes_gate(option: SyncOption, channel: str, master_product_source: str) -> bool:
    """Whether ``option`` is offered for ``channel`` under ``master_product_source``."""
    is_master = master_product_source == channel
    if option.gate is ProductGate.ONLY_WHEN_MASTER:
        return is_master
    if option.gate is ProductGate.ONLY_WHEN_NOT_MASTER:
        return not is_master
    return True


def sync_menu(
    plugin: ChannelPlugin, channel: str, master_product_source: str = TECHOMS
) -> tuple[SyncOption, ...]:
    """The Sync menu of ``channel`` (served by ``plugin``), in menu order."""
    return tuple(
        option
        for option in plugin.implemented_options()
        if passes_gate(option, channel, master_product_source)
    )


class NotInMenu(LookupError):
    """An option that exists but is not in this channel's menu right now."""


def require_in_menu(
    plugin: ChannelPlugin, channel: str, option: SyncOption, master_product_source: str
) -> None:
    """Raise a clear error when ``option`` cannot run for ``channel``."""
    if not plugin.implements(option.hook):
        raise NotSupported(plugin.declaration, option.label)
    if not passes_gate(option, channel, master_product_source):
        raise NotInMenu(
            f"{option.label} is not offered for channel {channel!r}: "
            f"the option runs {option.gate.value}, and the Master Product Source "
            f"is {master_product_source!r}"
        )
