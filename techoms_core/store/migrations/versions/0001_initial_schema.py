"""Initial schema of the reference host, with the account's one row.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 01:14:21.732934
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("master_product_source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
    )
    op.create_table(
        "channels",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("warehouse", sa.String(length=200), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("carrier_policy", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_channels")),
    )
    op.create_table(
        "inventory",
        sa.Column("warehouse", sa.String(length=200), nullable=False),
        sa.Column("sku_key", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("warehouse", "sku_key", name=op.f("pk_inventory")),
    )
    op.create_table(
        "locks",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_locks")),
    )
    op.create_table(
        "products",
        sa.Column("sku_key", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sku_key", name=op.f("pk_products")),
    )
    op.create_table(
        "receipts",
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("po_number", sa.String(length=200), nullable=False),
        sa.Column("warehouse", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_field", sa.String(length=200), nullable=True),
        sa.Column("applied_version", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_receipts")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipts_status_warehouse_number"),
            ["status", "warehouse", "number"],
            unique=False,
        )

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("option", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("warning", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("lock_token", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_channel_id"), ["channel", "id"], unique=False)

    op.create_table(
        "shipments",
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("order_number", sa.String(length=200), nullable=False),
        sa.Column("warehouse", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_field", sa.String(length=200), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("applied_version", sa.String(length=200), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_shipments")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipments_status_warehouse_number"),
            ["status", "warehouse", "number"],
            unique=False,
        )

    op.create_table(
        "carrier_mappings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("carrier_channel", sa.String(length=200), nullable=False),
        sa.Column("service_channel", sa.String(length=200), nullable=False),
        sa.Column("carrier_system", sa.String(length=200), nullable=False),
        sa.Column("service_system", sa.String(length=200), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_carrier_mappings_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_mappings")),
    )
    with op.batch_alter_table("carrier_mappings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carrier_mappings_channel"), ["channel"], unique=False)

    op.create_table(
        "cursors",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("option", sa.String(length=40), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_cursors_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel", "option", name=op.f("pk_cursors")),
    )
    op.create_table(
        "inventory_staging",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("sku_key", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_inventory_staging_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel", "sku_key", name=op.f("pk_inventory_staging")),
    )
    op.create_table(
        "jobs",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("option", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.String(length=20), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_jobs_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel", "option", name=op.f("pk_jobs")),
    )
    op.create_table(
        "packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_number", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=200), nullable=True),
        sa.Column("carrier", sa.String(length=200), nullable=True),
        sa.Column("service", sa.String(length=200), nullable=True),
        sa.Column("cost", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=10), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_number"],
            ["shipments.number"],
            name=op.f("fk_packages_shipment_number_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
    )
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_packages_shipment_number"), ["shipment_number"], unique=False
        )

    op.create_table(
        "product_sends",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("sku_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("sent_revision", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_field", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_product_sends_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sku_key"], ["products.sku_key"], name=op.f("fk_product_sends_sku_key_products")
        ),
        sa.PrimaryKeyConstraint("channel", "sku_key", name=op.f("pk_product_sends")),
    )
    op.create_table(
        "receipt_lines",
        sa.Column("receipt_number", sa.String(length=200), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost", sa.String(length=64), nullable=True),
        sa.Column("lot_number", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["receipt_number"],
            ["receipts.number"],
            name=op.f("fk_receipt_lines_receipt_number_receipts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("receipt_number", "line_number", name=op.f("pk_receipt_lines")),
    )
    op.create_table(
        "received_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("receipt_number", sa.String(length=200), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("received_quantity", sa.Integer(), nullable=False),
        sa.Column("expected_quantity", sa.Integer(), nullable=True),
        sa.Column("lot_number", sa.String(length=200), nullable=True),
        sa.Column("unit_cost", sa.String(length=64), nullable=True),
        sa.Column("expiry_date", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["receipt_number"],
            ["receipts.number"],
            name=op.f("fk_received_lines_receipt_number_receipts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_lines")),
    )
    with op.batch_alter_table("received_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_received_lines_receipt_number"), ["receipt_number"], unique=False
        )

    op.create_table(
        "reference_mappings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("property", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_reference_mappings_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_mappings")),
        sa.UniqueConstraint(
            "channel", "level", "code", name=op.f("uq_reference_mappings_channel_level_code")
        ),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("shipment_number", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_number"],
            ["shipments.number"],
            name=op.f("fk_reviews_shipment_number_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "shipment_number", "version", name=op.f("uq_reviews_shipment_number_version")
        ),
    )
    op.create_table(
        "run_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_messages_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_messages")),
    )
    with op.batch_alter_table("run_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_messages_run_id"), ["run_id"], unique=False)

    op.create_table(
        "shipment_lines",
        sa.Column("shipment_number", sa.String(length=200), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("shipped_quantity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_number"],
            ["shipments.number"],
            name=op.f("fk_shipment_lines_shipment_number_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shipment_number", "line_number", name=op.f("pk_shipment_lines")),
    )
    op.create_table(
        "sku_mappings",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("system_key", sa.String(length=200), nullable=False),
        sa.Column("system_sku", sa.String(length=200), nullable=False),
        sa.Column("channel_key", sa.String(length=200), nullable=False),
        sa.Column("channel_sku", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["channels.name"],
            name=op.f("fk_sku_mappings_channel_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel", "system_key", name=op.f("pk_sku_mappings")),
        sa.UniqueConstraint(
            "channel", "channel_key", name=op.f("uq_sku_mappings_channel_channel_key")
        ),
    )
    account = sa.table(
        "account", sa.column("id", sa.Integer), sa.column("master_product_source", sa.String)
    )
    op.bulk_insert(account, [{"id": 1, "master_product_source": "techoms"}])


def downgrade() -> None:
    op.drop_table("sku_mappings")
    op.drop_table("shipment_lines")
    with op.batch_alter_table("run_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_messages_run_id"))

    op.drop_table("run_messages")
    op.drop_table("reviews")
    op.drop_table("reference_mappings")
    with op.batch_alter_table("received_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_received_lines_receipt_number"))

    op.drop_table("received_lines")
    op.drop_table("receipt_lines")
    op.drop_table("product_sends")
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packages_shipment_number"))

    op.drop_table("packages")
    op.drop_table("jobs")
    op.drop_table("inventory_staging")
    op.drop_table("cursors")
    with op.batch_alter_table("carrier_mappings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carrier_mappings_channel"))

    op.drop_table("carrier_mappings")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_status_warehouse_number"))

    op.drop_table("shipments")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_channel_id"))

    op.drop_table("runs")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_status_warehouse_number"))

    op.drop_table("receipts")
    op.drop_table("products")
    op.drop_table("locks")
    op.drop_table("inventory")
    op.drop_table("channels")
    op.drop_table("account")
