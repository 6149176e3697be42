"""The plan read's queries (`GET /patients/{id}/plan`, the busiest route): each one statement, built once.

`plan_read` reads the patient with her active course, its current plan version, the clinic's closures and the
course's session states and infusion records (child rows as JSON columns): four round trips became one
(benchmarks/api_cost.py). `token_plan_read` is the same read with the personal token's check in it, for the
route's fast lane (features/plans/token_read.py): the request's every row in one statement, as columns.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any, NamedTuple

import psycopg
from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from exohair.db.driver_statements import select_first
from exohair.db.functions import iso_dates, json_rows, parse_iso_dates
from exohair.db.loop_statements import loop_select
from exohair.db.models import (
    ApiToken,
    ChemoCourse,
    Clinic,
    ClosedDay,
    InfusionRecord,
    Patient,
    PlanVersion,
    TherapySession,
    User,
)
from exohair.features.accounts.repository import CREDENTIAL_COLUMNS, Credentials
from exohair.features.plans.repository import InfusionChangeRow, SessionState

# The clinic's closed days ride along as one column (ISO dates joined by commas): one round trip fewer.
_CLOSED_DAYS_OF_CLINIC = (
    select(iso_dates(ClosedDay.day)).where(ClosedDay.clinic_id == Clinic.id).correlate(Clinic).scalar_subquery()
)
_ACTIVE_COURSE_ID = (
    select(ChemoCourse.id)
    .where(ChemoCourse.clinic_id == Patient.clinic_id, ChemoCourse.patient_id == Patient.id,
           ChemoCourse.status == "active")
    .order_by(ChemoCourse.created_at.desc())
    .limit(1)
    .correlate(Patient)
    .scalar_subquery()
)  # fmt: skip
_SESSION_STATES_JSON = (
    select(json_rows(TherapySession.key, TherapySession.kind, TherapySession.status, TherapySession.planned_on,
                     TherapySession.performed_on))
    .where(TherapySession.clinic_id == ChemoCourse.clinic_id, TherapySession.course_id == ChemoCourse.id)
    .correlate(ChemoCourse)
    .scalar_subquery()
)  # fmt: skip
_INFUSION_CHANGES_JSON = (
    select(json_rows(InfusionRecord.course_version, InfusionRecord.cycle, InfusionRecord.day,
                     InfusionRecord.delay_days, InfusionRecord.skipped))
    .where(InfusionRecord.clinic_id == ChemoCourse.clinic_id, InfusionRecord.course_id == ChemoCourse.id)
    .correlate(ChemoCourse)
    .scalar_subquery()
)  # fmt: skip
_COURSE_AND_PLAN = and_(ChemoCourse.clinic_id == Patient.clinic_id, ChemoCourse.id == _ACTIVE_COURSE_ID)
_CURRENT_VERSION = and_(
    PlanVersion.clinic_id == ChemoCourse.clinic_id, PlanVersion.course_id == ChemoCourse.id,
    PlanVersion.current.is_(True),
)  # fmt: skip
_PLAN_READ = (
    select(Patient, ChemoCourse, PlanVersion, Clinic.closed_weekdays, _CLOSED_DAYS_OF_CLINIC, _SESSION_STATES_JSON,
           _INFUSION_CHANGES_JSON)
    .select_from(Patient)
    .join(Clinic, Clinic.id == Patient.clinic_id)
    .outerjoin(ChemoCourse, _COURSE_AND_PLAN)
    .outerjoin(PlanVersion, _CURRENT_VERSION)
    .where(Patient.clinic_id == bindparam("clinic_id"), Patient.id == bindparam("patient_id"))
)  # fmt: skip


class PlanRead(NamedTuple):
    """Everything a plan read needs, from `plan_read`'s one statement."""

    patient: Patient
    course: ChemoCourse | None  # None: no active course
    version: PlanVersion | None  # None: the course has no plan yet
    closed_weekdays: list[int]
    closed_days: list[date]
    sessions: list[SessionState]
    infusions: list[InfusionChangeRow]  # in recorded order, as infusion_changes gives them


def plan_read(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> PlanRead | None:
    """The patient (None: not in this clinic) with her active course, its plan and its rows, in one query."""
    row = session.execute(_PLAN_READ, {"clinic_id": clinic_id, "patient_id": patient_id}).first()
    if row is None:
        return None
    patient, course, version, weekdays, closed, sessions_json, infusions_json = row
    return PlanRead(
        patient, course, version, weekdays, parse_iso_dates(closed), *_child_rows(sessions_json, infusions_json)
    )


class PatientRow(NamedTuple):
    """What the plan needs of the patient (inputs.PatientRecord), and whose chart it is."""

    id: uuid.UUID
    clinic_id: uuid.UUID
    date_of_birth: date
    aga_stage: str | None
    conditions: list[str]
    anticoagulated: bool


class CourseRow(NamedTuple):
    """What the plan needs of the course (inputs.CourseFacts)."""

    id: uuid.UUID
    clinic_id: uuid.UUID
    regimen_id: str
    custom_regimen: dict[str, Any] | None
    first_infusion: date


class VersionRow(NamedTuple):
    """What the plan needs of its current version (inputs.VersionFacts), and what the answer names."""

    id: uuid.UUID
    number: int
    protocol_id: str
    protocol_version: int
    adjuncts: list[str]
    planned_from: date


_PATIENT = (Patient.id, Patient.clinic_id, Patient.date_of_birth, Patient.aga_stage, Patient.conditions,
            Patient.anticoagulated)  # fmt: skip
_COURSE = (ChemoCourse.id, ChemoCourse.clinic_id, ChemoCourse.regimen_id, ChemoCourse.custom_regimen,
           ChemoCourse.first_infusion)  # fmt: skip
_VERSION = (PlanVersion.id, PlanVersion.number, PlanVersion.protocol_id, PlanVersion.protocol_version,
            PlanVersion.adjuncts, PlanVersion.planned_from)  # fmt: skip
# The token's holder and clinic (as accounts.repository.credentials reads them), then the patient of the path
# in that clinic only, her course and plan, and the clinic's closures: an unknown token finds no row at all, a
# patient of another clinic (or none) comes back as NULLs.
_TOKEN_PLAN_READ = (
    select(*CREDENTIAL_COLUMNS, *_PATIENT, *_COURSE, *_VERSION, Clinic.closed_weekdays, _CLOSED_DAYS_OF_CLINIC,
           _SESSION_STATES_JSON, _INFUSION_CHANGES_JSON)
    .select_from(ApiToken)
    .join(User, User.id == ApiToken.user_id)
    .join(Clinic, Clinic.id == User.clinic_id)
    .outerjoin(Patient, and_(Patient.clinic_id == User.clinic_id, Patient.id == bindparam("patient_id")))
    .outerjoin(ChemoCourse, _COURSE_AND_PLAN)
    .outerjoin(PlanVersion, _CURRENT_VERSION)
    .where(ApiToken.token_hash == bindparam("hash"))
)  # fmt: skip
_ENDS = [len(CREDENTIAL_COLUMNS)]
for _part in (_PATIENT, _COURSE, _VERSION):
    _ENDS.append(_ENDS[-1] + len(_part))


class TokenPlanRead(NamedTuple):
    credentials: Credentials
    patient: PatientRow | None  # None: no such patient in the token holder's clinic
    course: CourseRow | None  # None: no active course
    version: VersionRow | None  # None: the course has no plan yet
    closed_weekdays: list[int]
    closed_days: list[date]
    sessions: list[SessionState]
    infusions: list[InfusionChangeRow]


def token_plan_read(connection: Connection, token_hash: str, patient_id: uuid.UUID) -> TokenPlanRead | None:
    """The token's credentials (None: no such token) with the plan read of `patient_id` in its holder's clinic."""
    params = {"hash": token_hash, "patient_id": patient_id}
    # A row of 32 columns of many types: typed by the NamedTuples it is cut into below.
    row: Any
    if connection.dialect.name == "sqlite":  # on the driver's cursor, converted by the same types (driver_select)
        row = select_first(connection, _TOKEN_PLAN_READ, params)
    else:
        row = connection.execute(_TOKEN_PLAN_READ, params).first()
    return _token_plan(row) if row is not None else None


async def token_plan_read_on_loop(
    connection: psycopg.AsyncConnection[Any], dialect: Dialect, token_hash: str, patient_id: uuid.UUID
) -> TokenPlanRead | None:
    """`token_plan_read` on PostgreSQL, on psycopg's async connection (db/loop_statements.py, the plan lane)."""
    row = await loop_select(dialect, _TOKEN_PLAN_READ).first(connection, {"hash": token_hash, "patient_id": patient_id})
    return _token_plan(row) if row is not None else None


def _token_plan(row: Any) -> TokenPlanRead:
    a, b, c, d = _ENDS
    weekdays, closed, sessions_json, infusions_json = row[d:]
    return TokenPlanRead(
        Credentials(*row[:a]),
        PatientRow(*row[a:b]) if row[a] is not None else None,
        CourseRow(*row[b:c]) if row[b] is not None else None,
        VersionRow(*row[c:d]) if row[c] is not None else None,
        weekdays,
        parse_iso_dates(closed),
        *_child_rows(sessions_json, infusions_json),
    )


def _child_rows(
    sessions_json: str | None, infusions_json: str | None
) -> tuple[list[SessionState], list[InfusionChangeRow]]:
    sessions = [
        SessionState(key, kind, status, _day(planned), _day(performed))
        for key, kind, status, planned, performed in json.loads(sessions_json or "[]")
    ]
    infusions = [
        InfusionChangeRow(cycle, day, delay, bool(skipped))
        for _, cycle, day, delay, skipped in sorted(json.loads(infusions_json or "[]"), key=lambda r: r[0])
    ]
    return sessions, infusions


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None
