"""Intake: a new patient, their chemo course and plan, the cost estimate and payment plan they agree to, and the
request for the oncologist's clearance, made as one use case so a half-finished intake never lands on file.

The same use case answers the previews (the plan beside the chemo calendar, the cost and payment schedule): with
`preview` it runs inside a savepoint that is rolled back, audit entries included, so what the coordinator sees
before sending is exactly what sending files.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from exohair.domain.access import Actor, Permission, require
from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.costing import Estimate
from exohair.domain.errors import InvalidInput
from exohair.domain.full_plan import FullPlan
from exohair.domain.risk import RiskEstimate, estimate_cia_risk
from exohair.features.audit.service import dry_run
from exohair.features.billing import service as billing
from exohair.features.billing.allocation import Due
from exohair.features.billing.schemas import PaymentPlanIn
from exohair.features.clearances import service as clearances
from exohair.features.courses import service as courses
from exohair.features.courses.regimens import requested_regimen
from exohair.features.courses.schemas import CourseIn
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientIn
from exohair.features.plans import inputs
from exohair.features.plans import service as plans
from exohair.knowledge import Knowledge

INTAKE_WINDOW_DAYS = 366


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """What the patient agrees to pay the estimate's expected cost with (a deposit, then monthly instalments)."""

    deposit_cents: int
    instalments: int
    apr_percent: Decimal
    first_due_on: date


@dataclass(frozen=True, slots=True)
class IntakeDraft:
    patient: PatientIn
    course: CourseIn
    payment: PaymentTerms | None  # None: no payment plan yet (e.g. a clinician's intake; billing is not theirs)
    clearance_note: str | None = None


@dataclass(frozen=True, slots=True)
class Admitted:
    patient_id: uuid.UUID
    full: FullPlan
    estimate: Estimate
    schedule: list[Due]  # the payment plan's dues as filed: deposit (number 0), then instalments; [] without one
    total_payable_cents: int


def admit(
    session: Session,
    actor: Actor,
    draft: IntakeDraft,
    knowledge: Knowledge,
    *,
    tariffs_version: str,
    at: datetime,
    preview: bool = False,
) -> Admitted:
    """Register the patient, start the course with its plan, file the estimate and payment plan, ask for
    clearance. Every refusal is the underlying use case's own (a duplicate MRN, an unknown regimen, a payment
    plan that cannot be scheduled), raised before anything is kept."""
    require(actor, Permission.WRITE_PATIENT)
    require(actor, Permission.MANAGE_COURSE)
    if draft.payment is not None:
        require(actor, Permission.MANAGE_BILLING)
    if not preview:
        return _admit(session, actor, draft, knowledge, tariffs_version=tariffs_version, at=at)
    with dry_run(session):
        return _admit(session, actor, draft, knowledge, tariffs_version=tariffs_version, at=at)


def check_new_patient(session: Session, actor: Actor, mrn: str) -> None:
    """Refuse, at the first step, an MRN this clinic has already registered (sending would refuse it anyway)."""
    require(actor, Permission.WRITE_PATIENT)
    patients.ensure_mrn_free(session, actor, mrn)


def check_course(knowledge: Knowledge, course: CourseIn, *, today: date) -> None:
    """Refuse an unknown regimen or agent, or a first infusion no intake is for, before the later steps.

    The calendar could be built for any year; an intake is for chemotherapy about to start or under way, so a
    first infusion more than a year from today is almost surely a mistyped year, and is said to be."""
    build_chemo_calendar(requested_regimen(knowledge, course), course.first_infusion)
    if abs((course.first_infusion - today).days) > INTAKE_WINDOW_DAYS:
        raise InvalidInput(
            f"The first infusion, {course.first_infusion:%d %b %Y}, is more than a year from today "
            f"({today:%d %b %Y}): check the year.",
            code="first_infusion_implausible",
        )


def estimate_risk(knowledge: Knowledge, patient: PatientIn, course: CourseIn, *, today: date) -> RiskEstimate:
    """The hair-loss risk of the course as typed, for the patient as typed: the estimate sending will file."""
    regimen = requested_regimen(knowledge, course)
    calendar = build_chemo_calendar(regimen, course.first_infusion)
    return estimate_cia_risk(regimen, calendar, inputs.patient_facts(patient, today), knowledge.risk_model)


def _admit(
    session: Session, actor: Actor, draft: IntakeDraft, knowledge: Knowledge, *, tariffs_version: str, at: datetime
) -> Admitted:
    patient = patients.register_patient(session, actor, draft.patient, at=at)
    patient_id = patient.id  # read now: after a preview's rollback the row is gone
    courses.start_course(session, actor, patient_id, draft.course, knowledge, at=at)
    stored = plans.current_plan(session, actor, patient_id, knowledge, at=at)
    estimate = stored.full.estimate
    schedule: list[Due] = []
    payable = 0
    if draft.payment is not None:
        filed = billing.save_estimate(
            session, actor, patient_id, estimate, currency=estimate.currency, tariffs_version=tariffs_version,
            plan_version_id=stored.version.id, at=at,
        )  # fmt: skip
        terms = PaymentPlanIn(
            estimate_id=filed.id,
            deposit_cents=draft.payment.deposit_cents,
            instalments=draft.payment.instalments,
            apr_percent=draft.payment.apr_percent,
            first_due_on=draft.payment.first_due_on,
        )
        plan = billing.create_payment_plan(session, actor, patient_id, terms, currency=estimate.currency, at=at)
        schedule = billing.schedule_dues(plan)
        payable = billing.total_payable_cents(plan)
    clearances.request_clearance(session, actor, patient_id, at=at, note=draft.clearance_note)
    return Admitted(patient_id, stored.full, estimate, schedule, payable)
