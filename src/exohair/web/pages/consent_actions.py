"""Actions on the chart's consent tab: record a consent the patient signed on paper, open the patient's portal
account (so they can read and sign in the portal), suspend or restore it. Each calls its service, which checks the
role and audits; a refused form comes back to the tab with what was typed (passwords excepted)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.db.models import Clinic
from exohair.domain.access import Permission, require
from exohair.domain.errors import DomainError
from exohair.features.accounts import portal_accounts
from exohair.features.consent import service as consents
from exohair.features.consent.schemas import ConsentIn
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.chart import chart_page
from exohair.web.pages.forms import form_refusal, parse, posted_form, seen_version

router = APIRouter(prefix="/patients/{patient_id}")
Posted = Annotated[dict[str, str], Depends(posted_form)]


@router.post("/consent")
def record_paper_consent(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.RECORD_CONSENT)  # before reading the form
    fields = {key: form.get(key, "") for key in ("scope", "document_version", "signed_by")}
    signed_at, errors = _local_instant(ctx, form.get("signed_at", ""))
    data, more = parse(ConsentIn, fields | {"signed_at": signed_at or ""})
    errors = more | errors  # the typed time's own message wins over the model's
    if data is None or errors:
        return chart_page(request, ctx, patient_id, "consent", sent=form, errors=errors, status_code=422)
    try:
        consents.record_consent(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    except DomainError as refused:
        errors = {"consent": form_refusal(ctx, refused)}
        return chart_page(request, ctx, patient_id, "consent", sent=form, errors=errors, status_code=422)
    return _saved(ctx, patient_id, "consent")


@router.post("/portal-account")
def open_portal_account(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.WRITE_PATIENT)
    try:
        portal_accounts.open_portal_account(ctx.session, ctx.actor, patient_id, email=form.get("portal_email", ""),
                                            password=form.get("portal_password", ""), at=ctx.at)  # fmt: skip
    except DomainError as refused:
        sent = {k: v for k, v in form.items() if k != "portal_password"}  # a password is never sent back
        errors = {"portal": form_refusal(ctx, refused)}
        return chart_page(request, ctx, patient_id, "consent", sent=sent, errors=errors, status_code=422)
    return _saved(ctx, patient_id, "portal")


@router.post("/portal-account/access")
def portal_access(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.WRITE_PATIENT)
    try:
        portal_accounts.set_portal_access(ctx.session, ctx.actor, patient_id, active=form.get("active") == "1",
                                          seen_version=seen_version(form), at=ctx.at)  # fmt: skip
    except DomainError as refused:
        errors = {"portal": form_refusal(ctx, refused)}
        return chart_page(request, ctx, patient_id, "consent", errors=errors, status_code=refused.http_status)
    return _saved(ctx, patient_id, "access")


def _local_instant(ctx: Ctx, text: str) -> tuple[datetime | None, dict[str, str]]:
    """A date and time typed in the clinic's time zone (an <input type=datetime-local>), as an aware instant."""
    try:
        typed = datetime.fromisoformat(text)
    except ValueError:
        return None, {"signed_at": "Enter when it was signed: date and time, e.g. 2026-11-24 09:30."}
    zone = ZoneInfo(ctx.session.get_one(Clinic, ctx.actor.clinic_id).timezone)
    return (typed if typed.tzinfo else typed.replace(tzinfo=zone)), {}


def _saved(ctx: Ctx, patient_id: uuid.UUID, what: str) -> Response:
    return ctx.commit(RedirectResponse(f"/patients/{patient_id}?tab=consent&saved={what}", status_code=303))
