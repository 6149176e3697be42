"""Billing actions on the chart's billing tab: file an estimate of the current plan, agree a payment plan for it,
record a payment received, cancel a plan. Each calls the billing service (which checks the role and audits) and
comes back to the tab, with what was typed and the error beside its field when something is wrong."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, require
from exohair.domain.errors import DomainError
from exohair.features.billing import service as billing
from exohair.features.billing.schemas import PaymentIn, PaymentPlanIn
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.chart import chart_page
from exohair.web.pages.forms import form_refusal, parse, posted_form
from exohair.web.pages.money_fields import cents, payment_terms

router = APIRouter(prefix="/patients/{patient_id}/billing")
Posted = Annotated[dict[str, str], Depends(posted_form)]


@router.post("/estimate")
def file_estimate(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_BILLING)  # before reading the form: a role without billing learns nothing
    tariffs = billing.tariffs_version(ctx.knowledge)
    try:
        billing.estimate_current_plan(ctx.session, ctx.actor, patient_id, ctx.knowledge, tariffs_version=tariffs,
                                      at=ctx.at)  # fmt: skip
    except DomainError as refused:
        return _again(request, ctx, patient_id, form, {"estimate": form_refusal(ctx, refused)})
    return _saved(ctx, patient_id, "estimate")


@router.post("/plan")
def agree_plan(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_BILLING)  # before reading the form: a role without billing learns nothing
    terms, errors = payment_terms(form)
    if terms is None:
        return _again(request, ctx, patient_id, form, errors)
    try:
        data = PaymentPlanIn(estimate_id=uuid.UUID(form.get("estimate_id", "")), deposit_cents=terms.deposit_cents,
                             instalments=terms.instalments, apr_percent=terms.apr_percent,
                             first_due_on=terms.first_due_on)  # fmt: skip
    except ValueError:
        return _again(request, ctx, patient_id, form, {"plan": "File an estimate first: a plan is agreed for one."})
    try:
        billing.create_payment_plan(ctx.session, ctx.actor, patient_id, data, currency=ctx.knowledge.tariffs.currency,
                                    at=ctx.at)  # fmt: skip
    except DomainError as refused:
        return _again(request, ctx, patient_id, form, {"plan": form_refusal(ctx, refused)})
    return _saved(ctx, patient_id, "plan")


@router.post("/payments")
def record_payment(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_BILLING)  # before reading the form: a role without billing learns nothing
    amount = cents(form.get("amount", ""))
    fields: dict[str, Any] = {key: form.get(key, "") for key in ("received_on", "method", "reference",
                                                                   "payment_plan_id")}  # fmt: skip
    fields["amount_cents"] = amount if amount else ""
    data, errors = parse(PaymentIn, fields)
    errors.pop("amount_cents", None)  # said of the typed amount instead, beside its field
    if not amount:
        errors["amount"] = "Enter the amount received, e.g. 250 or 250.00."
    if data is None or errors:
        return _again(request, ctx, patient_id, form, errors)
    try:
        billing.record_payment(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    except DomainError as refused:
        return _again(request, ctx, patient_id, form, {"payment": form_refusal(ctx, refused)})
    return _saved(ctx, patient_id, "payment")


@router.post("/plan/cancel")
def cancel_plan(request: Request, ctx: Signed, patient_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_BILLING)  # before reading the form: a role without billing learns nothing
    version = form.get("version", "")
    try:
        plan_id = uuid.UUID(form.get("plan_id", ""))
    except ValueError:
        return _again(request, ctx, patient_id, form, {"cancel": "This form is incomplete; reload the page."})
    try:
        billing.cancel_payment_plan(ctx.session, ctx.actor, plan_id, int(version) if version.isdigit() else 0,
                                    form.get("reason", ""), at=ctx.at)  # fmt: skip
    except DomainError as refused:
        return _again(request, ctx, patient_id, form, {"reason": form_refusal(ctx, refused)})
    return _saved(ctx, patient_id, "cancelled")


def _again(request: Request, ctx: Ctx, patient_id: uuid.UUID, form: dict[str, str], errors: dict[str, str]) -> Response:
    return chart_page(request, ctx, patient_id, "billing", sent=form, errors=errors, status_code=422)


def _saved(ctx: Ctx, patient_id: uuid.UUID, what: str) -> Response:
    ctx.commit(None)
    return RedirectResponse(f"/patients/{patient_id}?tab=billing&saved={what}", status_code=303)
