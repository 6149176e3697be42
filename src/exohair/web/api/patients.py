"""/api/v1/patients: register, search, read and edit patient records."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.features.patients import service
from exohair.features.patients.schemas import PatientChanges, PatientIn, Sex
from exohair.web.deps import Signed

router = APIRouter(prefix="/patients", tags=["patients"])


class PatientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex
    cancer_type: str
    cancer_stage: str | None
    baseline_density_per_cm2: float | None
    aga_stage: str | None
    aga_family_history: bool
    hair_type: str | None
    conditions: list[str]
    anticoagulated: bool
    site_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class PatientPage(BaseModel):
    items: list[PatientOut]
    limit: int
    offset: int


@router.get("", response_model=PatientPage, summary="Search patients by name or MRN")
def find_patients(
    ctx: Signed,
    q: Annotated[str | None, Query(max_length=100, description="Part of a name or MRN")] = None,
    status: Annotated[str | None, Query(pattern="^(before|in|after|none)$", description="Chemo status today")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PatientPage:
    found = service.find_patients(ctx.session, ctx.actor, q, status=status, at=ctx.at, limit=limit, offset=offset)
    items = [PatientOut.model_validate(p) for p in found]
    return ctx.commit(PatientPage(items=items, limit=limit, offset=offset))


@router.post("", response_model=PatientOut, status_code=201, summary="Register a patient")
def register_patient(ctx: Signed, data: PatientIn) -> PatientOut:
    patient = service.register_patient(ctx.session, ctx.actor, data, at=ctx.at)
    return ctx.commit(PatientOut.model_validate(patient))


@router.get("/{patient_id}", response_model=PatientOut, summary="Read a patient record")
def get_patient(ctx: Signed, patient_id: uuid.UUID) -> PatientOut:
    patient = service.get_patient(ctx.session, ctx.actor, patient_id, at=ctx.at)
    return ctx.commit(PatientOut.model_validate(patient))


@router.patch("/{patient_id}", response_model=PatientOut, summary="Edit a patient record (send the version you saw)")
def edit_patient(ctx: Signed, patient_id: uuid.UUID, changes: PatientChanges) -> PatientOut:
    patient = service.edit_patient(ctx.session, ctx.actor, patient_id, changes, at=ctx.at)
    return ctx.commit(PatientOut.model_validate(patient))
