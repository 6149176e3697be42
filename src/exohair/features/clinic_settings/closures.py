"""The days the clinic is closed: weekly closed weekdays, and one-off dates such as holidays.

New plans and re-plans avoid closed days (domain/closures.py). Sessions already planned keep their dates: moving
a patient's session is the coordinators' work, so the admin is told how many planned sessions fall on days now
closed (a count, without names: the admin role does not read patient records).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, ClosedDay
from exohair.domain.access import Actor, Permission, require
from exohair.domain.closures import ClinicClosures
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import record_event
from exohair.features.clinic_settings import repository
from exohair.features.plans.inputs import clinic_today

MAX_REASON = 200
HORIZON_DAYS = 3 * 366  # far enough for a course and a year of follow-up; further is a mistyped year


@dataclass(frozen=True, slots=True)
class ClinicClosedDays:
    clinic: Clinic  # its version guards the weekdays against a stale edit
    today: date
    weekdays: frozenset[int]
    days: tuple[ClosedDay, ...]  # from today on
    planned_on_closed: int  # planned sessions from today that fall on a closed day


def closed_days(session: Session, actor: Actor, *, at: datetime) -> ClinicClosedDays:
    require(actor, Permission.MANAGE_CLINIC)
    clinic = session.get_one(Clinic, actor.clinic_id)
    today = clinic_today(clinic, at)
    days = tuple(d for d in repository.closed_days(session, clinic.id) if d.day >= today)
    weekdays = frozenset(clinic.closed_weekdays)
    affected = repository.planned_sessions_on(
        session, clinic.id, days=[d.day for d in days], weekdays=weekdays, from_day=today
    )
    return ClinicClosedDays(clinic, today, weekdays, days, affected)


def set_closed_weekdays(
    session: Session, actor: Actor, weekdays: set[int], *, seen_version: int, at: datetime
) -> Clinic:
    require(actor, Permission.MANAGE_CLINIC)
    clinic = session.get_one(Clinic, actor.clinic_id)
    if clinic.version != seen_version:
        raise Conflict(
            "The clinic's settings were changed by someone else after you opened the page; nothing was saved. "
            "Look at them as they are now and try again.",
            code="stale_edit",
        )
    ClinicClosures(frozenset(weekdays))  # refuses a day number outside 0-6, or a week with no open day
    before = sorted(clinic.closed_weekdays)
    if before == sorted(weekdays):
        return clinic
    clinic.closed_weekdays = sorted(weekdays)
    session.flush()
    record_event(
        session, at=at, action="update", record_type="clinic", record_id=str(clinic.id), clinic_id=clinic.id,
        actor_id=actor.user_id, source=actor.source, changes={"closed_weekdays": [before, sorted(weekdays)]},
    )  # fmt: skip
    return clinic


def add_closed_day(session: Session, actor: Actor, day: date, reason: str, *, at: datetime) -> ClosedDay:
    require(actor, Permission.MANAGE_CLINIC)
    clinic = session.get_one(Clinic, actor.clinic_id)
    today = clinic_today(clinic, at)
    if day < today:
        raise InvalidInput(f"{day:%-d %b %Y} has passed; closing it would change nothing.", code="day_passed")
    if day > today + timedelta(days=HORIZON_DAYS):
        raise InvalidInput(f"{day:%-d %b %Y} is more than three years ahead: check the year.", code="day_too_far")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is at most {MAX_REASON} characters.", code="reason_too_long")
    if any(d.day == day for d in repository.closed_days(session, clinic.id)):
        raise Conflict(f"{day:%-d %b %Y} is already a closed day.", code="closed_day_exists")
    closed = ClosedDay(clinic_id=clinic.id, day=day, reason=reason or None)
    session.add(closed)
    session.flush()
    record_event(
        session, at=at, action="create", record_type="closed_day", record_id=str(closed.id), clinic_id=clinic.id,
        actor_id=actor.user_id, source=actor.source, changes={"day": [None, day.isoformat()], "reason": reason},
    )  # fmt: skip
    return closed


def reopen_day(session: Session, actor: Actor, day_id: uuid.UUID, *, at: datetime) -> date:
    """Remove a one-off closure; the day is open again for plans made from now."""
    require(actor, Permission.MANAGE_CLINIC)
    closed = repository.closed_day(session, actor.clinic_id, day_id)
    if closed is None:
        raise NotFound("No such closed day.", code="closed_day_not_found")
    day = closed.day
    session.delete(closed)
    session.flush()
    record_event(
        session, at=at, action="delete", record_type="closed_day", record_id=str(day_id), clinic_id=actor.clinic_id,
        actor_id=actor.user_id, source=actor.source, changes={"day": [day.isoformat(), None]},
    )  # fmt: skip
    return day
