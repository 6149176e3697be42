"""The patient portal: my plan and calendar, in plain language, readable on a phone.

Patient accounts only. The services see the actor's own patient id, so another patient's plan cannot be asked for:
there is no id in these addresses."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.db.models import Patient
from exohair.domain.access import Role
from exohair.domain.errors import DomainError, NotFound
from exohair.features.billing.summary import billing_summary
from exohair.features.consent import portal as consent
from exohair.features.consent import service as consents
from exohair.features.consent.documents import SCOPES
from exohair.features.patients import service as patients
from exohair.features.plans import service as plans
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, posted_form, seen_version
from exohair.web.pages.rendering import clinic_today, render

router = APIRouter(prefix="/my")
Posted = Annotated[dict[str, str], Depends(posted_form)]


def own_patient(ctx: Ctx) -> Patient:
    if ctx.actor.role is not Role.PATIENT or ctx.actor.patient_id is None:
        raise NotFound("The portal is for patient accounts.", code="not_a_patient_account")
    return patients.get_patient(ctx.session, ctx.actor, ctx.actor.patient_id, at=ctx.at)


@router.get("/plan")
def my_plan(request: Request, ctx: Signed) -> Response:
    patient = own_patient(ctx)
    try:
        stored = plans.current_plan(ctx.session, ctx.actor, ctx.actor.patient_id, ctx.knowledge, at=ctx.at)  # type: ignore[arg-type]
        full, version = stored.full, stored.version
    except NotFound:
        full, version = None, None
    today = clinic_today(ctx)
    ctx.commit(None)
    return render(request, "my_plan.html", actor=ctx.actor, display_name=ctx.display_name, title="My plan",
                  patient=patient, full=full, plan_version=version, today=today)  # fmt: skip


@router.get("/guide")
def guide(request: Request, ctx: Signed) -> Response:
    own_patient(ctx)
    ctx.commit(None)
    return render(request, "my_guide.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Looking after your hair and scalp")  # fmt: skip


@router.get("/consent")
def my_consent(request: Request, ctx: Signed, signed: str = "", withdrawn: str = "") -> Response:
    return _consent_page(request, ctx, done="signed" if signed else "withdrawn" if withdrawn else "")


@router.post("/consent")
def sign_consent(request: Request, ctx: Signed, form: Posted) -> Response:
    own_patient(ctx)
    scopes = [scope for scope in SCOPES if form.get(f"agree_{scope}") == "1"]
    try:
        consent.sign(ctx.session, ctx.actor, ctx.actor.patient_id, scopes, form.get("signed_by", ""), at=ctx.at)  # type: ignore[arg-type]
    except DomainError as refused:
        error = form_refusal(ctx, refused)
        return _consent_page(request, ctx, sent=form, error=error, status_code=refused.http_status)
    return ctx.commit(RedirectResponse("/my/consent?signed=1", status_code=303))


@router.post("/consent/{consent_id}/withdraw")
def withdraw_consent(request: Request, ctx: Signed, consent_id: uuid.UUID, form: Posted) -> Response:
    own_patient(ctx)
    try:
        consents.withdraw_consent(ctx.session, ctx.actor, consent_id, seen_version(form), at=ctx.at)
    except DomainError as refused:
        error = form_refusal(ctx, refused)
        return _consent_page(request, ctx, error=error, status_code=refused.http_status)
    return ctx.commit(RedirectResponse("/my/consent?withdrawn=1", status_code=303))


def _consent_page(
    request: Request,
    ctx: Ctx,
    *,
    done: str = "",
    sent: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    own_patient(ctx)
    mine = consent.my_consent(ctx.session, ctx.actor, ctx.actor.patient_id, at=ctx.at)  # type: ignore[arg-type]
    ctx.commit(None)
    return render(request, "my_consent.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="My consent", mine=mine, done=done, sent=sent or {}, error=error,
                  status_code=status_code)  # fmt: skip


@router.get("/costs")
def my_costs(request: Request, ctx: Signed) -> Response:
    patient = own_patient(ctx)
    summary = billing_summary(ctx.session, ctx.actor, patient.id, at=ctx.at)
    ctx.commit(None)
    return render(request, "my_costs.html", actor=ctx.actor, display_name=ctx.display_name, title="My costs",
                  billing=summary)  # fmt: skip
