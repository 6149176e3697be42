"""/api/v1/sessions: list by date range, read, check the gate, perform, move and cancel."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.domain.safety import GateResult
from exohair.features.sessions import service
from exohair.features.sessions.schemas import CancelIn, GateCheckIn, PerformIn, RescheduleIn
from exohair.web.deps import Signed

router = APIRouter(tags=["sessions"])


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    course_id: uuid.UUID
    key: str
    kind: str
    label: str
    planned_on: date | None
    status: str
    cancel_reason: str | None
    performed_on: date | None
    performed_at: datetime | None
    operator_id: uuid.UUID | None
    product_lot_id: uuid.UUID | None
    dose_ml: float | None
    dose_particles: float | None
    dose_protein_ug: float | None
    scalp_sites: list[str]
    gate_result: dict[str, Any] | None
    override_reason: str | None


class GateReasonOut(BaseModel):
    code: str
    message: str
    source: str
    evidence: str


class GateOut(BaseModel):
    passed: bool
    checked: list[str]
    reasons: list[GateReasonOut]


def _gate(result: GateResult) -> GateOut:
    reasons = [
        GateReasonOut(code=r.code, message=r.message, source=r.basis.source, evidence=r.basis.evidence.value)
        for r in result.reasons
    ]
    return GateOut(passed=result.passed, checked=list(result.checked), reasons=reasons)


@router.get("/sessions", response_model=list[SessionOut], summary="Sessions by date range, status or patient")
def find_sessions(
    ctx: Signed,
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    patient_id: uuid.UUID | None = None,
    status: Literal["planned", "performed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[SessionOut]:
    found = service.find_sessions(
        ctx.session,
        ctx.actor,
        at=ctx.at,
        patient_id=patient_id,
        from_date=from_date,
        to_date=to_date,
        status=status,
        limit=limit,
        offset=offset,
    )
    return ctx.commit([SessionOut.model_validate(s) for s in found])


@router.get("/sessions/{session_id}", response_model=SessionOut, summary="Read a session")
def get_session(ctx: Signed, session_id: uuid.UUID) -> SessionOut:
    return ctx.commit(SessionOut.model_validate(service.get_session(ctx.session, ctx.actor, session_id, at=ctx.at)))


@router.post("/sessions/{session_id}/gate", response_model=GateOut, summary="The safety checklist for a day")
def check_gate(ctx: Signed, session_id: uuid.UUID, data: GateCheckIn) -> GateOut:
    result = service.check_gate(
        ctx.session, ctx.actor, session_id, ctx.knowledge, on=data.on, at=ctx.at, product_lot_id=data.product_lot_id
    )
    return ctx.commit(_gate(result))


@router.post(
    "/sessions/{session_id}/perform",
    response_model=SessionOut,
    summary="Perform a session: the gate must pass, or a clinician overrides it with a reason",
)
def perform_session(ctx: Signed, session_id: uuid.UUID, data: PerformIn) -> SessionOut:
    row = service.perform_session(ctx.session, ctx.actor, session_id, data, ctx.knowledge, at=ctx.at)
    return ctx.commit(SessionOut.model_validate(row))


@router.post("/sessions/{session_id}/reschedule", response_model=SessionOut, summary="Move a planned session")
def reschedule_session(ctx: Signed, session_id: uuid.UUID, data: RescheduleIn) -> SessionOut:
    row = service.reschedule_session(ctx.session, ctx.actor, session_id, data, at=ctx.at)
    return ctx.commit(SessionOut.model_validate(row))


@router.post("/sessions/{session_id}/cancel", response_model=SessionOut, summary="Cancel a planned session")
def cancel_session(ctx: Signed, session_id: uuid.UUID, data: CancelIn) -> SessionOut:
    row = service.cancel_session(ctx.session, ctx.actor, session_id, data, at=ctx.at)
    return ctx.commit(SessionOut.model_validate(row))
