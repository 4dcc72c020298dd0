"""Sends on the host side: what is due to a channel, and recording results.

Each call of :meth:`SendStore.record_send_results` is one transaction: the
records' new states (:mod:`techoms_core.store.bindings`) and their run-log
messages commit together, so a record is never ``sent`` without its WMS id,
nor logged without its state. What is due is read with the statements of
:mod:`techoms_core.store.due`.
"""

from __future__ import annotations

from collections.abc import Sequence

from techoms_core.host import SendRecord
from techoms_core.models import RecordResult
from techoms_core.options import option_named
from techoms_core.store.bindings import BINDERS
from techoms_core.store.database import Database
from techoms_core.store.due import due_query
from techoms_core.store.runlog import insert_messages


class SendStore(Database):
    """Records to send and their send state."""

    def count_to_send(self, channel: str, option: str) -> int:
        with self._read() as connection:
            due, params = due_query(connection, channel, option)
            return connection.execute(due.count, params).scalar_one()

    def records_to_send(
        self, channel: str, option: str, *, limit: int, after: str | None = None
    ) -> Sequence[SendRecord]:
        with self._read() as connection:
            due, params = due_query(connection, channel, option)
            return due.batch(connection, params, limit, after)

    def record_send_results(
        self, run_id: int, channel: str, option: str, results: Sequence[RecordResult]
    ) -> None:
        bind = BINDERS[option_named(option).key]
        now = self._now()
        with self._write() as connection:
            bind(connection, channel, results, now)
            insert_messages(connection, run_id, results, now)
