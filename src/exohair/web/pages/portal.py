"""The patient portal: my plan and calendar, in plain language, readable on a phone.

Patient accounts only. The services see the actor's own patient id, so another patient's plan cannot be asked for:
there is no id in these addresses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from exohair.domain.access import Role
from exohair.domain.errors import NotFound
from exohair.features.patients import service as patients
from exohair.features.plans import service as plans
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.rendering import clinic_today, render

router = APIRouter(prefix="/my")


def _own_patient(ctx: Ctx) -> object:
    if ctx.actor.role is not Role.PATIENT or ctx.actor.patient_id is None:
        raise NotFound("The portal is for patient accounts.", code="not_a_patient_account")
    return patients.get_patient(ctx.session, ctx.actor, ctx.actor.patient_id, at=ctx.at)


@router.get("/plan")
def my_plan(request: Request, ctx: Signed) -> Response:
    patient = _own_patient(ctx)
    try:
        stored = plans.current_plan(ctx.session, ctx.actor, ctx.actor.patient_id, ctx.knowledge, at=ctx.at)  # type: ignore[arg-type]
        full, version = stored.full, stored.version
    except NotFound:
        full, version = None, None
    today = clinic_today(ctx)
    ctx.commit(None)
    return render(request, "my_plan.html", actor=ctx.actor, display_name=ctx.user.display_name, title="My plan",
                  patient=patient, full=full, plan_version=version, today=today)  # fmt: skip


@router.get("/guide")
def guide(request: Request, ctx: Signed) -> Response:
    _own_patient(ctx)
    ctx.commit(None)
    return render(request, "my_guide.html", actor=ctx.actor, display_name=ctx.user.display_name,
                  title="Looking after your hair and scalp")  # fmt: skip
