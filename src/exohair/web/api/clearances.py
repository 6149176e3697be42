"""/api/v1: oncologist clearance — the clinic requests it, the oncologist signs, declines or revokes it.

requested → signed | declined; signed → revoked. Each decision carries the version the oncologist saw, so two
decisions on the same request cannot both win (409).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from exohair.features.clearances import service
from exohair.features.clearances.schemas import ClearanceDecline, ClearanceRevoke, ClearanceSign
from exohair.features.input_model import InputModel
from exohair.web.deps import Signed

router = APIRouter(tags=["clearances"])


class ClearanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    status: Literal["requested", "signed", "declined", "revoked"]
    requested_at: datetime
    requested_by: uuid.UUID | None
    oncologist_id: uuid.UUID | None
    decided_at: datetime | None
    signed_on: date | None
    expires_on: date | None
    conditions: str | None
    decline_reason: str | None
    revoked_on: date | None
    revoked_by: uuid.UUID | None
    revoke_reason: str | None
    created_at: datetime
    updated_at: datetime


class ClearanceRequestIn(InputModel):
    # The service takes the note as an argument, not a schema; the bound is its MAX_NOTE, refused here first.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(
        default=None, max_length=service.MAX_NOTE, description="For the oncologist, e.g. 'AC-T from 1 April'."
    )


# Declared before /clearances/{clearance_id}/..., so "pending" is never read as an id.
@router.get(
    "/clearances/pending",
    response_model=list[ClearanceOut],
    summary="The oncologist's inbox: undecided requests, longest waiting first",
)
def pending_clearances(
    ctx: Signed,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ClearanceOut]:
    found = service.pending_clearances(ctx.session, ctx.actor, at=ctx.at, limit=limit, offset=offset)
    return ctx.commit([ClearanceOut.model_validate(c) for c in found])


@router.get(
    "/patients/{patient_id}/clearances",
    response_model=list[ClearanceOut],
    summary="A patient's clearances, latest request first",
)
def list_clearances(
    ctx: Signed,
    patient_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ClearanceOut]:
    found = service.list_clearances(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit, offset=offset)
    return ctx.commit([ClearanceOut.model_validate(c) for c in found])


@router.post(
    "/patients/{patient_id}/clearances",
    response_model=ClearanceOut,
    status_code=201,
    summary="Ask the oncologist for clearance (one open request at a time)",
)
def request_clearance(ctx: Signed, patient_id: uuid.UUID, data: ClearanceRequestIn | None = None) -> ClearanceOut:
    note = data.note if data is not None else None
    clearance = service.request_clearance(ctx.session, ctx.actor, patient_id, at=ctx.at, note=note)
    return ctx.commit(ClearanceOut.model_validate(clearance))


@router.get("/clearances/{clearance_id}", response_model=ClearanceOut, summary="Read one clearance")
def get_clearance(ctx: Signed, clearance_id: uuid.UUID) -> ClearanceOut:
    found = service.get_clearance(ctx.session, ctx.actor, clearance_id, at=ctx.at)
    return ctx.commit(ClearanceOut.model_validate(found))


@router.post("/clearances/{clearance_id}/sign", response_model=ClearanceOut, summary="Sign a requested clearance")
def sign_clearance(ctx: Signed, clearance_id: uuid.UUID, data: ClearanceSign) -> ClearanceOut:
    clearance = service.sign_clearance(ctx.session, ctx.actor, clearance_id, data, at=ctx.at)
    return ctx.commit(ClearanceOut.model_validate(clearance))


@router.post(
    "/clearances/{clearance_id}/decline",
    response_model=ClearanceOut,
    summary="Decline a requested clearance, saying why",
)
def decline_clearance(ctx: Signed, clearance_id: uuid.UUID, data: ClearanceDecline) -> ClearanceOut:
    clearance = service.decline_clearance(ctx.session, ctx.actor, clearance_id, data, at=ctx.at)
    return ctx.commit(ClearanceOut.model_validate(clearance))


@router.post(
    "/clearances/{clearance_id}/revoke",
    response_model=ClearanceOut,
    summary="Revoke a signed clearance from a day on; sessions from then are blocked",
)
def revoke_clearance(ctx: Signed, clearance_id: uuid.UUID, data: ClearanceRevoke) -> ClearanceOut:
    clearance = service.revoke_clearance(ctx.session, ctx.actor, clearance_id, data, at=ctx.at)
    return ctx.commit(ClearanceOut.model_validate(clearance))
