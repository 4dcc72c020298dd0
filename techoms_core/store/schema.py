"""The reference host's tables (SQLAlchemy Core).

The schema is portable: no SQLite-only types or SQL. Record documents that the
host never queries by field (a shipment's address, a product's dimensions) are
JSON text; money and measures are exact decimal text; timestamps are UTC.
Alembic owns the schema in a database (``migrations/versions``); a test keeps
these tables and the migrations in step.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Double,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out (stored as naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps UTC times only")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class DecimalText(TypeDecorator):
    """Exact decimals kept as text (SQLite has no exact numeric type)."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def _channel_fk() -> ForeignKey:
    return ForeignKey("channels.name", ondelete="CASCADE")


account = Table(
    "account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("master_product_source", String(200), nullable=False, default="techoms"),
)

channels = Table(
    "channels",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("plugin", String(100), nullable=False),
    Column("settings", Text, nullable=False, default="{}"),
    Column("warehouse", String(200)),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("carrier_policy", String(10), nullable=False, default="warn"),
    Column("created_at", UTCDateTime, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("sku_key", String(200), primary_key=True),
    Column("sku", String(200), nullable=False),
    Column("data", Text, nullable=False),  # the product in the load format
    Column("revision", Integer, nullable=False, default=1),
    Column("source", String(200), nullable=False),  # "load" or the importing channel
    Column("updated_at", UTCDateTime, nullable=False),
)

product_sends = Table(
    "product_sends",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("sku_key", String(200), ForeignKey("products.sku_key"), primary_key=True),
    Column("status", String(20), nullable=False),  # ready (with error) or sent
    Column("remote_id", String(200)),
    Column("sent_revision", Integer),
    Column("last_error", Text),
    Column("last_error_field", String(200)),
    Column("updated_at", UTCDateTime, nullable=False),
)

shipments = Table(
    "shipments",
    metadata,
    Column("number", String(200), primary_key=True),
    Column("order_number", String(200), nullable=False),
    Column("warehouse", String(200), nullable=False),
    Column("data", Text, nullable=False),  # everything but the lines, load format
    Column("status", String(20), nullable=False),
    Column("channel", String(200)),
    Column("remote_id", String(200)),
    Column("last_error", Text),
    Column("last_error_field", String(200)),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("applied_version", String(200)),
    Column("shipped_at", UTCDateTime),
    Column("cancelled_reason", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "status", "warehouse", "number"),
)

shipment_lines = Table(
    "shipment_lines",
    metadata,
    Column(
        "shipment_number",
        String(200),
        ForeignKey("shipments.number", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("line_number", Integer, primary_key=True),
    Column("sku", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("references", Text, nullable=False, default="{}"),
    Column("shipped_quantity", Integer),
)

packages = Table(
    "packages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "shipment_number",
        String(200),
        ForeignKey("shipments.number", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("tracking_number", String(200)),
    Column("carrier", String(200)),
    Column("service", String(200)),
    Column("cost", DecimalText),
    Column("currency", String(10)),
    Column("shipped_at", UTCDateTime),
)

receipts = Table(
    "receipts",
    metadata,
    Column("number", String(200), primary_key=True),
    Column("po_number", String(200), nullable=False),
    Column("warehouse", String(200), nullable=False),
    Column("data", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("channel", String(200)),
    Column("remote_id", String(200)),
    Column("last_error", Text),
    Column("last_error_field", String(200)),
    Column("applied_version", String(200)),
    Column("received_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "status", "warehouse", "number"),
)

receipt_lines = Table(
    "receipt_lines",
    metadata,
    Column(
        "receipt_number",
        String(200),
        ForeignKey("receipts.number", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("line_number", Integer, primary_key=True),
    Column("sku", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_cost", DecimalText),
    Column("lot_number", String(200)),
)

received_lines = Table(
    "received_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "receipt_number",
        String(200),
        ForeignKey("receipts.number", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("line_number", Integer),
    Column("sku", String(200), nullable=False),
    Column("received_quantity", Integer, nullable=False),
    Column("expected_quantity", Integer),
    Column("lot_number", String(200)),
    Column("unit_cost", DecimalText),
    Column("expiry_date", String(10)),
)

inventory = Table(
    "inventory",
    metadata,
    Column("warehouse", String(200), primary_key=True),
    Column("sku_key", String(200), primary_key=True),
    Column("sku", String(200), nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("allocated", Integer, nullable=False),
    Column("available", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

inventory_staging = Table(
    "inventory_staging",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("sku_key", String(200), primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("sku", String(200), nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("allocated", Integer, nullable=False),
    Column("available", Integer, nullable=False),
)

sku_mappings = Table(
    "sku_mappings",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("system_key", String(200), primary_key=True),
    Column("system_sku", String(200), nullable=False),
    Column("channel_key", String(200), nullable=False),
    Column("channel_sku", String(200), nullable=False),
    UniqueConstraint("channel", "channel_key"),
)

carrier_mappings = Table(
    "carrier_mappings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(200), _channel_fk(), nullable=False, index=True),
    Column("carrier_channel", String(200), nullable=False),
    Column("service_channel", String(200), nullable=False),
    Column("carrier_system", String(200), nullable=False),
    Column("service_system", String(200), nullable=False),
    Column("is_primary", Boolean, nullable=False, default=False),
)

reference_mappings = Table(
    "reference_mappings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(200), _channel_fk(), nullable=False),
    Column("level", String(40), nullable=False),
    Column("code", String(200), nullable=False),
    Column("property", String(200), nullable=False),
    UniqueConstraint("channel", "level", "code"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("option", String(40), primary_key=True),
    Column("cursor", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("option", String(40), primary_key=True),
    Column("period", String(10), nullable=False),
    Column("next_due_at", UTCDateTime),
    Column("last_run_at", UTCDateTime),
    Column("last_status", String(20)),
    Column("last_message", Text),
    Column("last_run_id", Integer),
)

health_checks = Table(
    "health_checks",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("checked_at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("latency_ms", Float),
    # The report's checks, JSON: [{"name", "ok", "message", "latency_ms"}, ...].
    Column("checks", Text, nullable=False, default="[]"),
    # Why no report was made (e.g. the settings are not valid); else NULL.
    Column("error", Text),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(200), nullable=False),
    Column("option", String(40), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(20), nullable=False),
    Column("dry_run", Boolean, nullable=False, default=False),
    Column("ok", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("warning", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("message", Text),
    Column("lock_token", String(64)),
    # What the run asked of the WMS (its HTTP session's counts); NULL when not
    # recorded: refused runs, killed processes, runs logged before revision 0002.
    Column("requests", Integer),
    Column("retries", Integer),
    Column("rate_limited", Integer),
    Index(None, "channel", "id"),
)

run_messages = Table(
    "run_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("record_key", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("level", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("field", String(200)),
    Column("at", UTCDateTime, nullable=False),
)

locks = Table(
    "locks",
    metadata,
    Column("name", String(300), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("hostname", String(255), nullable=False),
    Column("token", String(64), nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

#: Each channel's throughput cap as all its runs share it (``store.caps``):
#: the starts booked last (as many as the rate's longest window holds), in
#: seconds since the epoch on the database's clock, oldest first.
throughput_caps = Table(
    "throughput_caps",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("recent_starts", Text, nullable=False),
)

#: The request slots each run of a channel holds (one row per run), until
#: ``expires_at`` (seconds since the epoch, the database's clock) unless renewed.
throughput_leases = Table(
    "throughput_leases",
    metadata,
    Column("channel", String(200), _channel_fk(), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("hostname", String(255), nullable=False),
    Column("in_flight", Integer, nullable=False),
    Column("expires_at", Double, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(200), nullable=False),
    Column(
        "shipment_number",
        String(200),
        ForeignKey("shipments.number", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", String(200), nullable=False),  # "" when the WMS gives none
    Column("remote_id", String(200)),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False),  # the update, JSON
    Column("status", String(20), nullable=False, default="pending"),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("shipment_number", "version"),
)
