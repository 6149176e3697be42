"""/api/v1: adverse events — report one (CTCAE term and grade), follow it up, list a patient's.

Only a clinician reports or edits (the service decides); an event linked to a session takes that session's lot.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.features.adverse_events import service
from exohair.features.adverse_events.schemas import AdverseEventChanges, AdverseEventIn, Relatedness
from exohair.web.deps import Signed

router = APIRouter(tags=["adverse events"])


class AdverseEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    session_id: uuid.UUID | None
    product_lot_id: uuid.UUID | None
    onset_on: date
    ctcae_term: str
    grade: int
    relatedness: Relatedness
    serious: bool
    resolved_on: date | None
    notes: str | None
    reported_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


@router.get(
    "/patients/{patient_id}/adverse-events",
    response_model=list[AdverseEventOut],
    summary="A patient's adverse events, latest onset first",
)
def list_adverse_events(
    ctx: Signed,
    patient_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AdverseEventOut]:
    found = service.list_adverse_events(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit, offset=offset)
    return ctx.commit([AdverseEventOut.model_validate(e) for e in found])


@router.post(
    "/patients/{patient_id}/adverse-events",
    response_model=AdverseEventOut,
    status_code=201,
    summary="Report an adverse event (grade 4 and 5 are always serious)",
)
def report_adverse_event(ctx: Signed, patient_id: uuid.UUID, data: AdverseEventIn) -> AdverseEventOut:
    event = service.report_adverse_event(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    return ctx.commit(AdverseEventOut.model_validate(event))


@router.get("/adverse-events/{event_id}", response_model=AdverseEventOut, summary="Read one adverse event")
def get_adverse_event(ctx: Signed, event_id: uuid.UUID) -> AdverseEventOut:
    found = service.get_adverse_event(ctx.session, ctx.actor, event_id, at=ctx.at)
    return ctx.commit(AdverseEventOut.model_validate(found))


@router.patch(
    "/adverse-events/{event_id}",
    response_model=AdverseEventOut,
    summary="Follow up an adverse event: resolution, regrading (send the version you saw)",
)
def edit_adverse_event(ctx: Signed, event_id: uuid.UUID, changes: AdverseEventChanges) -> AdverseEventOut:
    event = service.edit_adverse_event(ctx.session, ctx.actor, event_id, changes, at=ctx.at)
    return ctx.commit(AdverseEventOut.model_validate(event))
