"""SKU keys in Unicode compatibility form (NFKC): a full-width ABC is ``ABC``.

Keys written before were only trimmed and case-folded; a key that NFKC changes
(only non-ASCII SKUs) is rewritten so lookups by the new rule find it. A row
whose new key another row already holds (both SKUs were loaded, as different
products) keeps its old key: merging them could lose one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from techoms_core.models import sku_key

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, the columns of its primary key besides the SKU key) for tables keyed by SKU.
KEYED_BY_SKU = (("inventory", ("warehouse",)), ("inventory_staging", ("channel",)))


def upgrade() -> None:
    connection = op.get_bind()
    _rekey_products(connection)
    for table, scope in KEYED_BY_SKU:
        _rekey(connection, table, scope, "sku_key", "sku")
    _rekey(connection, "sku_mappings", ("channel",), "system_key", "system_sku")
    _rekey(connection, "sku_mappings", ("channel",), "channel_key", "channel_sku")


def downgrade() -> None:
    pass  # the old keys are not kept; an older version reads these as it reads its own


def _changed(rows) -> list[tuple]:
    return [(row, sku_key(row[-1])) for row in rows if sku_key(row[-1]) != row[-2]]


def _rekey(connection, table: str, scope: tuple[str, ...], key: str, sku: str) -> None:
    columns = ", ".join((*scope, key, sku))
    rows = connection.execute(sa.text(f"SELECT {columns} FROM {table}")).all()
    taken = {(*row[: len(scope)], row[-2]) for row in rows}
    where = " AND ".join(f"{name} = :{name}" for name in (*scope, key))
    for row, new in _changed(rows):
        scoped = tuple(row[: len(scope)])
        if (*scoped, new) in taken:
            continue
        taken.add((*scoped, new))
        values = dict(zip((*scope, key), (*scoped, row[-2]), strict=True))
        update = sa.text(f"UPDATE {table} SET {key} = :new WHERE {where}")
        connection.execute(update, {**values, "new": new})


def _rekey_products(connection) -> None:
    """Products are referenced by their sends: the new row first, then the
    references moved, then the old row gone (no foreign key is ever broken)."""
    rows = connection.execute(sa.text("SELECT sku_key, sku FROM products")).all()
    taken = {row[0] for row in rows}
    for row, new in _changed(rows):
        if new in taken:
            continue
        taken.add(new)
        old = {"old": row[0], "new": new}
        connection.execute(
            sa.text(
                "INSERT INTO products (sku_key, sku, data, revision, source, updated_at) "
                "SELECT :new, sku, data, revision, source, updated_at FROM products "
                "WHERE sku_key = :old"
            ),
            old,
        )
        moved = sa.text("UPDATE product_sends SET sku_key = :new WHERE sku_key = :old")
        connection.execute(moved, old)
        connection.execute(sa.text("DELETE FROM products WHERE sku_key = :old"), old)
