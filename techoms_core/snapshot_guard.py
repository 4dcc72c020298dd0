"""A snapshot never wipes what the host holds on the strength of nothing.

A snapshot replaces the channel warehouse's levels wholesale. One that holds
not a single readable level (none listed, or every one ``failed``) says
nothing trustworthy about the warehouse, yet swapped in it would delete every
level the host holds. So, for every plugin, the runner asks :func:`refusal`
before the swap: when the snapshot has no readable level and the host holds
levels, the swap is refused (the run fails, every level is kept) unless the
plugin marked a page ``empty_confirmed``, because the WMS itself confirms the
warehouse is empty. A SKU ``failed`` in a snapshot that has readable levels
keeps its level through the host (:meth:`~techoms_core.host.SnapshotsRole.stage_snapshot_page`).
"""

from __future__ import annotations

from techoms_core.host import SnapshotsRole


def refusal(
    host: SnapshotsRole, channel: str, *, readable: int, failed: int, confirmed: bool
) -> str | None:
    """Why the snapshot of ``channel`` may not be swapped in, or ``None``.

    :param readable: the levels the snapshot handed over.
    :param failed: its levels reported ``failed``.
    :param confirmed: whether a page said ``empty_confirmed``.
    """
    if readable or (confirmed and not failed):
        return None
    held = host.held_levels(channel)
    if not held:
        return None
    holds = f"techOMS holds {held:,} level{'s' if held != 1 else ''} for the channel's warehouse"
    if failed:
        why = f"none of the snapshot's levels could be read ({failed:,} failed) while {holds}"
    else:
        why = f"the snapshot holds no level while {holds}, and the WMS does not confirm it is empty"
    return f"{why}; the snapshot is refused and every level is kept"
