"""Each plan version keeps the assessment visits it placed, so the patient's calendar can tell which visits moved
and which were withdrawn (a per-event SEQUENCE, STATUS:CANCELLED), as it already can for sessions.

The current version of each course gets the visits it placed, read back from assessments_due: a version rebuilds
those rows from its first planned day on (features/plans/repository.replace_assessments_due), so the rows from
that day are exactly its own. Earlier versions stay NULL: what they placed was not kept.

Revision ID: 3d8f1a6c2e57
Revises: 5e2b8c41d7f3
Created: 2026-12-06 10:00:00+00:00
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3d8f1a6c2e57"
down_revision: str | None = "5e2b8c41d7f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("assessments", sa.JSON(), nullable=True))
    versions = sa.table(
        "plan_versions",
        sa.column("id", sa.Uuid()),
        sa.column("course_id", sa.Uuid()),
        sa.column("current", sa.Boolean()),
        sa.column("planned_from", sa.Date()),
        sa.column("assessments", sa.JSON()),
    )
    due = sa.table(
        "assessments_due", sa.column("course_id", sa.Uuid()), sa.column("label", sa.String()),
        sa.column("due_on", sa.Date()),
    )  # fmt: skip
    connection = op.get_bind()
    current = connection.execute(
        sa.select(versions.c.id, versions.c.course_id, versions.c.planned_from).where(versions.c.current.is_(True))
    ).all()
    starts = {course_id: planned_from for _, course_id, planned_from in current}
    placed: dict[object, list[dict[str, str]]] = defaultdict(list)
    query = sa.select(due.c.course_id, due.c.label, due.c.due_on).order_by(due.c.course_id, due.c.due_on, due.c.label)
    for course_id, label, due_on in connection.execute(query):
        start = starts.get(course_id)
        if start is not None and due_on >= start:
            placed[course_id].append({"label": label, "date": due_on.isoformat()})
    for version_id, course_id, _ in current:
        connection.execute(
            versions.update().where(versions.c.id == version_id).values(assessments=placed.get(course_id, []))
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("assessments")
