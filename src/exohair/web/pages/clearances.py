"""The oncologist's pages: the clearance inbox, one request with the plan it would clear, and the decisions (sign
with conditions and expiry, decline with a reason, revoke from a day on)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.errors import DomainError, NotFound
from exohair.features.clearances import service as clearances
from exohair.features.clearances.schemas import ClearanceDecline, ClearanceRevoke, ClearanceSign
from exohair.features.patients import service as patients
from exohair.features.plans import service as plans
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, parse, posted_form
from exohair.web.pages.rendering import clinic_today, render

router = APIRouter(prefix="/clearances")
Posted = Annotated[dict[str, str], Depends(posted_form)]
DECISIONS: dict[str, Any] = {
    "sign": (ClearanceSign, clearances.sign_clearance),
    "decline": (ClearanceDecline, clearances.decline_clearance),
    "revoke": (ClearanceRevoke, clearances.revoke_clearance),
}


@router.get("")
def inbox(request: Request, ctx: Signed) -> Response:
    waiting = clearances.clearance_inbox(ctx.session, ctx.actor, at=ctx.at, limit=100)
    ctx.commit(None)
    return render(request, "clearance_inbox.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Clearances to decide", waiting=waiting)  # fmt: skip


@router.get("/{clearance_id}")
def request_page(request: Request, ctx: Signed, clearance_id: uuid.UUID) -> Response:
    return _page(request, ctx, clearance_id, sent={}, errors={})


@router.post("/{clearance_id}/{decision}")
def decide(request: Request, ctx: Signed, clearance_id: uuid.UUID, decision: str, form: Posted) -> Response:
    if decision not in DECISIONS:
        raise NotFound("No such decision.", code="not_found")
    model, act = DECISIONS[decision]
    data, errors = parse(model, form)
    if data is not None:
        try:
            act(ctx.session, ctx.actor, clearance_id, data, at=ctx.at)
        except DomainError as refused:
            errors = {"": form_refusal(ctx, refused)}
        else:
            ctx.commit(None)
            return RedirectResponse(f"/clearances/{clearance_id}?done={decision}", status_code=303)
    return _page(request, ctx, clearance_id, sent={decision: form}, errors={decision: errors}, status_code=422)


def _page(
    request: Request,
    ctx: Ctx,
    clearance_id: uuid.UUID,
    *,
    sent: dict[str, dict[str, str]],
    errors: dict[str, dict[str, str]],
    status_code: int = 200,
) -> Response:
    clearance = clearances.get_clearance(ctx.session, ctx.actor, clearance_id, at=ctx.at)
    patient = patients.get_patient(ctx.session, ctx.actor, clearance.patient_id, at=ctx.at)
    try:
        full = plans.current_plan(ctx.session, ctx.actor, patient.id, ctx.knowledge, at=ctx.at).full
    except NotFound:
        full = None
    today = clinic_today(ctx)
    ctx.commit(None)
    return render(request, "clearance.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=f"Clearance for {patient.given_name} {patient.family_name}", clearance=clearance,
                  patient=patient, full=full, today=today, sent=sent, errors=errors,
                  done=request.query_params.get("done"), status_code=status_code)  # fmt: skip
