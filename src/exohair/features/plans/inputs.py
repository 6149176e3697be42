"""From rows on file to the pure domain's inputs: the calendar as it stands, the clinic's closures, the patient's
facts. One place, so the plan the API shows and the plan the gate checks are built from the same things."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, Clinic
from exohair.domain.calendar import ChemoCalendar, InfusionChange, build_chemo_calendar
from exohair.domain.closures import ClinicClosures
from exohair.domain.patients import PatientFacts
from exohair.domain.planning import PerformedSession
from exohair.domain.protocols import SessionKind
from exohair.features.courses.regimens import course_regimen
from exohair.features.plans import repository
from exohair.knowledge import Knowledge


class InfusionFacts(Protocol):
    """An infusion record, or just the columns of one (repository.InfusionChangeRow)."""

    @property
    def cycle(self) -> int: ...
    @property
    def day(self) -> int: ...
    @property
    def delay_days(self) -> int: ...
    @property
    def skipped(self) -> bool: ...


class SessionFacts(Protocol):
    """A therapy session row, or just the columns of one (repository.SessionState)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def performed_on(self) -> date | None: ...


class CourseFacts(Protocol):
    """A chemo course row, or the columns of one (reads.CourseRow): what its calendar is built from."""

    @property
    def clinic_id(self) -> uuid.UUID: ...
    @property
    def regimen_id(self) -> str: ...
    @property
    def custom_regimen(self) -> dict[str, Any] | None: ...
    @property
    def first_infusion(self) -> date: ...


class VersionFacts(Protocol):
    """A plan version row, or the columns of one (reads.VersionRow): what it was planned with."""

    @property
    def protocol_id(self) -> str: ...
    @property
    def protocol_version(self) -> int: ...
    @property
    def adjuncts(self) -> list[str]: ...
    @property
    def planned_from(self) -> date: ...


def clinic_today(clinic: Clinic, at: datetime) -> date:
    """Dates of care are calendar dates in the clinic's time zone; `at` is an instant."""
    return at.astimezone(ZoneInfo(clinic.timezone)).date()


def infusion_changes(records: Iterable[InfusionFacts]) -> list[InfusionChange]:
    """The latest record of each infusion wins; earlier ones stay on file as history."""
    latest: dict[tuple[int, int], InfusionFacts] = {}
    for record in records:  # in recorded order
        latest[(record.cycle, record.day)] = record
    return [InfusionChange(r.cycle, r.day, r.delay_days, r.skipped) for r in latest.values()]


def course_calendar(session: Session, knowledge: Knowledge, course: ChemoCourse) -> ChemoCalendar:
    records = repository.infusion_changes(session, course.clinic_id, course.id)
    return calendar_of(knowledge, course, records)


def calendar_of(knowledge: Knowledge, course: CourseFacts, records: Iterable[InfusionFacts]) -> ChemoCalendar:
    """The course's calendar from its infusion records as read (in recorded order)."""
    regimen = course_regimen(knowledge, course.regimen_id, course.custom_regimen)
    return build_chemo_calendar(regimen, course.first_infusion, infusion_changes(records))


def clinic_closures(session: Session, clinic: Clinic) -> ClinicClosures:
    return ClinicClosures(frozenset(clinic.closed_weekdays), frozenset(repository.closed_days(session, clinic)))


class PatientRecord(Protocol):
    """A patient row, or a patient being registered (PatientIn): what the planner needs to know of them."""

    @property
    def date_of_birth(self) -> date: ...
    @property
    def aga_stage(self) -> str | None: ...
    @property
    def conditions(self) -> list[str]: ...
    @property
    def anticoagulated(self) -> bool: ...


def patient_facts(patient: PatientRecord, on: date) -> PatientFacts:
    born = patient.date_of_birth
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    aga = bool(patient.aga_stage and patient.aga_stage.strip().lower() not in ("", "none", "0", "i-0"))
    return PatientFacts(
        age_years=age,
        androgenetic_alopecia=aga,
        conditions=frozenset(patient.conditions),
        anticoagulated=patient.anticoagulated,
    )


def performed(rows: Iterable[SessionFacts]) -> list[PerformedSession]:
    return [
        PerformedSession(r.key, SessionKind(r.kind), r.performed_on)
        for r in rows
        if r.status == "performed" and r.performed_on is not None
    ]
