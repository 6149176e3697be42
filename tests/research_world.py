"""A clinic's records for the research export tests (integration, CLI and pages), built through the services.

North: Ada (registry consent; a TC course that ended last summer, a session performed from a lot, an adverse event
on it, assessments with measurements, notes on everything), Bea (a course, no registry consent), Dee (registry
consent withdrawn), Eve (registry consent, chemotherapy still to come). South: Cal, whom North never exports.
Every free-text field holds a sentence with the patient's name, so a test can tell if any free text leaked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import Patient, TherapySession
from exohair.domain.access import Role
from exohair.features.adverse_events import service as adverse_events
from exohair.features.adverse_events.schemas import AdverseEventIn
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.consent import service as consent
from exohair.features.consent.schemas import ConsentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.patients import service as patients
from exohair.features.products import service as products
from exohair.features.products.schemas import LotIn
from exohair.features.sessions import service as sessions
from exohair.features.sessions.schemas import PerformIn
from exohair.knowledge import shipped_knowledge
from personas import NOW, World, patient_in

KNOWLEDGE = shipped_knowledge()
ENDED = date(2026, 6, 1)  # nine months before NOW: the course has ended
COMING = date(2027, 3, 22)


@dataclass
class ResearchWorld:
    world: World
    included: list[Patient]  # registry consent stands
    excluded: list[Patient]  # none, withdrawn, or another clinic
    everyone: list[Patient] = field(default_factory=list)


def _consent(session: Session, world: World, patient: Patient, *, withdraw: bool = False) -> None:
    signed = ConsentIn(scope="registry", document_version="REG-1", signed_by=patient.given_name, signed_at=NOW)
    record = consent.record_consent(session, world.actor(Role.CLINICIAN), patient.id, signed, at=NOW)
    if withdraw:
        consent.withdraw_consent(session, world.actor(Role.CLINICIAN), record.id, record.version, at=NOW)


def _course(session: Session, world: World, patient: Patient, first: date, protocol: str = "priming-regrowth"):
    data = CourseIn(regimen="TC", first_infusion=first, protocol=protocol, adjuncts=["minoxidil"])
    return courses.start_course(session, world.actor(Role.COORDINATOR), patient.id, data, KNOWLEDGE, at=NOW).course


def build_research_world(session: Session, world: World | None = None) -> ResearchWorld:
    """The records above, in `world` (the API tests' cast) or in a new cast of personas."""
    world = world or World(session)
    clinician, coordinator = world.actor(Role.CLINICIAN), world.actor(Role.COORDINATOR)
    dee = patients.register_patient(session, coordinator, patient_in("N-3", "Dalton", given_name="Dee"), at=NOW)
    eve = patients.register_patient(
        session, coordinator,
        patient_in("N-4", "Evans", given_name="Eve", hair_type="Eve Evans says curly", aga_stage="Ludwig I"),
        at=NOW,
    )  # fmt: skip
    ada_course = _course(session, world, world.ada, ENDED)
    _course(session, world, world.bea, ENDED)
    _course(session, world, dee, ENDED)
    _course(session, world, eve, COMING)
    for patient in (world.ada, eve):
        _consent(session, world, patient)
    _consent(session, world, dee, withdraw=True)

    lot = products.add_lot(
        session, clinician,
        LotIn(product="ExoDerm", source_cells="adipose-derived MSC", manufacturer="Acme Bio", lot_number="LOT-4242",
              expires_on=date(2028, 1, 1), regulatory_reference="REF-1", stock_on_hand=5, particles_per_ml=1e9),
        at=NOW,
    )  # fmt: skip
    row = session.scalars(
        select(TherapySession)
        .where(TherapySession.course_id == ada_course.id, TherapySession.planned_on.is_not(None))
        .order_by(TherapySession.planned_on)
    ).first()
    assert row is not None
    done = NOW.date() - timedelta(days=20)  # performed earlier than planned, so its events are in the past
    performed = PerformIn(version=row.version, performed_on=done, product_lot_id=lot.id, dose_ml=2.0,
                          scalp_sites=["vertex", "crown"],
                          override_reason="Ada Able asked to go ahead; no labs on file")  # fmt: skip
    sessions.perform_session(session, clinician, row.id, performed, KNOWLEDGE, at=NOW)
    event = AdverseEventIn(onset_on=done + timedelta(days=1), ctcae_term="Scalp pain", grade=1,
                           relatedness="possible", serious=False, session_id=row.id,
                           resolved_on=done + timedelta(days=4), notes="Ada Able phoned on Monday")  # fmt: skip
    adverse_events.report_adverse_event(session, clinician, world.ada.id, event, at=NOW)
    last = ada_course.last_cytotoxic_infusion
    for days, dean in ((28, 3), (120, 1)):
        measured = [{"site": "vertex", "density_per_cm2": 150.0 + days, "diameter_um": 60.0},
                    {"site": "frontal", "density_per_cm2": 170.0 + days}]  # fmt: skip
        data = AssessmentIn(assessed_on=last + timedelta(days=days), dean_score=dean, ctcae_grade=1, distress=4,
                            head_cover="sometimes", measurements=measured, notes="Ada Able cried")  # fmt: skip
        assessments.record_assessment(session, clinician, world.ada.id, data, KNOWLEDGE.scales, at=NOW)
    south = world.actor(Role.COORDINATOR, clinic="south")
    data = CourseIn(regimen="TC", first_infusion=ENDED, protocol="priming-regrowth")
    courses.start_course(session, south, world.cal.id, data, KNOWLEDGE, at=NOW)
    signed = ConsentIn(scope="registry", document_version="REG-1", signed_by="Cal", signed_at=NOW)
    consent.record_consent(session, south, world.cal.id, signed, at=NOW)
    session.commit()
    return ResearchWorld(
        world, [world.ada, eve], [world.bea, dee, world.cal], [world.ada, world.bea, dee, eve, world.cal]
    )
