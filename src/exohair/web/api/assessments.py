"""/api/v1: a patient's hair assessments — list and record.

A clinician scores the CTCAE grade and trichoscopy readings; a patient account records its own self-assessment
(Dean score, distress, head cover) and is refused the clinician's measures (422). Scalp photos, filed with an
assessment or on their own, have their own routes (photos.py).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.features.assessments import service
from exohair.features.assessments.schemas import AssessmentIn
from exohair.web.deps import Signed

router = APIRouter(tags=["assessments"])


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    assessed_on: date
    source: str  # "clinician" or "patient": whose judgement it holds
    ctcae_grade: int | None
    dean_score: int | None
    distress: int | None
    head_cover: str | None
    measurements: list[dict[str, Any]]
    notes: str | None
    recorded_by: uuid.UUID | None
    created_at: datetime


@router.get("/patients/{patient_id}/assessments", response_model=list[AssessmentOut],
            summary="A patient's hair assessments, latest first")  # fmt: skip
def list_assessments(
    ctx: Signed, patient_id: uuid.UUID, limit: Annotated[int, Query(ge=1, le=500)] = 200
) -> list[AssessmentOut]:
    found = service.list_assessments(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit)
    return ctx.commit([AssessmentOut.model_validate(row) for row in found])


@router.post("/patients/{patient_id}/assessments", response_model=AssessmentOut, status_code=201,
             summary="Record a hair assessment (a patient: their own self-assessment)")  # fmt: skip
def record_assessment(ctx: Signed, patient_id: uuid.UUID, data: AssessmentIn) -> AssessmentOut:
    row = service.record_assessment(ctx.session, ctx.actor, patient_id, data, ctx.knowledge.scales, at=ctx.at)
    return ctx.commit(AssessmentOut.model_validate(row))
