"""The run log keeps what each run asked of the WMS: requests, retries, 429s.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("requests", "retries", "rate_limited")


def upgrade() -> None:
    # Nullable: the runs logged before this revision have no counts.
    for name in COLUMNS:
        op.add_column("runs", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
