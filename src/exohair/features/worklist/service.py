"""The staff's Today page: what is due, whether it can go ahead, and what needs someone's attention.

Gate status is the safety gate of sessions/service.py run for each listed session on its planned day, without a
product lot (the lot is chosen when the session is performed, so "no lot chosen" is not reported here). The list
is paginated, so the page's cost stays bounded whatever the clinic's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from exohair.db.models import AssessmentDue, Clinic, Patient, PlanVersion
from exohair.domain.access import Actor, Permission, require
from exohair.features.charts import audit_chart
from exohair.features.plans import inputs
from exohair.features.sessions.service import gates_on_planned_days
from exohair.features.worklist import repository
from exohair.knowledge import Knowledge

PAGE = 25
# Overdue assessments: visits due in the last eight weeks (older ones are missed, not overdue: the next visit is
# the one to book), not done from a week before their day on (a visit a few days early counts). Design defaults.
OVERDUE_LOOKBACK_DAYS = 56
DONE_EARLY_DAYS = 7
OVERDUE_SHOWN = 20
# What the Today page calls each refusal, most pressing first; anything else shows as "check gate".
STATUS_OF_REASON = [
    ("in_nadir", "in nadir"),
    ("near_infusion", "too near an infusion"),
    ("clearance_missing", "clearance pending"),
    ("clearance_expired", "clearance expired"),
    ("clearance_revoked", "clearance revoked"),
    ("consent_missing", "consent missing"),
    ("consent_withdrawn", "consent withdrawn"),
    ("consent_outdated", "consent outdated"),
    ("labs_missing", "labs missing"),
    ("labs_stale", "labs out of date"),
]
NOT_A_WORKLIST_REASON = {"product_missing"}


@dataclass(frozen=True, slots=True)
class DueSession:
    session_id: str
    patient_id: str
    patient_name: str
    mrn: str
    label: str
    planned_on: date
    status: str  # "ready", or the most pressing reason it is not
    reasons: tuple[str, ...]  # every reason, in the gate's words


@dataclass(frozen=True, slots=True)
class Worklist:
    today: date
    due: list[DueSession]
    total_due: int
    per_day: list[tuple[date, int]]
    page: int
    pages: int
    moved: list[tuple[PlanVersion, Patient]]
    overdue: list[tuple[AssessmentDue, Patient]]  # assessment visits missed, oldest first
    total_overdue: int


def worklist(
    session: Session, actor: Actor, knowledge: Knowledge, *, at: datetime, days: int = 7, page: int = 1
) -> Worklist:
    require(actor, Permission.READ_CLINICAL)
    today = inputs.clinic_today(session.get_one(Clinic, actor.clinic_id), at)
    last = today + timedelta(days=days - 1)
    counts = repository.due_per_day(session, actor.clinic_id, today, last)
    total = sum(counts.values())
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    rows = repository.due_sessions(session, actor.clinic_id, today, last, limit=PAGE, offset=(page - 1) * PAGE)
    due = []
    gates = gates_on_planned_days(session, knowledge, [row for row, _ in rows], at=at)
    for (row, patient), result in zip(rows, gates, strict=True):
        assert row.planned_on is not None  # the query keeps dated sessions only
        reasons = [r for r in result.reasons if r.code not in NOT_A_WORKLIST_REASON]
        codes = {r.code for r in reasons}
        status = next((label for code, label in STATUS_OF_REASON if code in codes), "check gate") if codes else "ready"
        due.append(DueSession(
            str(row.id), str(patient.id), f"{patient.family_name}, {patient.given_name}", patient.mrn, row.label,
            row.planned_on, status, tuple(r.message for r in reasons),
        ))  # fmt: skip
    moved = repository.recently_moved(session, actor.clinic_id, limit=10)
    overdue, total_overdue = repository.overdue_assessments(
        session, actor.clinic_id, today, since=today - timedelta(days=OVERDUE_LOOKBACK_DAYS),
        done_within_days=DONE_EARLY_DAYS, limit=OVERDUE_SHOWN,
    )  # fmt: skip
    disclosed = sorted({d.patient_id for d in due} | {str(p.id) for _, p in moved} | {str(p.id) for _, p in overdue})
    audit_chart(session, actor, "search", "worklist", None, patient_id=None, at=at, changes={"disclosed": disclosed})
    per_day = [(today + timedelta(days=n), counts.get(today + timedelta(days=n), 0)) for n in range(days)]
    return Worklist(today, due, total, per_day, page, pages, moved, overdue, total_overdue)
