"""Every query of a clinic's published knowledge files and its closed days."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from exohair.db.functions import weekday_of
from exohair.db.models import Clinic, ClosedDay, KnowledgeRevision, PlanVersion, TherapySession
from exohair.knowledge import CLINIC_EDITABLE


def knowledge_revision(session: Session, clinic_id: uuid.UUID) -> int:
    return session.scalar(select(Clinic.knowledge_revision).where(Clinic.id == clinic_id)) or 0


def latest_numbers(session: Session, clinic_id: uuid.UUID) -> dict[str, int]:
    """{knowledge file name: number of its newest revision}: the one query a request makes to know what it plans
    and prices with."""
    query = (
        select(KnowledgeRevision.file_name, func.max(KnowledgeRevision.number))
        .where(KnowledgeRevision.clinic_id == clinic_id, KnowledgeRevision.file_name.in_(CLINIC_EDITABLE))
        .group_by(KnowledgeRevision.file_name)
    )
    return {name: number for name, number in session.execute(query)}


def revision_texts(session: Session, clinic_id: uuid.UUID, numbers: Mapping[str, int]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, number in numbers.items():
        text = session.scalar(
            select(KnowledgeRevision.text).where(
                KnowledgeRevision.clinic_id == clinic_id,
                KnowledgeRevision.file_name == name,
                KnowledgeRevision.number == number,
            )
        )
        if text is not None:
            found[name] = text
    return found


def revisions(session: Session, clinic_id: uuid.UUID, file_name: str) -> list[KnowledgeRevision]:
    """Newest first."""
    query = (
        select(KnowledgeRevision)
        .where(KnowledgeRevision.clinic_id == clinic_id, KnowledgeRevision.file_name == file_name)
        .order_by(KnowledgeRevision.number.desc())
    )
    return list(session.scalars(query))


def protocol_homes(session: Session, clinic_id: uuid.UUID) -> list[tuple[uuid.UUID, dict[str, int]]]:
    """(revision id, {protocol id: version}) of each protocols.yaml the clinic published, newest first."""
    query = (
        select(KnowledgeRevision.id, KnowledgeRevision.protocol_versions)
        .where(KnowledgeRevision.clinic_id == clinic_id, KnowledgeRevision.file_name == "protocols.yaml")
        .order_by(KnowledgeRevision.number.desc())
    )
    return [(rid, dict(versions)) for rid, versions in session.execute(query)]


def revision_text(session: Session, revision_id: uuid.UUID) -> str:
    return session.scalars(select(KnowledgeRevision.text).where(KnowledgeRevision.id == revision_id)).one()


def adjuncts_in_current_plans(session: Session, clinic_id: uuid.UUID) -> dict[str, int]:
    """{adjunct id: how many current plans name it}. JSON lists are counted here, not in SQL, to stay portable."""
    query = select(PlanVersion.adjuncts).where(PlanVersion.clinic_id == clinic_id, PlanVersion.current.is_(True))
    counts: dict[str, int] = {}
    for adjuncts in session.scalars(query):
        for adjunct in adjuncts:
            counts[adjunct] = counts.get(adjunct, 0) + 1
    return counts


def closed_days(session: Session, clinic_id: uuid.UUID) -> list[ClosedDay]:
    query = select(ClosedDay).where(ClosedDay.clinic_id == clinic_id).order_by(ClosedDay.day)
    return list(session.scalars(query))


def closed_day(session: Session, clinic_id: uuid.UUID, day_id: uuid.UUID) -> ClosedDay | None:
    query = select(ClosedDay).where(ClosedDay.clinic_id == clinic_id, ClosedDay.id == day_id)
    return session.scalars(query).first()


def planned_sessions_on(
    session: Session, clinic_id: uuid.UUID, *, days: list[date], weekdays: frozenset[int], from_day: date
) -> int:
    """How many planned sessions from `from_day` fall on one of `days` or a weekday in `weekdays` (0 = Monday).

    A count only: the admin who closes a day does not read patient records; the coordinators re-plan."""
    closed = []
    if days:
        closed.append(TherapySession.planned_on.in_(days))
    if weekdays:
        closed.append(weekday_of(TherapySession.planned_on).in_(sorted(weekdays)))
    if not closed:
        return 0
    query = select(func.count()).where(
        TherapySession.clinic_id == clinic_id,
        TherapySession.status == "planned",
        TherapySession.planned_on >= from_day,
        or_(*closed),
    )
    return session.scalar(query) or 0


def published_text(session: Session, clinic_id: uuid.UUID, file_name: str) -> str | None:
    """The newest published text of `file_name`, or None while the clinic has published none."""
    query = (
        select(KnowledgeRevision.text)
        .where(KnowledgeRevision.clinic_id == clinic_id, KnowledgeRevision.file_name == file_name)
        .order_by(KnowledgeRevision.number.desc())
        .limit(1)
    )
    return session.scalar(query)
