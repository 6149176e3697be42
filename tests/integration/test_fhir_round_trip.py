"""The round trip: demo patients in chemotherapy, with a delay, performed sessions and assessments, exported as FHIR
and imported into an empty second clinic, come back with the same regimen, calendar, protocol, adjuncts, sessions
(day, status, lot, dose, sites) and assessments, field by field. The demo clinic is loaded once per database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from databases import empty_postgres, postgres_engine, sqlite_engine
from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import Assessment, ChemoCourse, Clinic, InfusionRecord, Patient, ProductLot
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.demo.clinic import load_demo_clinic
from exohair.features.fhir.importing import import_bundle
from exohair.features.fhir.service import operator_bundle
from exohair.features.plans import repository as plans
from exohair.features.plans.inputs import clinic_today, course_calendar
from exohair.knowledge import shipped_knowledge

KNOWLEDGE = shipped_knowledge()
NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)  # the demo is dated relative to it


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Session]:
    engine = sqlite_engine(tmp_path_factory.mktemp("demo")) if request.param == "sqlite" else postgres_engine()
    migrate.upgrade(engine)
    with make_sessions(engine)() as session:
        load_demo_clinic(session, KNOWLEDGE, now=NOW, timezone="UTC", history=0)
        session.commit()
        yield session
    if request.param == "postgres":
        empty_postgres(engine)
    engine.dispose()


def _candidates(session: Session) -> list[Patient]:
    """Patients in chemotherapy today with a delay already given or a session cancelled, sessions performed and
    assessments on file."""
    found = []
    clinic_day = NOW.date()  # the demo clinic's time zone is UTC here
    for course in session.scalars(select(ChemoCourse).where(ChemoCourse.status == "active")):
        calendar = course_calendar(session, KNOWLEDGE, course)
        if not calendar.first_infusion <= clinic_day <= calendar.end_of_chemo:
            continue
        records = session.scalars(select(InfusionRecord).where(InfusionRecord.course_id == course.id)).all()
        dated = {(i.cycle, i.day): i.date for i in calendar.infusions}
        if any(dated[(r.cycle, r.day)] > clinic_day for r in records):
            continue  # a delay still to come is not in an export (administrations stop at today)
        sessions = plans.sessions_of_course(session, course.clinic_id, course.id)
        assessed = session.scalars(select(Assessment).where(Assessment.patient_id == course.patient_id)).all()
        eventful = any(r.delay_days > 0 for r in records) or any(s.status == "cancelled" for s in sessions)
        if eventful and any(s.status == "performed" for s in sessions) and assessed:
            found.append(session.get_one(Patient, course.patient_id))
    return sorted(found, key=lambda p: p.mrn)


def _second_clinic(session: Session) -> Actor:
    clinic = accounts.create_clinic(session, "Second Clinic", at=NOW)
    user = accounts.create_user(session, clinic, email="clinician@second.test", display_name="Clinician",
                                role="clinician", at=NOW)  # fmt: skip
    return Actor(user.id, clinic.id, Role.CLINICIAN, None, "test")


def _chart(session: Session, patient: Patient) -> dict[str, object]:
    """Everything the round trip must keep, in words a comparison can show."""
    course = plans.active_course(session, patient.clinic_id, patient.id)
    assert course is not None
    version = plans.current_version(session, patient.clinic_id, course.id)
    assert version is not None
    today = clinic_today(session.get_one(Clinic, patient.clinic_id), NOW)
    calendar = course_calendar(session, KNOWLEDGE, course)
    rows = plans.sessions_of_course(session, patient.clinic_id, course.id)
    lots = {lot.id: lot.lot_number for lot in session.scalars(select(ProductLot))}
    assessed = session.scalars(select(Assessment).where(Assessment.patient_id == patient.id)
                               .order_by(Assessment.assessed_on, Assessment.source)).all()  # fmt: skip
    return {
        "patient": (
            patient.mrn,
            patient.family_name,
            patient.given_name,
            patient.date_of_birth,
            patient.sex,
            patient.cancer_type,
            patient.cancer_stage,
        ),
        "regimen": (course.regimen_id, course.first_infusion),
        "calendar": [(i.cycle, i.day, i.date, i.status.value) for i in calendar.infusions if i.date <= today],
        "plan": (version.protocol_id, sorted(version.adjuncts)),
        "sessions": sorted(
            (
                r.kind,
                r.label,
                r.status,
                r.planned_on,
                r.performed_on,
                r.cancel_reason,
                lots.get(r.product_lot_id) if r.product_lot_id else None,
                r.dose_ml,
                tuple(r.scalp_sites or ()),
                r.override_reason,
            )
            for r in rows
        ),
        "assessments": [
            (
                a.assessed_on,
                a.source,
                a.ctcae_grade,
                a.dean_score,
                a.distress,
                a.head_cover,
                sorted((m["site"], m.get("density_per_cm2"), m.get("diameter_um")) for m in a.measurements),
                a.notes,
            )
            for a in assessed
        ],
    }


def test_demo_patients_in_chemotherapy_come_back_field_by_field(demo: Session):
    candidates = _candidates(demo)
    assert len(candidates) >= 3, (
        "the demo clinic should hold patients in chemotherapy with delays, sessions, assessments"
    )
    actor = _second_clinic(demo)
    kinds: set[str] = set()
    for patient in candidates:
        before = _chart(demo, patient)
        bundle = operator_bundle(demo, patient, KNOWLEDGE, at=NOW)

        report = import_bundle(demo, actor, bundle, KNOWLEDGE, at=NOW)
        demo.commit()

        assert not [i for i in report.issues if i.severity.value == "error"], (patient.mrn, report.issues)
        assert report.inferred is not None
        assert report.inferred.confidence > 0.5, patient.mrn  # the bundle's own regimen code decides close calls
        imported = demo.scalars(select(Patient).where(Patient.clinic_id == actor.clinic_id, Patient.mrn == patient.mrn))
        after = _chart(demo, imported.one())
        for part, value in before.items():
            assert after[part] == value, (patient.mrn, part)
        assert report.created["sessions_restored"] == len(before["sessions"])  # type: ignore[arg-type]
        assert report.created["assessments"] == len(before["assessments"])  # type: ignore[arg-type]
        kinds |= {row[2] for row in before["sessions"]}  # type: ignore[attr-defined]
        kinds |= {"delayed"} if report.recorded else set()
    assert kinds >= {"performed", "cancelled", "planned", "delayed"}  # every kind of history went through


def test_every_patient_the_demo_has_in_chemotherapy_infers_her_own_regimen(demo: Session):
    """Beyond the one compared field by field: each candidate's export, previewed, names her regimen."""
    actor = Actor(*_any_staff(demo))
    for patient in _candidates(demo):
        course = plans.active_course(demo, patient.clinic_id, patient.id)
        assert course is not None
        bundle = operator_bundle(demo, patient, KNOWLEDGE, at=NOW)
        report = import_bundle(demo, actor, bundle, KNOWLEDGE, at=NOW, preview=True)
        assert report.inferred is not None
        assert report.inferred.fit is not None, patient.mrn
        assert report.inferred.fit.regimen_id == course.regimen_id, patient.mrn
    demo.rollback()


def _any_staff(session: Session) -> tuple:
    clinic = session.scalars(select(Clinic).where(Clinic.name == "Third Clinic")).first()
    if clinic is None:
        clinic = accounts.create_clinic(session, "Third Clinic", at=NOW)
    user = accounts.create_user(session, clinic, email=f"co{len(session.new)}@third.test", display_name="Co",
                                role="coordinator", at=NOW)  # fmt: skip
    return (user.id, clinic.id, Role.COORDINATOR, None, "test")
