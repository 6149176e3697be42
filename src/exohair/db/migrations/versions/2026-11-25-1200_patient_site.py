"""A patient's site: where she is treated, so the registry can compare a clinic's sites.

Nullable: patients registered before this, and clinics with one site, have none recorded.

Revision ID: 5e2b8c41d7f3
Revises: 7c1d0e5a9b42
Created: 2026-11-25 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e2b8c41d7f3"
down_revision: str | None = "7c1d0e5a9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("site_id", sa.Uuid(), nullable=True))
        batch.create_index(batch.f("ix_patients_site_id"), ["site_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_patients_site_id_sites"), "sites", ["site_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.drop_constraint(batch.f("fk_patients_site_id_sites"), type_="foreignkey")
        batch.drop_index(batch.f("ix_patients_site_id"))
        batch.drop_column("site_id")
