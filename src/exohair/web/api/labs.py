"""/api/v1: a patient's blood counts — record, list, read and correct.

Staff only: a patient account has no READ_CLINICAL, so the service refuses it (403) whichever chart it names.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.features.labs import service
from exohair.features.labs.schemas import LabsChanges, LabsIn
from exohair.web.deps import Signed

router = APIRouter(tags=["labs"])


class LabOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    taken_at: datetime
    anc_per_ul: float | None
    platelets_per_ul: float | None
    hb_g_dl: float | None
    inr: float | None
    entered_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


@router.get("/patients/{patient_id}/labs", response_model=list[LabOut], summary="A patient's lab results, newest first")
def list_labs(
    ctx: Signed,
    patient_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[LabOut]:
    found = service.list_labs(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit, offset=offset)
    return ctx.commit([LabOut.model_validate(lab) for lab in found])


@router.post("/patients/{patient_id}/labs", response_model=LabOut, status_code=201, summary="Record a lab result")
def record_labs(ctx: Signed, patient_id: uuid.UUID, data: LabsIn) -> LabOut:
    lab = service.record_labs(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    return ctx.commit(LabOut.model_validate(lab))


@router.get("/labs/{lab_id}", response_model=LabOut, summary="Read a lab result")
def get_labs(ctx: Signed, lab_id: uuid.UUID) -> LabOut:
    return ctx.commit(LabOut.model_validate(service.get_labs(ctx.session, ctx.actor, lab_id, at=ctx.at)))


@router.patch("/labs/{lab_id}", response_model=LabOut, summary="Correct a lab result (send the version you saw)")
def edit_labs(ctx: Signed, lab_id: uuid.UUID, changes: LabsChanges) -> LabOut:
    lab = service.edit_labs(ctx.session, ctx.actor, lab_id, changes, at=ctx.at)
    return ctx.commit(LabOut.model_validate(lab))
