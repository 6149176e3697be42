"""Staff pages: Today (what is due and whether it can go ahead) and Patients (search and list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import ROLE_PERMISSIONS, Permission, Role, require
from exohair.features.clearances import service as clearances
from exohair.features.patients import service as patients
from exohair.features.patients.overview import patient_lines
from exohair.features.worklist.service import worklist
from exohair.web.deps import Signed
from exohair.web.pages.intake import may_admit
from exohair.web.pages.rendering import render

router = APIRouter()
PATIENTS_PAGE = 50
STATUSES = {"before": "Before chemo", "in": "In chemo", "after": "After chemo", "none": "No chemo course"}


@router.get("/today")
def today(request: Request, ctx: Signed, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    work = worklist(ctx.session, ctx.actor, ctx.knowledge, at=ctx.at, page=page)
    waiting = []
    if Permission.DECIDE_CLEARANCE in ROLE_PERMISSIONS[ctx.actor.role]:
        waiting = clearances.clearance_inbox(ctx.session, ctx.actor, at=ctx.at, limit=20)
    ctx.commit(None)
    return render(request, "today.html", actor=ctx.actor, display_name=ctx.display_name, title="Today",
                  work=work, waiting=waiting)  # fmt: skip


@router.get("/patients")
def patient_list(
    request: Request,
    ctx: Signed,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    require(ctx.actor, Permission.READ_PATIENT)
    if ctx.actor.role is Role.PATIENT:  # a patient's own record is the portal
        ctx.commit(None)
        return RedirectResponse("/my/plan", status_code=303)
    wanted = status if status in STATUSES else None
    found = patients.find_patients(
        ctx.session, ctx.actor, q.strip() or None, at=ctx.at, status=wanted,
        limit=PATIENTS_PAGE + 1, offset=(page - 1) * PATIENTS_PAGE,
    )  # fmt: skip
    rows = patient_lines(ctx.session, ctx.actor, found[:PATIENTS_PAGE], at=ctx.at)
    ctx.commit(None)
    template = "_patient_rows.html" if request.headers.get("hx-request") else "patients.html"
    return render(request, template, actor=ctx.actor, display_name=ctx.display_name, title="Patients",
                  rows=rows, q=q, status=wanted or "", statuses=STATUSES, page=page,
                  more=len(found) > PATIENTS_PAGE, may_admit=may_admit(ctx.actor))  # fmt: skip
