"""The demo clinic (`exohair demo load`) built through the services: every state it promises is on file, the
typical patients of the foundation tests are there as those tests plan them, and it never mixes with data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from exohair.db import migrate
from exohair.db.engine import make_engine, make_sessions
from exohair.db.models import (
    AdverseEvent,
    AuditEntry,
    ChemoCourse,
    Clearance,
    Clinic,
    ConsentRecord,
    InfusionRecord,
    LabResult,
    Patient,
    PaymentPlanRecord,
    PaymentReceived,
    PlanVersion,
    ProductLot,
    TherapySession,
    User,
)
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.audit.service import verify_trail
from exohair.features.demo import visits
from exohair.features.demo.clinic import DatabaseNotEmpty, load_demo_clinic
from exohair.features.demo.staff import PASSWORDS
from exohair.features.products import service as products
from exohair.features.sessions import service as sessions
from exohair.knowledge import shipped_knowledge

KNOWLEDGE = shipped_knowledge()
NOW = datetime(2027, 3, 1, 15, 30, tzinfo=UTC)  # any instant will do: the demo is dated relative to it
TIMEZONE = "Europe/London"
TODAY = NOW.astimezone(ZoneInfo(TIMEZONE)).date()


@pytest.fixture
def demo(db_session: Session):
    loaded = load_demo_clinic(db_session, KNOWLEDGE, now=NOW, timezone=TIMEZONE)
    db_session.commit()  # as the command does: the audit entries are chained in at commit
    return loaded


def _count(session: Session, query: Select[tuple[int]]) -> int:
    return session.scalar(query) or 0


def _courses(session: Session, *where: object) -> list[ChemoCourse]:
    return list(session.scalars(select(ChemoCourse).where(ChemoCourse.status == "active", *where)))


def test_the_demo_clinic_has_staff_of_every_role_and_patients_in_every_state(db_session, demo):
    session = db_session
    assert {role for (role,) in session.execute(select(User.role).distinct())} == {r.value for r in Role}
    patients = _count(session, select(func.count()).select_from(Patient))
    assert patients >= 35
    before = _courses(session, ChemoCourse.first_infusion > TODAY)
    during = _courses(session, ChemoCourse.first_infusion <= TODAY, ChemoCourse.end_of_chemo >= TODAY)
    after = _courses(session, ChemoCourse.end_of_chemo < TODAY)
    assert (len(before), len(during), len(after)) >= (5, 10, 8)
    assert patients - len(before) - len(during) - len(after) >= 3, "patients with no course yet"
    assert demo.states == {"before": len(before), "in": len(during), "after": len(after), "no course": 4}
    delayed = {r.course_id for r in session.scalars(select(InfusionRecord).where(InfusionRecord.delay_days > 0))}
    assert len(delayed & {c.id for c in during}) >= 3, "patients in chemo with a delayed infusion"
    assert _count(session, select(func.count()).select_from(InfusionRecord).where(InfusionRecord.skipped))
    replanned = select(func.count()).select_from(PlanVersion).where(PlanVersion.number > 1)
    assert _count(session, replanned) >= len(delayed), "each delay re-anchored the plan"
    assert {c.regimen_id for c in before + during + after} >= {"ac-t", "tc", "ac", "fec100", "folfox"}
    protocols = {v.protocol_id for v in session.scalars(select(PlanVersion))}
    assert protocols == {"priming-regrowth", "priming-in-cycle-regrowth", "regrowth-only", "observation-only"}
    # The clinic's past (demo/history.py): enough patients with registry consent for the Evidence page.
    observed = select(func.count()).select_from(PlanVersion).where(PlanVersion.protocol_id == "observation-only")
    assert _count(session, observed) >= 20, "comparators followed under observation only"
    registry = select(func.count()).select_from(ConsentRecord).where(ConsentRecord.scope == "registry")
    assert _count(session, registry) >= 80
    statuses = {status for (status,) in session.execute(select(Clearance.status))}
    assert statuses == {"requested", "signed", "declined", "revoked"}

    performed = list(session.scalars(select(TherapySession).where(TherapySession.status == "performed")))
    assert len(performed) >= 40
    assert all(s.performed_on is not None and s.performed_on < TODAY for s in performed)
    assert sum(s.gate_result["passed"] for s in performed) == len(performed) - 1
    (overridden,) = [s for s in performed if not s.gate_result["passed"]]
    assert overridden.override_reason == visits.OVERRIDE_REASON
    assert [r["code"] for r in overridden.gate_result["reasons"]] == ["platelets_low"]
    assert _count(session, select(func.count()).select_from(AdverseEvent)) >= 2
    assert _count(session, select(func.count()).select_from(PaymentReceived)) >= 20
    assert {p.status for p in session.scalars(select(PaymentPlanRecord))} == {"active", "settled"}

    lots = list(session.scalars(select(ProductLot)))
    assert any(lot.expires_on < TODAY and lot.stock_on_hand > 0 for lot in lots), "an expired lot on the shelf"
    assert any(TODAY <= lot.expires_on <= TODAY + timedelta(days=30) for lot in lots), "a lot near expiry"
    # Nothing is dated after the moment it was loaded.
    assert session.scalar(select(func.max(AuditEntry.at))) <= NOW
    assert session.scalar(select(func.max(LabResult.taken_at))) <= NOW
    assert verify_trail(session).intact


def test_loading_twice_is_refused_and_changes_nothing(db_session, demo):
    head = db_session.scalar(select(func.max(AuditEntry.seq)))
    patients = _count(db_session, select(func.count()).select_from(Patient))
    with pytest.raises(DatabaseNotEmpty, match="already holds 1 clinic"):
        load_demo_clinic(db_session, KNOWLEDGE, now=NOW + timedelta(days=1), timezone=TIMEZONE)
    db_session.rollback()
    assert db_session.scalar(select(func.max(AuditEntry.seq))) == head
    assert _count(db_session, select(func.count()).select_from(Patient)) == patients
    assert _count(db_session, select(func.count()).select_from(Clinic)) == 1


def test_the_two_typical_patients_are_planned_as_the_foundation_tests_plan_them(db_session, demo):
    session = db_session
    clinic = session.scalars(select(Clinic)).one()
    clinician = session.scalars(select(User).where(User.role == "clinician")).first()
    actor = Actor(clinician.id, clinic.id, Role.CLINICIAN, None, "test")
    lot = next(
        lot
        for lot in products.list_lots(session, actor, at=NOW, usable_on=TODAY, include_empty=False)
        if lot.regulatory_reference
    )

    def typical(family: str) -> tuple[ChemoCourse, PlanVersion, TherapySession]:
        patient = session.scalars(select(Patient).where(Patient.family_name == family)).one()
        course = session.scalars(select(ChemoCourse).where(ChemoCourse.patient_id == patient.id)).one()
        version = session.scalars(select(PlanVersion).where(PlanVersion.course_id == course.id)).one()
        first = session.scalars(
            select(TherapySession).where(TherapySession.course_id == course.id).order_by(TherapySession.planned_on)
        ).first()
        user = session.scalars(select(User).where(User.patient_id == patient.id)).one()
        assert accounts.authenticate_password(session, clinic, user.email, PASSWORDS[Role.PATIENT], at=NOW)
        return course, version, first

    # Stage II breast cancer, AC then weekly paclitaxel in 14 days; priming starts today, with scalp cooling.
    course, version, today_session = typical("Reyes")
    assert (course.regimen_id, course.first_infusion) == ("ac-t", TODAY + timedelta(days=14))
    assert (version.protocol_id, version.adjuncts) == ("priming-regrowth", ["scalp-cooling"])
    assert (today_session.key, today_session.planned_on, today_session.status) == ("priming-1", TODAY, "planned")
    gate = sessions.check_gate(session, actor, today_session.id, KNOWLEDGE, on=TODAY, at=NOW, product_lot_id=lot.id)
    assert gate.passed, [r.code for r in gate.reasons]  # cleared, consented, counts drawn this morning

    # TC ×4 finished five weeks ago; regrowth sessions with minoxidil start today, once the oncologist clears her.
    course, version, today_session = typical("Walsh")
    assert (course.regimen_id, course.first_infusion) == ("tc", TODAY - timedelta(days=98))
    assert course.last_cytotoxic_infusion == TODAY - timedelta(days=35)
    assert (version.protocol_id, version.adjuncts) == ("regrowth-only", ["minoxidil"])
    assert (today_session.key, today_session.planned_on) == ("regrowth-1", TODAY)
    gate = sessions.check_gate(session, actor, today_session.id, KNOWLEDGE, on=TODAY, at=NOW, product_lot_id=lot.id)
    assert gate.codes == {"clearance_missing"}  # her clearance is still with the oncologist


def test_a_failure_part_way_leaves_the_database_empty(db_session, monkeypatch):
    performed = 0
    real = visits.perform

    def fails_on_the_tenth(*args, **kwargs):
        nonlocal performed
        performed += 1
        if performed == 10:
            raise RuntimeError("the disk is full")
        real(*args, **kwargs)

    monkeypatch.setattr(visits, "perform", fails_on_the_tenth)
    with pytest.raises(RuntimeError, match="disk is full"):
        load_demo_clinic(db_session, KNOWLEDGE, now=NOW, timezone=TIMEZONE)
    db_session.rollback()  # what the command's transaction does when the load raises
    for model in (Clinic, User, Patient, TherapySession, AuditEntry):
        assert _count(db_session, select(func.count()).select_from(model)) == 0, model.__name__


def test_the_demo_is_the_same_every_time_it_is_loaded_on_the_same_day():
    def fingerprint() -> list[tuple[object, ...]]:
        engine = make_engine("sqlite://")
        migrate.upgrade(engine)
        with make_sessions(engine).begin() as session:
            load_demo_clinic(session, KNOWLEDGE, now=NOW, timezone=TIMEZONE)
            rows = session.execute(
                select(Patient.mrn, Patient.date_of_birth, TherapySession.key, TherapySession.status,
                       TherapySession.planned_on, TherapySession.dose_ml, LabResult.platelets_per_ul)
                .join(TherapySession, TherapySession.patient_id == Patient.id)
                .join(LabResult, LabResult.patient_id == Patient.id)
                .order_by(Patient.mrn, TherapySession.key, LabResult.taken_at)
            )  # fmt: skip
            found = [tuple(row) for row in rows]
        engine.dispose()
        return found

    assert fingerprint() == fingerprint()
