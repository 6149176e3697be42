"""FHIR export: a patient's whole episode as a FHIR R4 Bundle (`GET /api/v1/patients/{id}/$everything`,
`exohair fhir export`), and the clinic's patients as NDJSON, one file per resource type (`exohair fhir export
--all`), the layout of FHIR Bulk Data exports.

The export carries clinical records (labs are not in it yet; adverse events, assessments, consents are), so it
asks every read permission a chart's tabs ask, which the staff roles hold and the patient role does not. Scalp
photos go only while the patient's photo consent stands, as everywhere else. Each export is one audit entry per
patient, naming what went out.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, Patient
from exohair.domain.access import Actor, Permission, require
from exohair.domain.closures import ClinicClosures
from exohair.features.audit.service import record_event
from exohair.features.charts import audit_chart, open_chart
from exohair.features.fhir import repository
from exohair.features.photos.service import photo_consent
from exohair.features.plans import repository as plans_repository
from exohair.features.plans.inputs import clinic_today
from exohair.features.plans.service import rebuild
from exohair.interop.fhir.bundle import CourseEpisode, Episode, collection, episode_resources
from exohair.interop.fhir.chart import Resource
from exohair.knowledge import Knowledge

EXPORT_NEEDS = (Permission.READ_PLAN, Permission.READ_CLINICAL, Permission.READ_OUTCOMES, Permission.READ_CONSENT)
PHOTO_URL = "/api/v1/patients/{patient_id}/photos/{photo_id}"


def patient_bundle(
    session: Session, actor: Actor, patient_id: uuid.UUID, knowledge: Knowledge, *, at: datetime
) -> Resource:
    """The patient's episode as a Bundle of type collection; NotFound for a patient the actor may not see."""
    for permission in EXPORT_NEEDS:
        require(actor, permission)
    patient = open_chart(session, actor, patient_id, Permission.READ_PATIENT)
    resources = patient_resources(session, patient, knowledge, clinic_closures(session, patient.clinic_id), at=at)
    audit_export(session, actor, patient, resources, at=at)
    return collection(resources, at=at)


def operator_bundle(session: Session, patient: Patient, knowledge: Knowledge, *, at: datetime) -> Resource:
    """The same for the command line, whose user holds the database itself; audited as the command line's."""
    resources = patient_resources(session, patient, knowledge, clinic_closures(session, patient.clinic_id), at=at)
    audit_export(session, None, patient, resources, at=at)
    return collection(resources, at=at)


def operator_bulk(
    session: Session, clinic_id: uuid.UUID, knowledge: Knowledge, *, at: datetime
) -> dict[str, list[Resource]]:
    """Every patient of the clinic: resource type -> its resources, Patients first."""
    by_type: dict[str, list[Resource]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()  # a product lot is in every export of a patient it treated: list it once
    closures = clinic_closures(session, clinic_id)  # the clinic's, read once rather than per patient
    for patient_id in repository.patients_of_clinic(session, clinic_id):
        patient = session.get_one(Patient, patient_id)
        resources = patient_resources(session, patient, knowledge, closures, at=at)
        audit_export(session, None, patient, resources, at=at)
        for resource in resources:
            key = (resource["resourceType"], resource["id"])
            if key not in seen:
                seen.add(key)
                by_type[resource["resourceType"]].append(resource)
        session.expunge_all()  # a clinic's worth of rows need not stay in the identity map
    return dict(by_type)


def clinic_closures(session: Session, clinic_id: uuid.UUID) -> ClinicClosures:
    clinic = session.get_one(Clinic, clinic_id)
    return ClinicClosures(frozenset(clinic.closed_weekdays), frozenset(plans_repository.closed_days(session, clinic)))


def patient_resources(
    session: Session, patient: Patient, knowledge: Knowledge, closures: ClinicClosures, *, at: datetime
) -> list[Resource]:
    clinic = session.get_one(Clinic, patient.clinic_id)  # a primary-key read, for its time zone
    clinic_id, patient_id = clinic.id, patient.id
    versions = repository.current_versions(session, clinic_id, patient_id)
    sessions_of: dict[uuid.UUID, list] = defaultdict(list)  # type: ignore[type-arg]
    all_sessions = repository.sessions(session, clinic_id, patient_id)
    for row in all_sessions:
        sessions_of[row.course_id].append(row)
    courses = [
        CourseEpisode(course, versions[course.id], rebuild(session, knowledge, course, versions[course.id], patient,
                                                           closures=closures), sessions_of[course.id])
        for course in repository.courses(session, clinic_id, patient_id)
        if course.id in versions
    ]  # fmt: skip
    lot_ids = {row.product_lot_id for row in all_sessions if row.product_lot_id is not None}
    events = repository.adverse_events(session, clinic_id, patient_id)
    lot_ids |= {event.product_lot_id for event in events if event.product_lot_id is not None}
    consented = photo_consent(session, clinic_id, patient_id)  # photos go only while photo consent stands
    episode = Episode(
        patient=patient,
        courses=courses,
        lots={str(lot.id): lot for lot in repository.lots(session, clinic_id, lot_ids)},
        assessments=repository.assessments(session, clinic_id, patient_id),
        adverse_events=events,
        consents=repository.consents(session, clinic_id, patient_id),
        responses=repository.responses(session, clinic_id, patient_id),
        photos=repository.photos(session, clinic_id, patient_id) if consented else [],
    )
    names = {agent.id: agent.name for agent in knowledge.agents}
    return episode_resources(episode, agent_names=names, photo_url=PHOTO_URL, today=clinic_today(clinic, at))


def audit_export(
    session: Session, actor: Actor | None, patient: Patient, resources: list[Resource], *, at: datetime
) -> None:
    counts: dict[str, int] = defaultdict(int)
    for resource in resources:
        counts[resource["resourceType"]] += 1
    changes = {"format": "FHIR R4", "resources": dict(sorted(counts.items()))}
    if actor is not None:
        audit_chart(session, actor, "export", "patient", patient.id, patient_id=patient.id, at=at, changes=changes)
        return
    record_event(session, at=at, action="export", record_type="patient", record_id=str(patient.id),
                 clinic_id=patient.clinic_id, actor_id=None, source="cli", changes=changes)  # fmt: skip
