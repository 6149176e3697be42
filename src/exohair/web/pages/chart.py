"""The patient chart: one timeline keyed to the chemo calendar, with tabs for plan, consent and clearance, billing.

Each tab calls the service for its records, so each role sees only what the records rules allow (an oncologist has
no billing tab; a patient account is sent to the portal), and every read is audited by the service."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from exohair.db.models import Clinic
from exohair.domain.access import ROLE_PERMISSIONS, Permission, Role
from exohair.domain.errors import NotFound
from exohair.features.accounts import portal_accounts
from exohair.features.adverse_events import service as adverse_events
from exohair.features.assessments import service as assessments
from exohair.features.billing.summary import billing_summary
from exohair.features.clearances import service as clearances
from exohair.features.clinic_settings.sites import site_name
from exohair.features.consent import service as consents
from exohair.features.labs import service as labs
from exohair.features.patients import service as patients
from exohair.features.plans import service as plans
from exohair.features.sessions import service as sessions
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.hair_view import hair_values
from exohair.web.pages.rendering import clinic_today, render
from exohair.web.pages.timeline import timeline

router = APIRouter()
TABS = {
    "timeline": "Timeline",
    "plan": "Plan",
    "hair": "Hair",
    "consent": "Consent and clearance",
    "billing": "Billing",
}
TAB_PERMISSION = {"billing": Permission.READ_BILLING, "hair": Permission.READ_OUTCOMES}
SAVED = {
    "estimate": "Saved: a new estimate of the current plan.",
    "plan": "Saved: the payment plan.",
    "payment": "Saved: the payment.",
    "cancelled": "The payment plan is cancelled; payments made stay on file.",
    "consent": "Saved: the signed consent.",
    "portal": "Saved: the portal account is open. Give the patient their e-mail and first password in person.",
    "access": "Saved: the portal account's access.",
    "assessment": "Saved: the assessment.",
}


@router.get("/patients/{patient_id}")
def chart(
    request: Request, ctx: Signed, patient_id: uuid.UUID, tab: Annotated[str, Query(max_length=20)] = "timeline"
) -> Response:
    return chart_page(request, ctx, patient_id, tab)


def chart_page(
    request: Request,
    ctx: Ctx,
    patient_id: uuid.UUID,
    tab: str,
    *,
    sent: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The chart on one tab; a form on it that was refused comes back with what was `sent` and its `errors`."""
    patient = patients.get_patient(ctx.session, ctx.actor, patient_id, at=ctx.at)  # NotFound for anyone else's
    if ctx.actor.role is Role.PATIENT:
        ctx.commit(None)
        return RedirectResponse("/my/plan", status_code=303)
    allowed = ROLE_PERMISSIONS[ctx.actor.role]
    tabs = {key: label for key, label in TABS.items() if TAB_PERMISSION.get(key, Permission.READ_PLAN) in allowed}
    tab = tab if tab in tabs else "timeline"
    values: dict[str, Any] = {}
    full = None
    try:
        stored = plans.current_plan(ctx.session, ctx.actor, patient.id, ctx.knowledge, at=ctx.at)
        full, values["plan_version"], values["course_id"] = stored.full, stored.version, stored.course.id
    except NotFound:
        values["plan_version"], values["course_id"] = None, None
    values["may_manage_course"] = Permission.MANAGE_COURSE in allowed
    moved = request.query_params.get("moved", "")
    values["moved"] = int(moved) if moved.isdigit() else None
    values["admitted"] = request.query_params.get("admitted") == "1"  # just sent from intake
    values["saved"] = SAVED.get(request.query_params.get("saved", ""))
    values["may_bill"] = Permission.MANAGE_BILLING in allowed
    values["site"] = site_name(ctx.session, ctx.actor.clinic_id, patient.site_id)
    today = clinic_today(ctx)
    if tab == "timeline":
        rows = sessions.find_sessions(ctx.session, ctx.actor, at=ctx.at, patient_id=patient.id, limit=500)
        lab_rows = labs.list_labs(ctx.session, ctx.actor, patient.id, at=ctx.at, limit=200)
        events = adverse_events.list_adverse_events(ctx.session, ctx.actor, patient.id, at=ctx.at, limit=200)
        hair = assessments.list_assessments(ctx.session, ctx.actor, patient.id, at=ctx.at)
        values["events"] = timeline(full, rows, lab_rows, events, today=today, assessments=hair)
    elif tab == "consent":
        values["consents"] = consents.list_consents(ctx.session, ctx.actor, patient.id, at=ctx.at)
        values["clearances"] = clearances.list_clearances(ctx.session, ctx.actor, patient.id, at=ctx.at)
        values["portal_account"] = portal_accounts.portal_account(ctx.session, ctx.actor, patient.id)
        values["consent_version"] = ctx.session.get_one(Clinic, ctx.actor.clinic_id).consent_document_version
        values["may_record_consent"] = Permission.RECORD_CONSENT in allowed
        values["may_open_portal"] = Permission.WRITE_PATIENT in allowed
    elif tab == "hair":
        values.update(hair_values(ctx, patient.id, dict(request.query_params)))
        values["may_record_outcomes"] = Permission.RECORD_OUTCOMES in allowed
    elif tab == "billing":
        values["billing"] = billing_summary(ctx.session, ctx.actor, patient.id, at=ctx.at)
    ctx.commit(None)
    return render(request, "chart.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=f"{patient.family_name}, {patient.given_name}", patient=patient, full=full, tabs=tabs,
                  tab=tab, today=today, sent=sent or {}, errors=errors or {}, status_code=status_code,
                  **values)  # fmt: skip
