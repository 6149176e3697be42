"""Admin: the clinic's protocols and tariffs (read, edit as a file, publish with a note) and its closed days.

A file is published only if it loads as the shipped ones do and rewrites no version in use; a refused file comes
back in the editor exactly as typed, with one located sentence per fault above it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, require
from exohair.domain.dates import WEEKDAYS
from exohair.domain.errors import DomainError, NotFound
from exohair.features.clinic_settings import closures
from exohair.features.clinic_settings.publishing import ADMIN_FILES, FileInForce, FileRefused, file_in_force, publish
from exohair.features.consent.portal import in_force
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, posted_form, seen_version
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/admin")
Posted = Annotated[dict[str, str], Depends(posted_form)]
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@router.get("/knowledge")
def knowledge_page(request: Request, ctx: Signed, published: str = "") -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    files = {name: _in_force(request, ctx, name) for name in ADMIN_FILES}
    consent = in_force(ctx.session, ctx.actor.clinic_id)
    knowledge = ctx.knowledge
    ctx.commit(None)
    return render(request, "admin_knowledge.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Protocols and tariffs", files=files, knowledge=knowledge, consent=consent,
                  published=published if published in ADMIN_FILES else "")  # fmt: skip


@router.get("/knowledge/{name}")
def edit_file(request: Request, ctx: Signed, name: str) -> Response:
    return _editor(request, ctx, name)


@router.post("/knowledge/{name}")
def publish_file(request: Request, ctx: Signed, name: str, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)  # before reading the form
    _editable(name)
    seen = seen_version(form, "seen")
    base = request.app.state.knowledge
    try:
        publish(ctx.session, ctx.actor, base, name, form.get("text", "").replace("\r\n", "\n"),
                note=form.get("note", ""), seen_number=seen, at=ctx.at)  # fmt: skip
    except FileRefused as refused:
        ctx.session.rollback()
        return _editor(request, ctx, name, sent=form, problems=refused.problems, status_code=422)
    except DomainError as refused:
        problem = form_refusal(ctx, refused)
        return _editor(request, ctx, name, sent=form, problems=(problem,), status_code=refused.http_status)
    return ctx.commit(RedirectResponse(f"/admin/knowledge?published={name}", status_code=303))


@router.get("/closed-days")
def closed_days_page(request: Request, ctx: Signed, saved: str = "") -> Response:
    return _closed_days(request, ctx, saved=saved)


@router.post("/closed-days/weekdays")
def save_weekdays(request: Request, ctx: Signed, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    weekdays = {i for i, short in enumerate(WEEKDAYS) if form.get(f"closed_{short}") == "1"}
    try:
        closures.set_closed_weekdays(ctx.session, ctx.actor, weekdays, seen_version=seen_version(form),
                                     at=ctx.at)  # fmt: skip
    except DomainError as refused:
        return _closed_days(request, ctx, errors={"weekdays": form_refusal(ctx, refused)}, sent=form,
                            status_code=refused.http_status)  # fmt: skip
    return ctx.commit(RedirectResponse("/admin/closed-days?saved=weekdays", status_code=303))


@router.post("/closed-days")
def add_closed_day(request: Request, ctx: Signed, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        return _closed_days(request, ctx, errors={"day": "Enter a date, e.g. 2026-12-25."}, sent=form,
                            status_code=422)  # fmt: skip
    try:
        closures.add_closed_day(ctx.session, ctx.actor, day, form.get("reason", ""), at=ctx.at)
    except DomainError as refused:
        field = "reason" if refused.code == "reason_too_long" else "day"
        return _closed_days(request, ctx, errors={field: form_refusal(ctx, refused)}, sent=form,
                            status_code=refused.http_status)  # fmt: skip
    return ctx.commit(RedirectResponse("/admin/closed-days?saved=day", status_code=303))


@router.post("/closed-days/{day_id}/reopen")
def reopen_day(ctx: Signed, day_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    closures.reopen_day(ctx.session, ctx.actor, day_id, at=ctx.at)
    return ctx.commit(RedirectResponse("/admin/closed-days?saved=reopened", status_code=303))


def _in_force(request: Request, ctx: Ctx, name: str) -> FileInForce:
    """The clinic's file in force, or the base file (shipped, or the operator's override) as the app loaded it."""
    state = request.app.state
    return file_in_force(ctx.session, ctx.actor, state.knowledge, state.knowledge_texts, name)


def _editor(
    request: Request,
    ctx: Ctx,
    name: str,
    *,
    sent: dict[str, str] | None = None,
    problems: tuple[str, ...] = (),
    status_code: int = 200,
) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    _editable(name)
    in_force = _in_force(request, ctx, name)
    ctx.commit(None)
    return render(request, "admin_file.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=f"Edit {name}", file=in_force, sent=sent or {}, problems=problems,
                  status_code=status_code)  # fmt: skip


def _closed_days(
    request: Request,
    ctx: Ctx,
    *,
    saved: str = "",
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    shown = closures.closed_days(ctx.session, ctx.actor, at=ctx.at)
    ctx.commit(None)
    return render(request, "admin_closed_days.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Closed days", shown=shown, days=list(zip(WEEKDAYS, DAY_NAMES, strict=True)),
                  saved=saved, errors=errors or {}, sent=sent or {}, status_code=status_code)  # fmt: skip


def _editable(name: str) -> None:
    if name not in ADMIN_FILES:
        raise NotFound("No such settings file.", code="not_found")
