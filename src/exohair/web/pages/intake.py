"""Intake, a guided flow: patient details → chemotherapy and first infusion → risk factors → the hair-loss risk
with its basis → protocol and adjuncts → the plan beside the chemo calendar → cost and payment plan → send for
the oncologist's clearance.

"Continue" validates every step so far and shows errors beside their fields, on the first step that has any.
"Back" never validates. Nothing typed is lost either way, because intake_form carries every
value through every post. The previews run the sending use case itself, rolled back (intake.admit with
preview), so the plan and the payment schedule shown are the ones that sending files.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import ROLE_PERMISSIONS, Actor, Permission, require
from exohair.domain.errors import DomainError
from exohair.domain.regimens import UnknownName
from exohair.features.billing import service as billing
from exohair.features.clinic_settings.sites import clinic_sites
from exohair.features.intake import service as intake
from exohair.web.deps import Ctx, Signed
from exohair.web.pages import intake_form as steps
from exohair.web.pages.forms import form_refusal, posted_form
from exohair.web.pages.money_fields import payment_terms
from exohair.web.pages.rendering import clinic_today, render

router = APIRouter(prefix="/intake")
Posted = Annotated[dict[str, str], Depends(posted_form)]
# Where a refusal of the whole intake belongs: the step and field it is about.
PLACES = {
    "mrn_exists": ("patient", "mrn"),
    "unknown_site": ("patient", "site_id"),  # an id that is not one of this clinic's sites
    "course_active": ("chemo", ""),
    "date_out_of_range": ("chemo", "first_infusion"),
    "first_infusion_implausible": ("chemo", "first_infusion"),
}
KIND_PLACES = {"regimen": ("chemo", "regimen"), "agent": ("chemo", "agents"), "protocol": ("protocol", "protocol"),
               "adjunct": ("protocol", "adjuncts")}  # fmt: skip


@router.get("")
def start(request: Request, ctx: Signed) -> Response:
    _may_admit(ctx.actor)
    return _page(request, ctx, "patient", {"regimen_mode": "catalogue"}, {})


@router.post("")
def advance(request: Request, ctx: Signed, form: Posted) -> Response:
    _may_admit(ctx.actor)
    here = form.get("step", "")
    here = here if here in steps.STEPS else "patient"
    go = form.get("go", "next")
    if go == "back":
        return _page(request, ctx, steps.STEPS[max(steps.STEPS.index(here) - 1, 0)], form, {})
    for name in steps.STEPS[: steps.STEPS.index(here) + 1]:
        errors = _errors_of(ctx, form, name)
        if errors:
            return _page(request, ctx, name, form, errors, status_code=422)
    if go == here:  # "Show the payment schedule": the same step again, checked
        return _page(request, ctx, here, form, {})
    if here != "send" or go != "submit":
        return _page(request, ctx, steps.STEPS[min(steps.STEPS.index(here) + 1, len(steps.STEPS) - 1)], form, {})
    try:
        admitted = intake.admit(
            ctx.session, ctx.actor, steps.draft(form, with_payment=_bills(ctx.actor)), ctx.knowledge,
            tariffs_version=billing.tariffs_version(ctx.knowledge), at=ctx.at,
        )  # fmt: skip
    except DomainError as refused:
        where, field = _place(refused, "send")
        return _page(request, ctx, where, form, {field: form_refusal(ctx, refused)}, status_code=422)
    ctx.commit(None)
    return RedirectResponse(f"/patients/{admitted.patient_id}?tab=consent&admitted=1", status_code=303)


def _may_admit(actor: Actor) -> None:
    require(actor, Permission.WRITE_PATIENT)
    require(actor, Permission.MANAGE_COURSE)


def may_admit(actor: Actor) -> bool:
    """Whether to offer "New patient": those who may register a patient and start their course."""
    granted = ROLE_PERMISSIONS[actor.role]
    return Permission.WRITE_PATIENT in granted and Permission.MANAGE_COURSE in granted


def _bills(actor: Actor) -> bool:
    """Coordinators agree the payment plan at intake; a clinician's intake leaves billing to them."""
    return Permission.MANAGE_BILLING in ROLE_PERMISSIONS[actor.role]


def _errors_of(ctx: Ctx, form: dict[str, str], name: str) -> dict[str, str]:
    if name in ("patient", "factors"):
        errors = steps.patient_errors(form, name)
        # The MRN as the model reads it (stripped); checked even when a later step's field is wrong for now.
        if name == "patient" and not errors:
            try:
                intake.check_new_patient(ctx.session, ctx.actor, form.get("mrn", "").strip())
            except DomainError as refused:
                errors["mrn"] = form_refusal(ctx, refused)
        return errors
    if name == "chemo":
        return steps.chemo_errors(form, ctx.knowledge, clinic_today(ctx))
    if name == "protocol":
        return steps.protocol_errors(form, ctx.knowledge)
    if name == "costs" and _bills(ctx.actor):
        return payment_terms(form)[1]
    return {}


def _place(error: DomainError, default: str) -> tuple[str, str]:
    if isinstance(error, UnknownName):
        return KIND_PLACES.get(error.kind, (default, ""))
    if error.code.startswith("payment_"):
        return ("costs", "")
    return PLACES.get(error.code, (default, ""))


def _page(
    request: Request, ctx: Ctx, name: str, form: dict[str, str], errors: dict[str, str], *, status_code: int = 200
) -> Response:
    today = clinic_today(ctx)
    form = steps.with_defaults(form, name, today)
    values: dict[str, Any] = {"admitted": None, "risk": None}
    if not errors and name in PREVIEWED:
        try:
            values |= _previews(ctx, form, name)
        except DomainError as refused:  # e.g. the MRN was registered by someone else since step 1
            where, field = _place(refused, name)
            name, errors, status_code = where, {field: form_refusal(ctx, refused)}, 422
    ctx.commit(None)
    return render(
        request, "intake.html", actor=ctx.actor, display_name=ctx.display_name,
        title=f"New patient: {steps.TITLES[name]}", step=name, steps=steps.STEPS, titles=steps.TITLES,
        sent=form, carried=steps.carried(form, name), errors=errors, knowledge=ctx.knowledge, today=today,
        conditions=steps.CONDITIONS, bills=_bills(ctx.actor), status_code=status_code,
        sites=[(str(site.id), site.name) for site in clinic_sites(ctx.session, ctx.actor)], **values,
    )  # fmt: skip


PREVIEWED = ("risk", "plan", "costs", "send")


def _previews(ctx: Ctx, form: dict[str, str], name: str) -> dict[str, Any]:
    """What the step shows from the use case: the risk on its own, or the whole intake rolled back. A form whose
    earlier steps are incomplete (reachable only by going back past a change) shows no preview."""
    if name == "risk":
        patient, course = steps.patient_in(form)[0], steps.course_in(form, None)[0]
        if patient is None or course is None:
            return {}
        return {"risk": intake.estimate_risk(ctx.knowledge, patient, course, today=clinic_today(ctx))}
    with_payment = name in ("costs", "send") and _bills(ctx.actor) and not payment_terms(form)[1]
    try:
        draft = steps.draft(form, with_payment=with_payment)
    except ValueError:
        return {}
    tariffs = billing.tariffs_version(ctx.knowledge)
    admitted = intake.admit(ctx.session, ctx.actor, draft, ctx.knowledge, tariffs_version=tariffs, at=ctx.at,
                            preview=True)  # fmt: skip
    return {"admitted": admitted}
