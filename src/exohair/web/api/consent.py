"""/api/v1: consent — record a signed document, list a patient's consents, withdraw one.

A patient may record and withdraw her own consent (the service opens only her own chart); a withdrawal is a new
fact on the record, never a deletion.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from exohair.features.consent import service
from exohair.features.consent.schemas import ConsentIn, ConsentScope
from exohair.features.input_model import InputModel
from exohair.web.deps import Signed

router = APIRouter(tags=["consent"])


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    scope: ConsentScope
    document_version: str
    signed_by: str
    signed_at: datetime
    recorded_by: uuid.UUID | None
    withdrawn_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WithdrawIn(InputModel):
    # The consent feature has no schema for a withdrawal: it is only the version seen (the time is the request's).
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The consent version the user saw.")


@router.get(
    "/patients/{patient_id}/consents",
    response_model=list[ConsentOut],
    summary="A patient's consents, withdrawn ones included, latest signature first",
)
def list_consents(
    ctx: Signed,
    patient_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ConsentOut]:
    found = service.list_consents(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit, offset=offset)
    return ctx.commit([ConsentOut.model_validate(c) for c in found])


@router.post(
    "/patients/{patient_id}/consents", response_model=ConsentOut, status_code=201, summary="Record a signed consent"
)
def record_consent(ctx: Signed, patient_id: uuid.UUID, data: ConsentIn) -> ConsentOut:
    consent = service.record_consent(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    return ctx.commit(ConsentOut.model_validate(consent))


@router.get("/consents/{consent_id}", response_model=ConsentOut, summary="Read one consent")
def get_consent(ctx: Signed, consent_id: uuid.UUID) -> ConsentOut:
    return ctx.commit(ConsentOut.model_validate(service.get_consent(ctx.session, ctx.actor, consent_id, at=ctx.at)))


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentOut, summary="Withdraw a consent from now on")
def withdraw_consent(ctx: Signed, consent_id: uuid.UUID, data: WithdrawIn) -> ConsentOut:
    consent = service.withdraw_consent(ctx.session, ctx.actor, consent_id, data.version, at=ctx.at)
    return ctx.commit(ConsentOut.model_validate(consent))
