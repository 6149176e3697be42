"""Record and list a patient's hair assessments — authorised, clinic-scoped, audited.

A clinician scores what a clinician judges (CTCAE grade, density and diameter at named sites) and may record
what the patient reports. A patient records their own self-assessment: the Dean score they see, their distress
and their head-cover use. Clinician grading and patient opinion correlate only moderately (clinical.md §1b), so
each assessment says whose judgement it holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import Assessment, Clinic
from exohair.domain.access import Actor, Permission, Role
from exohair.domain.errors import InvalidInput
from exohair.domain.scales import Scales
from exohair.features.assessments import repository
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.charts import audit_chart, audit_search, open_chart
from exohair.features.plans.inputs import clinic_today

RECORD_TYPE = "assessment"
CLINICIAN_ONLY = ("ctcae_grade", "measurements")


def record_assessment(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: AssessmentIn, scales: Scales, *, at: datetime
) -> Assessment:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_OUTCOMES)
    by_patient = actor.role is Role.PATIENT
    if by_patient and (data.ctcae_grade is not None or data.measurements):
        raise InvalidInput(
            "The CTCAE grade and scalp measurements are scored by a clinician at the clinic.", code="clinician_only"
        )
    scales.check(dean=data.dean_score, ctcae=data.ctcae_grade, distress=data.distress)
    if all(getattr(data, f) in (None, []) for f in ("ctcae_grade", "dean_score", "distress", "head_cover",
                                                     "measurements")):  # fmt: skip
        raise InvalidInput("Score at least one thing: nothing would be recorded.", code="assessment_empty")
    today = clinic_today(session.get_one(Clinic, actor.clinic_id), at)
    if data.assessed_on > today:
        raise InvalidInput(f"assessed_on: {data.assessed_on.isoformat()} has not come yet.", code="assessed_in_future")
    if data.assessed_on < patient.date_of_birth:
        raise InvalidInput("assessed_on: before the patient was born; check the year.", code="assessed_before_birth")
    values: dict[str, Any] = data.model_dump(mode="json", exclude_none=True)
    values["assessed_on"] = data.assessed_on
    assessment = Assessment(
        clinic_id=actor.clinic_id, patient_id=patient.id, recorded_by=actor.user_id,
        source="patient" if by_patient else "clinician", **values,
    )  # fmt: skip
    session.add(assessment)
    session.flush()
    changes = {key: [None, str(value)] for key, value in values.items() if key != "notes"}  # notes: free text
    audit_chart(session, actor, "create", RECORD_TYPE, assessment.id, patient_id=patient.id, at=at, changes=changes)
    return assessment


def list_assessments(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 200
) -> list[Assessment]:
    """The patient's assessments, latest first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_OUTCOMES)
    found = repository.assessments_of(session, actor.clinic_id, patient.id, limit=max(1, min(limit, 500)))
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found
