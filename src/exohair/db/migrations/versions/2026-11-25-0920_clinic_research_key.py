"""Each clinic gets a secret research key: the registry's pseudonyms and per-patient date shifts are drawn from
it (domain/deidentify), so a researcher's exports stay linkable to each other and to no one's record.

Revision ID: 7c1d0e5a9b42
Revises: 4ea808265796
Created: 2026-11-25 09:20:00+00:00
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d0e5a9b42"
down_revision: str | None = "4ea808265796"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.add_column(sa.Column("research_key", sa.String(length=64), nullable=True))
    clinics = sa.table("clinics", sa.column("id", sa.Uuid()), sa.column("research_key", sa.String(64)))
    connection = op.get_bind()
    for (clinic_id,) in connection.execute(sa.select(clinics.c.id)).all():
        # One key per clinic, never derived from anything stored: the key is what makes the pseudonyms one-way.
        update = clinics.update().where(clinics.c.id == clinic_id).values(research_key=secrets.token_hex(32))
        connection.execute(update)
    with op.batch_alter_table("clinics") as batch:
        batch.alter_column("research_key", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.drop_column("research_key")
