"""A course may follow a regimen the catalogue does not hold: its schedule is kept with the course, as JSON.

Revision ID: 5c9a2e7f1b30
Revises: 2b7e5d90c1a4
Created: 2026-11-24 23:10:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c9a2e7f1b30"
down_revision: str | None = "2b7e5d90c1a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chemo_courses") as batch:  # batch: SQLite drops a column by copying the table
        batch.add_column(sa.Column("custom_regimen", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chemo_courses") as batch:
        batch.drop_column("custom_regimen")
