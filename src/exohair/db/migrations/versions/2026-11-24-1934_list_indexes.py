"""Indexes for the pages' lists: a clinic's planned sessions by date, a clinic's patients by name.

Without them, SQLite answered the Today page's date range by reading every session of the clinic and the Patients
page by sorting every patient (benchmarks/pages.py, 10,000 patients).

Revision ID: 2b7e5d90c1a4
Revises: 8e41f3a9c6d2
Created: 2026-11-24 19:34:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "2b7e5d90c1a4"
down_revision: str | None = "8e41f3a9c6d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_therapy_sessions_due", "therapy_sessions", ["clinic_id", "status", "planned_on"])
    op.create_index("ix_patients_by_name", "patients", ["clinic_id", "family_name", "given_name", "id"])


def downgrade() -> None:
    op.drop_index("ix_patients_by_name", table_name="patients")
    op.drop_index("ix_therapy_sessions_due", table_name="therapy_sessions")
