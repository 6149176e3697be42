"""Sessions: list and read them, check the gate, perform one, move or cancel a planned one.

Performing runs the safety gate over everything on file for that day (clearance, consent, labs, the chemo
calendar, contraindications, the product lot) and refuses with every reason. Only a clinician may go ahead
anyway, and only with a written reason; the gate result and the override are kept on the session and in the
audit trail. A performed session takes one vial from the lot, so stock and traceability stay true.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, Patient, ProductLot, TherapySession
from exohair.domain import safety
from exohair.domain.access import Actor, Permission, Role, require
from exohair.domain.calendar import ChemoCalendar
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.charts import audit_chart, audit_search, edit_versioned, open_chart, open_record
from exohair.features.clearances import repository as clearances
from exohair.features.consent import repository as consents
from exohair.features.labs import repository as labs
from exohair.features.plans import inputs
from exohair.features.plans import repository as plans
from exohair.features.products import repository as products
from exohair.features.products.service import take_vial
from exohair.features.sessions.schemas import CancelIn, PerformIn, RescheduleIn
from exohair.knowledge import Knowledge

MAX_PAGE = 500


def find_sessions(
    session: Session,
    actor: Actor,
    *,
    at: datetime,
    patient_id: uuid.UUID | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TherapySession]:
    """Sessions in a date range, across the clinic or for one patient. A patient account sees only their own."""
    require(actor, Permission.READ_PLAN)
    if actor.role is Role.PATIENT and patient_id is None:
        patient_id = actor.patient_id  # another patient's id is refused by open_chart below, as NotFound
    if patient_id is not None:
        open_chart(session, actor, patient_id, Permission.READ_PLAN)
    if from_date and to_date and to_date < from_date:
        raise InvalidInput("The date range ends before it starts.", code="bad_range")
    found = plans.find_sessions(
        session, actor.clinic_id, patient_id=patient_id, from_date=from_date, to_date=to_date, status=status,
        limit=max(1, min(limit, MAX_PAGE)), offset=max(0, offset),
    )  # fmt: skip
    audit_search(session, actor, "therapy_session", found, patient_id=patient_id, at=at)
    return found


def get_session(session: Session, actor: Actor, session_id: uuid.UUID, *, at: datetime) -> TherapySession:
    require(actor, Permission.READ_PLAN)
    row = _visible(session, actor, session_id, Permission.READ_PLAN)
    audit_chart(session, actor, "read", "therapy_session", row.id, patient_id=row.patient_id, at=at)
    return row


def check_gate(
    session: Session,
    actor: Actor,
    session_id: uuid.UUID,
    knowledge: Knowledge,
    *,
    on: date,
    at: datetime,
    product_lot_id: uuid.UUID | None = None,
) -> safety.GateResult:
    """The checklist for a session on `on`, without performing it."""
    require(actor, Permission.READ_CLINICAL)
    row = _visible(session, actor, session_id, Permission.READ_CLINICAL)
    lot = _lot(session, actor, product_lot_id) if product_lot_id else None
    result = _gate(session, knowledge, row, lot, on=on, at=at)
    audit_chart(session, actor, "read", "gate_check", row.id, patient_id=row.patient_id, at=at,
                changes={"on": on.isoformat(), "reasons": sorted(result.codes)})  # fmt: skip
    return result


def perform_session(
    session: Session, actor: Actor, session_id: uuid.UUID, data: PerformIn, knowledge: Knowledge, *, at: datetime
) -> TherapySession:
    require(actor, Permission.PERFORM_SESSION)
    row = _visible(session, actor, session_id, Permission.PERFORM_SESSION)
    if row.status != "planned":
        raise Conflict(f"This session is already {row.status}.", code=f"session_{row.status}")
    lot = _lot(session, actor, data.product_lot_id)
    result = _gate(session, knowledge, row, lot, on=data.performed_on, at=at)
    overridden = not result.passed and data.override_reason is not None
    if not result.passed and not overridden:
        raise safety.GateRefused(result)
    if overridden:
        require(actor, Permission.OVERRIDE_GATE)  # today this is the clinician; the check stays explicit
    if result.passed and data.override_reason is not None:
        raise InvalidInput("The gate passed, so there is nothing to override; leave the reason empty.",
                           code="nothing_to_override")  # fmt: skip
    take_vial(session, lot)
    gate: dict[str, Any] = {
        "passed": result.passed,
        "checked": list(result.checked),
        "reasons": [{"code": r.code, "message": r.message, "source": r.basis.source} for r in result.reasons],
    }
    diff = edit_versioned(
        session, row, data.version,
        {
            "status": "performed", "performed_on": data.performed_on, "performed_at": at, "operator_id": actor.user_id,
            "product_lot_id": lot.id, "dose_ml": data.dose_ml, "scalp_sites": data.scalp_sites,
            "dose_particles": data.dose_ml * lot.particles_per_ml if lot.particles_per_ml else None,
            "dose_protein_ug": data.dose_ml * lot.protein_ug_per_ml if lot.protein_ug_per_ml else None,
            "gate_result": gate, "override_reason": data.override_reason,
        },
        what="session",
    )  # fmt: skip
    action = "override" if overridden else "perform"
    audit_chart(session, actor, action, "therapy_session", row.id, patient_id=row.patient_id, at=at,
                changes=diff | {"gate_reasons": sorted(result.codes), "lot": lot.lot_number})  # fmt: skip
    return row


def reschedule_session(
    session: Session, actor: Actor, session_id: uuid.UUID, data: RescheduleIn, *, at: datetime
) -> TherapySession:
    """Move a planned session by hand. The gate is not run here; it runs when the session is performed."""
    require(actor, Permission.SCHEDULE_SESSION)
    row = _planned(session, actor, session_id)
    diff = edit_versioned(session, row, data.version, {"planned_on": data.planned_on}, what="session")
    audit_chart(session, actor, "update", "therapy_session", row.id, patient_id=row.patient_id, at=at, changes=diff)
    return row


def cancel_session(
    session: Session, actor: Actor, session_id: uuid.UUID, data: CancelIn, *, at: datetime
) -> TherapySession:
    require(actor, Permission.SCHEDULE_SESSION)
    row = _planned(session, actor, session_id)
    values = {"status": "cancelled", "cancel_reason": data.reason}
    diff = edit_versioned(session, row, data.version, values, what="session")
    audit_chart(session, actor, "cancel", "therapy_session", row.id, patient_id=row.patient_id, at=at, changes=diff)
    return row


def gates_on_planned_days(
    session: Session, knowledge: Knowledge, rows: Sequence[TherapySession], *, at: datetime
) -> list[safety.GateResult]:
    """The gate of each session on its planned day, with no lot yet, for sessions the caller has already been
    allowed to see (a worklist's page; the caller audits what it shows). The records the gate reads are fetched
    for all the sessions' patients at once, by the same queries (and orderings) as for one.

    The counts read at once are the latest drawn by now, which are the ones each session is judged by when it is
    planned for today or later. A session planned for a day already past is judged by the counts of that day, so
    it goes through the one-session gate, which reads them."""
    if not rows:
        return []
    clinic_id = rows[0].clinic_id
    assert all(r.clinic_id == clinic_id and r.planned_on is not None for r in rows)
    today = inputs.clinic_today(session.get_one(Clinic, clinic_id), at)
    ids = list({r.patient_id for r in rows})
    courses = plans.courses_with_changes(session, clinic_id, list({r.course_id for r in rows}))
    found = _GateRecords(
        session.get_one(Clinic, clinic_id),
        labs.latest_before_each(session, clinic_id, ids, at),
        clearances.current_each(session, clinic_id, ids),
        consents.latest_each(session, clinic_id, ids, "treatment"),
        {course_id: inputs.calendar_of(knowledge, course, changes) for course_id, (course, changes) in courses.items()},
    )
    return [
        _gate_with(session, knowledge, found, row, None, on=row.planned_on, at=at)  # type: ignore[arg-type]
        if row.planned_on >= today  # type: ignore[operator]
        else _gate(session, knowledge, row, None, on=row.planned_on, at=at)  # type: ignore[arg-type]
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class _GateRecords:
    clinic: Clinic
    labs: Mapping[uuid.UUID, Any]
    clearances: Mapping[uuid.UUID, Any]
    consents: Mapping[uuid.UUID, Any]
    calendars: Mapping[uuid.UUID, ChemoCalendar] | None = None  # by course; None: read per session


def _gate(
    session: Session, knowledge: Knowledge, row: TherapySession, lot: ProductLot | None, *, on: date, at: datetime
) -> safety.GateResult:
    clinic_id, patient = row.clinic_id, row.patient_id
    clinic = session.get_one(Clinic, clinic_id)
    found = _GateRecords(
        clinic,
        {patient: labs.latest_before(session, clinic_id, patient, judged_at(clinic, on, at))},
        {patient: clearances.current(session, clinic_id, patient)},
        {patient: consents.latest(session, clinic_id, patient, "treatment")},
    )
    return _gate_with(session, knowledge, found, row, lot, on=on, at=at)


def _gate_with(
    session: Session,
    knowledge: Knowledge,
    found: _GateRecords,
    row: TherapySession,
    lot: ProductLot | None,
    *,
    on: date,
    at: datetime,
) -> safety.GateResult:
    patient = session.get_one(Patient, row.patient_id)
    if found.calendars is not None:
        calendar = found.calendars.get(row.course_id)
    else:
        course = plans.course(session, row.clinic_id, row.course_id)
        calendar = inputs.course_calendar(session, knowledge, course) if course is not None else None
    context = safety.SessionContext(
        facts=inputs.patient_facts(patient, on),
        labs=_labs(found.labs.get(row.patient_id)),
        clearance=_clearance(found.clearances.get(row.patient_id)),
        consent=_consent(found.consents.get(row.patient_id), found.clinic),
        product=safety.ProductLot(lot.product, lot.lot_number, lot.expires_on, lot.regulatory_reference)
        if lot is not None
        else None,
        calendar=calendar,
        current_consent_version=found.clinic.consent_document_version,
    )
    return safety.gate_session(context, on, judged_at(found.clinic, on, at), knowledge.gates)


def judged_at(clinic: Clinic, on: date, at: datetime) -> datetime:
    """The instant the labs of a session on `on` are judged at. Today: now. Another day: the end of that day in
    the clinic's time zone. Judging a future day's session by today's clock made week-old counts look fresh on the
    worklist and the checklist; the end of the day is the cautious end (counts must be recent enough for a session
    at any hour of it), and for a session entered afterwards it lets that day's own counts count."""
    if on == inputs.clinic_today(clinic, at):
        return at
    zone = ZoneInfo(clinic.timezone)
    return datetime.combine(on + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC) - timedelta(microseconds=1)


def _labs(row: Any) -> safety.Labs | None:
    if row is None:
        return None
    return safety.Labs(row.taken_at, row.anc_per_ul, row.platelets_per_ul, row.hb_g_dl, row.inr)


def _clearance(row: Any) -> safety.Clearance | None:
    if row is None or row.signed_on is None:
        return None
    revoked = row.revoked_on if row.status == "revoked" else None
    return safety.Clearance(row.signed_on, row.expires_on, revoked, row.conditions or "")


def _consent(row: Any, clinic: Clinic) -> safety.Consent | None:
    if row is None:
        return None
    local = inputs.clinic_today
    withdrawn = local(clinic, row.withdrawn_at) if row.withdrawn_at is not None else None
    return safety.Consent(row.document_version, local(clinic, row.signed_at), frozenset({row.scope}), withdrawn)


def _visible(session: Session, actor: Actor, session_id: uuid.UUID, permission: Permission) -> TherapySession:
    row = plans.therapy_session(session, actor.clinic_id, session_id)
    return open_record(session, actor, row, permission, missing=NotFound("No such session.", code="session_not_found"))


def _planned(session: Session, actor: Actor, session_id: uuid.UUID) -> TherapySession:
    row = _visible(session, actor, session_id, Permission.SCHEDULE_SESSION)
    if row.status != "planned":
        raise Conflict(f"Only a planned session can change; this one is {row.status}.", code=f"session_{row.status}")
    return row


def _lot(session: Session, actor: Actor, lot_id: uuid.UUID) -> ProductLot:
    lot = products.lot_in_clinic(session, actor.clinic_id, lot_id)
    if lot is None:
        raise NotFound("No such product lot in this clinic's stock.", code="product_lot_not_found")
    return lot
