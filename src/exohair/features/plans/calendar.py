"""The patient's calendar from her records (`GET /api/v1/patients/{id}/plan.ics`): sessions, assessment visits
and, when asked, the infusions, each with the revision count a calendar app needs to update it in place.

- A session's SEQUENCE is its row's revision count (`version` - 1): the row changes when the session moves (a
  re-plan or by hand), is cancelled or is performed, and at no other time, so one never touched stays at 0.
- An assessment visit's comes from what each plan version placed (plan_versions.assessments), an infusion's from
  the calendar after each recorded delay or skip (domain/event_history): only the versions that moved or withdrew
  that visit or dose count.
- Cancelled sessions, withdrawn visits and skipped doses stay in the file as STATUS:CANCELLED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, PlanVersion, TherapySession
from exohair.domain.access import Actor
from exohair.domain.event_history import EventStatus, Snapshot, event_history, snapshot_of
from exohair.domain.full_plan import FullPlan
from exohair.features.plans import repository
from exohair.features.plans.inputs import calendar_of
from exohair.features.plans.service import current_plan
from exohair.interop import ical
from exohair.knowledge import Knowledge


def patient_calendar(
    session: Session, actor: Actor, patient_id: uuid.UUID, knowledge: Knowledge, *, at: datetime, infusions: bool
) -> bytes:
    """The patient's current plan as iCalendar; the read is authorised and audited as a read of the plan."""
    stored = current_plan(session, actor, patient_id, knowledge, at=at)
    course, full = stored.course, stored.full
    versions = list(reversed(repository.versions(session, course.clinic_id, course.id)))  # oldest first
    events = [*_sessions(session, course, versions), *_assessments(versions, stored.version, full, at=at)]
    if infusions:
        events += _infusions(session, knowledge, course, full)
    return ical.events_to_ics(ical.calendar_name(full), events, stamp=stored.version.created_at)


def _sessions(session: Session, course: ChemoCourse, versions: list[PlanVersion]) -> Iterator[ical.CalendarEvent]:
    rows = repository.sessions_of_course(session, course.clinic_id, course.id)
    dated_before = _last_dates(versions)
    for row in sorted(rows, key=lambda r: (r.planned_on or date.min, r.key)):
        day = row.performed_on if row.status == "performed" else row.planned_on
        withdrawn = row.status == "cancelled"
        if day is None:
            # No valid day now. If a plan had given it one, a calendar app holds it there: cancel that event
            # (a later plan that finds it a day again revises it once more). Never dated: not in any calendar.
            day, withdrawn = dated_before.get(row.key), True
            if day is None:
                continue
        text = ical.PERFORMED_TEXT if row.status == "performed" else ical.SESSION_TEXT
        yield ical.CalendarEvent(
            ical.session_uid(row.key, str(course.id)), day, row.label.capitalize(), text,
            sequence=_revisions(row), stamp=row.updated_at, cancelled=withdrawn,
        )  # fmt: skip


def _last_dates(versions: list[PlanVersion]) -> dict[str, date]:
    """Each session's latest planned day in the plan versions that gave it one."""
    found: dict[str, date] = {}
    for version in versions:
        for placed in version.sessions:
            if placed.get("date"):
                found[placed["key"]] = date.fromisoformat(placed["date"])
    return found


def _revisions(row: TherapySession) -> int:
    return row.version - 1


def _assessments(
    versions: list[PlanVersion], current: PlanVersion, full: FullPlan, *, at: datetime
) -> Iterator[ical.CalendarEvent]:
    course = str(current.course_id)
    snapshots: list[Snapshot[str]] = [
        snapshot_of(((a["label"], date.fromisoformat(a["date"])) for a in version.assessments), version.created_at,
                    version.planned_from)
        for version in versions
        if version.assessments is not None
    ]  # fmt: skip
    # The plan as shown now: the same as the current version placed, unless a day has closed since.
    snapshots.append(snapshot_of(((a.label, a.date) for a in full.plan.assessments), at, current.planned_from))
    for label, state in sorted(event_history(snapshots).items(), key=lambda item: (item[1].day, item[0])):
        if state.status is EventStatus.PASSED:
            continue  # before the plan's first day: the plan no longer shows it, nor does the calendar
        yield ical.CalendarEvent(
            ical.assessment_uid(label, course), state.day, ical.assessment_summary(label),
            ical.ASSESSMENT_TEXT, sequence=state.sequence, stamp=state.changed_at,
            cancelled=state.status is EventStatus.CANCELLED,
        )  # fmt: skip


def _infusions(
    session: Session, knowledge: Knowledge, course: ChemoCourse, full: FullPlan
) -> Iterator[ical.CalendarEvent]:
    records = repository.infusion_records(session, course.clinic_id, course.id)
    snapshots = [
        snapshot_of(
            (((i.cycle, i.day), i.date) for i in calendar_of(knowledge, course, records[:count]).given),
            records[count - 1].recorded_at if count else course.created_at,
        )
        for count in range(len(records) + 1)
    ]
    infusion_at = {(i.cycle, i.day): i for i in full.calendar.infusions}
    for key, state in sorted(event_history(snapshots).items(), key=lambda item: (item[1].day, item[0])):
        yield ical.CalendarEvent(
            ical.infusion_uid(key[0], key[1], str(course.id)), state.day, ical.infusion_summary(infusion_at[key]),
            ical.INFUSION_TEXT, sequence=state.sequence, stamp=state.changed_at,
            cancelled=state.status is EventStatus.CANCELLED,
        )  # fmt: skip
