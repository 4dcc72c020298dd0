"""Saving a channel page: settings, jobs and mappings in one transaction."""

from __future__ import annotations

from typing import Any

from techoms_core.channel_changes import KEEP, ChannelChanges
from techoms_core.context import ChannelConfig
from techoms_core.store.channels import ChannelStore
from techoms_core.store.mapping_edits import apply_mapping_changes
from techoms_core.store.problems import StoreError
from techoms_core.store.schedule import write_job


class ChannelSaves(ChannelStore):
    """:meth:`save_channel`: every change of a channel page, or none."""

    def save_channel(self, name: str, changes: ChannelChanges) -> ChannelConfig:
        """Write ``changes`` to channel ``name`` in ONE transaction and return
        the new configuration: the channel's own fields first, then its
        recurring jobs, then its mapping changes (per kind: removals, then
        additions). Any refusal writes nothing at all:

        * ``UnknownChannel``; ``StoreError`` for a warehouse another channel
          serves or an unknown job option or period;
        * :class:`~techoms_core.mappings.MappingConflict` for added rows that
          contradict the rows kept (naming each by its position among the
          kind's added rows), ``MappingError`` for a removed row that is not
          there (any more).
        """
        values = _channel_values(changes)
        with self._write() as connection:
            config = self._change_channel(connection, name, values)
            for option, job in changes.jobs.items():
                try:
                    write_job(connection, name, option, job.period, job.next_due_at)
                except (KeyError, ValueError) as wrong:
                    raise StoreError(f"recurring job {option}: {wrong}") from None
            for kind_changes in changes.mappings:
                apply_mapping_changes(connection, name, kind_changes)
        return config


def _channel_values(changes: ChannelChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("settings", "warehouse", "enabled"):
        value = getattr(changes, name)
        if value is not KEEP:
            values[name] = value
    if changes.carrier_policy is not KEEP:
        values["carrier_policy"] = changes.carrier_policy.value
    return values
