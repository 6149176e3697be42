"""Perform a session: the gate's checklist for the chosen day and lot, then the record (lot from stock, dose,
sites). When the gate refuses, only a clinician may go ahead, and only with a written reason (audited)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import ROLE_PERMISSIONS, Permission
from exohair.domain.errors import DomainError
from exohair.domain.safety import GateReason, GateRefused, GateResult
from exohair.domain.scales import SCALP_SITES
from exohair.features.adverse_events import service as adverse_events
from exohair.features.adverse_events.schemas import AdverseEventIn
from exohair.features.labs import service as labs
from exohair.features.patients import service as patients
from exohair.features.products import service as products
from exohair.features.sessions import service as sessions
from exohair.features.sessions.schemas import PerformIn
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, parse, posted_form
from exohair.web.pages.rendering import clinic_today, render

router = APIRouter(prefix="/sessions")
Posted = Annotated[dict[str, str], Depends(posted_form)]
CHECKS = {
    "clearance": "Oncologist clearance",
    "consent": "Consent to treatment",
    "labs": "Blood counts",
    "calendar": "Chemo calendar (nadir, infusion days)",
    "contraindications": "Contraindications",
    "product": "Product lot",
}


@router.get("/{session_id}")
def session_page(
    request: Request,
    ctx: Signed,
    session_id: uuid.UUID,
    on: Annotated[date | None, Query()] = None,
    lot: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    return _page(request, ctx, session_id, on=on, lot=lot, sent={}, errors={})


@router.post("/{session_id}/perform")
def perform(request: Request, ctx: Signed, session_id: uuid.UUID, form: Posted) -> Response:
    fields: dict[str, Any] = dict(form)
    fields["scalp_sites"] = [site for site in SCALP_SITES if form.get(f"site_{site}")]
    fields = {k: v for k, v in fields.items() if not k.startswith("site_")}
    data, errors = parse(PerformIn, fields)
    refused: GateResult | None = None
    if data is not None:
        try:
            sessions.perform_session(ctx.session, ctx.actor, session_id, data, ctx.knowledge, at=ctx.at)
        except GateRefused as gate:
            ctx.session.rollback()
            refused, errors = gate.result, {"": _refusal_sentence(ctx)}
        except DomainError as error:
            errors = {"": form_refusal(ctx, error)}
        else:
            ctx.commit(None)
            return RedirectResponse(f"/sessions/{session_id}?done=1", status_code=303)
    on = _date(form.get("performed_on"))
    lot = _uuid(form.get("product_lot_id"))
    return _page(request, ctx, session_id, on=on, lot=lot, sent=form, errors=errors, refused=refused, status_code=422)


@router.post("/{session_id}/adverse-events")
def report_adverse_event(request: Request, ctx: Signed, session_id: uuid.UUID, form: Posted) -> Response:
    """An adverse event after this session: the lot is taken from the session, for traceability."""
    row = sessions.get_session(ctx.session, ctx.actor, session_id, at=ctx.at)
    fields: dict[str, Any] = dict(form) | {"session_id": str(row.id), "serious": form.get("serious") == "yes"}
    if form.get("serious") not in ("yes", "no"):
        fields.pop("serious")  # asked, not defaulted: the model reports it missing
    data, errors = parse(AdverseEventIn, fields)
    if data is not None:
        try:
            adverse_events.report_adverse_event(ctx.session, ctx.actor, row.patient_id, data, at=ctx.at)
        except DomainError as error:
            errors = {"": form_refusal(ctx, error)}
        else:
            ctx.commit(None)
            return RedirectResponse(f"/sessions/{session_id}?reported=1", status_code=303)
    ae_errors = {f"ae_{key}" if key else "ae": message for key, message in errors.items()}
    return _page(request, ctx, session_id, on=None, lot=None, sent={f"ae_{k}": v for k, v in form.items()},
                 errors=ae_errors, status_code=422)  # fmt: skip


def _refusal_sentence(ctx: Ctx) -> str:
    if Permission.OVERRIDE_GATE in ROLE_PERMISSIONS[ctx.actor.role]:
        return "The gate refused this session. Choose another day, or go ahead with a written reason below."
    return "The gate refused this session. Only a clinician may go ahead anyway."


def _page(
    request: Request,
    ctx: Ctx,
    session_id: uuid.UUID,
    *,
    on: date | None,
    lot: uuid.UUID | None,
    sent: dict[str, str],
    errors: dict[str, str],
    refused: GateResult | None = None,
    status_code: int = 200,
) -> Response:
    row = sessions.get_session(ctx.session, ctx.actor, session_id, at=ctx.at)
    patient = patients.get_patient(ctx.session, ctx.actor, row.patient_id, at=ctx.at)
    today = clinic_today(ctx)
    on = on or (row.planned_on if row.planned_on and row.planned_on >= today else today)
    allowed = ROLE_PERMISSIONS[ctx.actor.role]
    lots = []  # the oncologist reads the checklist but not the stock
    if Permission.READ_PRODUCTS in allowed:
        lots = products.list_lots(ctx.session, ctx.actor, at=ctx.at, usable_on=on, include_empty=False)
    chosen = lot if any(x.id == lot for x in lots) else (lots[0].id if lots else None)
    gate = sessions.check_gate(ctx.session, ctx.actor, row.id, ctx.knowledge, on=on, at=ctx.at, product_lot_id=chosen)
    latest = labs.list_labs(ctx.session, ctx.actor, patient.id, at=ctx.at, limit=1)
    ctx.commit(None)
    return render(request, "perform.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=f"{row.label}: {patient.given_name} {patient.family_name}", row=row, patient=patient,
                  on=on, today=today, lots=lots, chosen=chosen, checklist=_checklist(gate, ctx), gate=gate,
                  refused=refused, latest=latest[0] if latest else None, sites=SCALP_SITES, sent=sent,
                  errors=errors, may_perform=Permission.PERFORM_SESSION in allowed,
                  may_override=Permission.OVERRIDE_GATE in allowed, done=request.query_params.get("done"),
                  may_report=Permission.RECORD_ADVERSE_EVENT in allowed,
                  reported=request.query_params.get("reported"),
                  status_code=status_code)  # fmt: skip


def _checklist(gate: GateResult, ctx: Ctx) -> list[tuple[str, list[GateReason]]]:
    """Each check the gate ran, with the reasons it refused (none: passed)."""
    contraindications = {c.code for c in ctx.knowledge.gates.contraindications}
    thresholds = {t.code for t in ctx.knowledge.gates.lab_thresholds}

    def check_of(reason: GateReason) -> str:
        code = reason.code
        if code.startswith(("clearance", "consent", "product")):
            return code.split("_")[0]
        if code.startswith("labs") or code in thresholds:
            return "labs"
        if code in ("in_nadir", "near_infusion"):
            return "calendar"
        return "contraindications" if code in contraindications else "labs"

    return [(CHECKS.get(c, c), [r for r in gate.reasons if check_of(r) == c]) for c in gate.checked]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
