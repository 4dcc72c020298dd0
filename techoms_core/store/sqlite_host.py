"""The SQLite reference host: :class:`SqliteHost` (first cut of the public API;
bodies that still raise ``NotImplementedError`` are being filled in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from techoms_core.host import (
    Job,
    JobPeriod,
    LockHolder,
    RunMessage,
    RunRecord,
    RunStatus,
    SendRecord,
)
from techoms_core.mappings import CarrierRow, Mappings, ReferenceRow, UnmappedPolicy
from techoms_core.models import InventoryLevel, Page, Product, Receipt, RecordResult, Shipment
from techoms_core.store.paths import default_db_path
from techoms_core.store.problems import LoadReport

_TODO = "being built"


class SqliteHost:
    """The embedded techOMS host (implements :class:`techoms_core.host.Host`).

    ``SqliteHost(path)`` opens (creating if needed) the database at ``path``
    and brings its schema up to date. Use it as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        raise NotImplementedError(_TODO)

    def close(self) -> None:
        """Release the database connections."""
        raise NotImplementedError(_TODO)

    def __enter__(self) -> SqliteHost:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- account ---------------------------------------------------------------

    def master_product_source(self) -> str:
        raise NotImplementedError(_TODO)

    def set_master_product_source(self, source: str) -> None:
        """``"techoms"`` or the name of an existing channel; StoreError otherwise."""
        raise NotImplementedError(_TODO)

    # -- channels ----------------------------------------------------------------

    def add_channel(self, config: Any) -> None:
        """Store a new channel (a ``ChannelConfig``); settings are stored as given.

        Pass ``ChannelSettings.raw_for_storage()`` as settings: ``env:VAR`` stays
        a reference and a literal secret (``Secret``) is stored revealed, never
        printed by the store. Raises ``ChannelExists``."""
        raise NotImplementedError(_TODO)

    def update_channel(
        self,
        name: str,
        *,
        settings: Mapping[str, Any] | None = None,
        warehouse: str | None = None,
        enabled: bool | None = None,
    ) -> Any:
        """Change a channel; ``settings`` replaces the stored settings wholesale.
        Returns the new ``ChannelConfig``."""
        raise NotImplementedError(_TODO)

    def delete_channel(self, name: str) -> None:
        """Delete a channel with its mappings, cursors, jobs and send states."""
        raise NotImplementedError(_TODO)

    def channel(self, name: str) -> Any:
        raise NotImplementedError(_TODO)

    def channels(self) -> list[Any]:
        raise NotImplementedError(_TODO)

    # -- mappings --------------------------------------------------------------

    def mappings(self, channel: str) -> Mappings:
        raise NotImplementedError(_TODO)

    def add_sku_mappings(self, channel: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Add (system SKU, channel SKU) rows, all or none; ``MappingError`` on a
        row that contradicts one already there. Returns rows added (repeats of an
        existing row are not added again)."""
        raise NotImplementedError(_TODO)

    def add_carrier_mappings(self, channel: str, rows: Iterable[CarrierRow]) -> int:
        raise NotImplementedError(_TODO)

    def set_carrier_policy(self, channel: str, policy: UnmappedPolicy | str) -> None:
        raise NotImplementedError(_TODO)

    def add_reference_mappings(self, channel: str, rows: Iterable[ReferenceRow]) -> int:
        raise NotImplementedError(_TODO)

    def sku_mapping_rows(self, channel: str) -> list[tuple[str, str]]:
        raise NotImplementedError(_TODO)

    def carrier_mapping_rows(self, channel: str) -> list[CarrierRow]:
        raise NotImplementedError(_TODO)

    def reference_mapping_rows(self, channel: str) -> list[ReferenceRow]:
        raise NotImplementedError(_TODO)

    # -- loading and showing records ------------------------------------------------

    def load_products(self, products: Sequence[Product]) -> LoadReport:
        raise NotImplementedError(_TODO)

    def load_shipments(self, shipments: Sequence[Shipment]) -> LoadReport:
        raise NotImplementedError(_TODO)

    def load_receipts(self, receipts: Sequence[Receipt]) -> LoadReport:
        raise NotImplementedError(_TODO)

    def request_cancellation(self, shipment_number: str) -> None:
        raise NotImplementedError(_TODO)

    def product_rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError(_TODO)

    def shipment_rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError(_TODO)

    def receipt_rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError(_TODO)

    def inventory_rows(self, warehouse: str | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError(_TODO)

    def review_items(self, channel: str | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError(_TODO)

    # -- Host: sends, receives, snapshots ----------------------------------------------

    def count_to_send(self, channel: str, option: str) -> int:
        raise NotImplementedError(_TODO)

    def records_to_send(
        self, channel: str, option: str, *, limit: int, after: str | None = None
    ) -> Sequence[SendRecord]:
        raise NotImplementedError(_TODO)

    def record_send_results(
        self, run_id: int, channel: str, option: str, results: Sequence[RecordResult]
    ) -> None:
        raise NotImplementedError(_TODO)

    def cursor(self, channel: str, option: str) -> str | None:
        raise NotImplementedError(_TODO)

    def apply_page(
        self, run_id: int, channel: str, option: str, page: Page[Any]
    ) -> list[RecordResult]:
        raise NotImplementedError(_TODO)

    def preview_page(self, channel: str, option: str, page: Page[Any]) -> list[RecordResult]:
        raise NotImplementedError(_TODO)

    def begin_snapshot(self, run_id: int, channel: str, option: str) -> None:
        raise NotImplementedError(_TODO)

    def stage_snapshot_page(
        self, run_id: int, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        raise NotImplementedError(_TODO)

    def preview_snapshot_page(
        self, channel: str, option: str, page: Page[InventoryLevel]
    ) -> list[RecordResult]:
        raise NotImplementedError(_TODO)

    def commit_snapshot(self, run_id: int, channel: str, option: str) -> int:
        raise NotImplementedError(_TODO)

    # -- Host: run log -------------------------------------------------------------

    def start_run(self, channel: str, option: str, *, dry_run: bool = False) -> int:
        raise NotImplementedError(_TODO)

    def finish_run(
        self,
        run_id: int,
        status: RunStatus,
        counts: Mapping[str, int],
        message: str | None = None,
    ) -> None:
        raise NotImplementedError(_TODO)

    def log_results(self, run_id: int, results: Sequence[RecordResult]) -> None:
        raise NotImplementedError(_TODO)

    def runs(self, channel: str | None = None, *, limit: int = 50) -> list[RunRecord]:
        """The latest runs first."""
        raise NotImplementedError(_TODO)

    def run(self, run_id: int) -> RunRecord:
        raise NotImplementedError(_TODO)

    def run_messages(self, run_id: int) -> list[RunMessage]:
        raise NotImplementedError(_TODO)

    # -- Host: locks ----------------------------------------------------------------

    def acquire_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        raise NotImplementedError(_TODO)

    def refresh_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        raise NotImplementedError(_TODO)

    def release_lock(self, name: str, holder: LockHolder) -> None:
        raise NotImplementedError(_TODO)

    # -- Host: jobs -----------------------------------------------------------------

    def jobs(self, channel: str | None = None) -> Sequence[Job]:
        raise NotImplementedError(_TODO)

    def set_job(
        self, channel: str, option: str, period: JobPeriod, *, next_due_at: dt.datetime | None
    ) -> Job:
        raise NotImplementedError(_TODO)

    def record_job_run(
        self,
        channel: str,
        option: str,
        *,
        ran_at: dt.datetime,
        next_due_at: dt.datetime | None,
        status: str,
        message: str | None = None,
        run_id: int | None = None,
    ) -> None:
        raise NotImplementedError(_TODO)


def open_host(path: str | Path | None = None) -> SqliteHost:
    """Open the host database at ``path``, else ``$TECHOMS_DB``, else the
    default in the user's data directory (its directory is created)."""
    chosen = Path(path).expanduser() if path else default_db_path()
    chosen.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHost(chosen)
