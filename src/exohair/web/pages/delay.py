"""Record a delayed, early or skipped chemo infusion, and see before saving which sessions move and where.

The preview runs the same use case as the save, inside a savepoint that is rolled back (courses.record_infusion
with preview), so what is shown is exactly what saving will do."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, require
from exohair.domain.errors import DomainError, NotFound
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import InfusionRecordIn
from exohair.features.patients import service as patients
from exohair.features.plans import service as plans
from exohair.features.plans.service import Move
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, parse, posted_form
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/courses")
Posted = Annotated[dict[str, str], Depends(posted_form)]
OUTCOMES = {"delay": "Given late (or early)", "given": "Given on a date", "skip": "Skipped"}


@router.get("/{course_id}/infusion")
def infusion_form(request: Request, ctx: Signed, course_id: uuid.UUID) -> Response:
    require(ctx.actor, Permission.MANAGE_COURSE)  # the form is for those who may record; others get 403, not a form
    return _page(request, ctx, course_id, sent={"outcome": "delay"}, errors={}, moves=None)


@router.post("/{course_id}/infusion")
def record(request: Request, ctx: Signed, course_id: uuid.UUID, form: Posted) -> Response:
    missing = _missing_for_outcome(form)
    data, errors = parse(InfusionRecordIn, _record_fields(form)) if not missing else (None, {})
    if data is None:
        errors = missing | {("infusion" if k in ("cycle", "day") else k): v for k, v in errors.items()}
        if not form.get("infusion"):
            errors["infusion"] = "Choose the infusion."
        return _page(request, ctx, course_id, sent=form, errors=errors, moves=None, status_code=422)
    preview = form.get("action") != "save"
    try:
        result = courses.record_infusion(ctx.session, ctx.actor, course_id, data, ctx.knowledge, at=ctx.at,
                                         preview=preview)  # fmt: skip
    except DomainError as refused:
        errors = {"": form_refusal(ctx, refused)}
        return _page(request, ctx, course_id, sent=form, errors=errors, moves=None, status_code=422)
    if preview:
        return _page(request, ctx, course_id, sent=form, errors={}, moves=list(result.moves))
    ctx.commit(None)
    moved = len(result.moves)
    return RedirectResponse(f"/patients/{result.course.patient_id}?tab=plan&moved={moved}", status_code=303)


def _missing_for_outcome(form: dict[str, str]) -> dict[str, str]:
    """The field the chosen outcome needs, if it was left empty (said beside that field, not as a rule of the model)."""
    if form.get("outcome") == "delay" and not form.get("delay_days"):
        return {"delay_days": "Enter how many days late the infusion was given (negative if early)."}
    if form.get("outcome") == "given" and not form.get("given_on"):
        return {"given_on": "Enter the date it was given."}
    if form.get("outcome") not in OUTCOMES:
        return {"": "Say what happened: given late, given on a date, or skipped."}
    return {}


def _record_fields(form: dict[str, str]) -> dict[str, Any]:
    """The form's one-of choice (delay / given on / skipped) as the use case's fields."""
    cycle, _, day = form.get("infusion", "").partition("/")
    fields: dict[str, Any] = {"version": form.get("version", ""), "cycle": cycle, "day": day or "1",
                              "reason": form.get("reason", "")}  # fmt: skip
    outcome = form.get("outcome")
    if outcome == "delay":
        fields["delay_days"] = form.get("delay_days", "")
    elif outcome == "given":
        fields["given_on"] = form.get("given_on", "")
    elif outcome == "skip":
        fields["skipped"] = True
    return fields


def _page(
    request: Request,
    ctx: Ctx,
    course_id: uuid.UUID,
    *,
    sent: dict[str, str],
    errors: dict[str, str],
    moves: list[Move] | None,
    status_code: int = 200,
) -> Response:
    course = courses.get_course(ctx.session, ctx.actor, course_id, at=ctx.at)
    patient = patients.get_patient(ctx.session, ctx.actor, course.patient_id, at=ctx.at)
    try:
        full = plans.current_plan(ctx.session, ctx.actor, patient.id, ctx.knowledge, at=ctx.at).full
    except NotFound:
        full = None
    ctx.commit(None)
    return render(request, "delay.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=f"Chemo delay: {patient.given_name} {patient.family_name}", course=course, patient=patient,
                  full=full, sent=sent, errors=errors, moves=moves, outcomes=OUTCOMES,
                  status_code=status_code)  # fmt: skip
