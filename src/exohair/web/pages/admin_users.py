"""Admin: the clinic's staff accounts. Add one, change a role, deactivate or reactivate, set a new password.

Each action calls the accounts service, which checks the admin's permission, refuses a stale edit and audits.
A refused action shows its reason beside the form it came from, with what was typed (passwords excepted).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, Role, require
from exohair.domain.errors import DomainError
from exohair.features.accounts import staff
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, posted_form, seen_version
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/admin")
Posted = Annotated[dict[str, str], Depends(posted_form)]
ROLE_NAMES = {
    Role.ADMIN: "Admin: accounts, protocols, tariffs, closed days",
    Role.COORDINATOR: "Coordinator: patients, scheduling, billing",
    Role.CLINICIAN: "Clinician: clinical records, sessions, overrides",
    Role.ONCOLOGIST: "Oncologist: reads, signs and revokes clearances",
    Role.RESEARCHER: "Researcher: de-identified analytics only",
}
SAVED = {"added": "Account added.", "updated": "Account saved.", "password": "Password set; their sessions ended."}


@router.get("")
def admin_home(ctx: Signed) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS)
    ctx.commit(None)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/users")
def users_page(request: Request, ctx: Signed, saved: str = "") -> Response:
    return _page(request, ctx, saved=SAVED.get(saved, ""))


@router.post("/users")
def add_account(request: Request, ctx: Signed, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS)  # before reading the form
    errors: dict[str, str] = {}
    for name, message in (("email", "Enter their work e-mail."), ("display_name", "Enter their name."),
                          ("role", "Choose a role."), ("password", "Set a first password.")):  # fmt: skip
        if not form.get(name, "").strip():
            errors[name] = message
    if not errors:
        try:
            staff.add_staff(ctx.session, ctx.actor, email=form["email"], display_name=form["display_name"],
                            role=form["role"], password=form["password"], at=ctx.at)  # fmt: skip
        except DomainError as refused:
            message = form_refusal(ctx, refused)
            field = {"weak_password": "password", "bad_email": "email", "user_exists": "email"}
            errors[field.get(refused.code, "role")] = message
    if errors:
        sent = {k: v for k, v in form.items() if k != "password"}  # a password is never sent back in a page
        return _page(request, ctx, sent=sent, errors=errors, status_code=422)
    return _saved(ctx, "added")


@router.post("/users/{user_id}")
def update_account(request: Request, ctx: Signed, user_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS)
    try:
        staff.update_staff(ctx.session, ctx.actor, user_id, role=form.get("role", ""),
                           active=form.get("active") == "1", seen_version=seen_version(form), at=ctx.at)  # fmt: skip
    except DomainError as refused:
        status = 409 if refused.http_status == 409 else 422
        return _page(request, ctx, row_errors={user_id: form_refusal(ctx, refused)}, status_code=status)
    return _saved(ctx, "updated")


@router.post("/users/{user_id}/password")
def set_password(request: Request, ctx: Signed, user_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS)
    try:
        staff.set_password(ctx.session, ctx.actor, user_id, form.get("password", ""), at=ctx.at)
    except DomainError as refused:
        return _page(request, ctx, row_errors={user_id: form_refusal(ctx, refused)}, status_code=422)
    return _saved(ctx, "password")


def _page(
    request: Request,
    ctx: Ctx,
    *,
    saved: str = "",
    sent: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    row_errors: dict[uuid.UUID, str] | None = None,
    status_code: int = 200,
) -> Response:
    accounts = staff.list_staff(ctx.session, ctx.actor)
    ctx.commit(None)
    return render(request, "admin_users.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Staff accounts", accounts=accounts, roles=ROLE_NAMES, saved=saved, sent=sent or {},
                  errors=errors or {}, row_errors=row_errors or {}, me=ctx.actor.user_id,
                  status_code=status_code)  # fmt: skip


def _saved(ctx: Ctx, what: str) -> Response:
    return ctx.commit(RedirectResponse(f"/admin/users?saved={what}", status_code=303))
