"""Signing in and out of the web app, and the home page that sends each role where its work is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Role
from exohair.domain.errors import InvalidInput
from exohair.features.accounts import logins
from exohair.features.accounts import service as accounts
from exohair.web.deps import SESSION_COOKIE, DbSession, Signed, client_address, now
from exohair.web.pages.rendering import (
    CSRF_FIELD,
    csrf_valid,
    new_prelogin_token,
    render,
)

router = APIRouter()
HOME = {
    Role.ADMIN: "/admin/users",
    Role.PATIENT: "/my/plan",
    Role.COORDINATOR: "/today",
    Role.CLINICIAN: "/today",
    Role.ONCOLOGIST: "/today",
    Role.RESEARCHER: "/analytics",
}


def _local(target: str | None) -> str | None:
    # Only a path on this site: "//evil.example" or "https://..." would make the sign-in page an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/sign-in")
def sign_in_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    new_prelogin_token(request)
    ask_clinic = accounts.several_clinics(session)
    session.commit()
    return render(request, "sign_in.html", title="Sign in", next=_local(next) or "", email="", clinic="",
                  ask_clinic=ask_clinic, error=None)  # fmt: skip


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
    clinic: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    ask_clinic = accounts.several_clinics(session)

    def again(error: str, status: int) -> Response:
        new_prelogin_token(request)
        return render(request, "sign_in.html", title="Sign in", next=_local(next) or "", email=email, clinic=clinic,
                      ask_clinic=ask_clinic, error=error, status_code=status)  # fmt: skip

    if not csrf_valid(request, csrf):
        return again("This form had expired. Please sign in again.", 400)
    if not email.strip() or not password:
        return again("Enter your e-mail address and your password.", 422)
    try:
        user, plain = logins.sign_in(
            session, email, password, source=client_address(request), at=now(request), clinic=clinic.strip() or None
        )
    except InvalidInput as refused:  # several clinics and none named
        return again(refused.message, 422)
    except logins.TooManyAttempts as refused:
        session.commit()
        return again(refused.message, 429)
    except logins.LoginRefused:
        session.commit()  # the failure counts towards the rate limit
        return again("That e-mail address and password do not match an account.", 401)
    session.commit()
    response = RedirectResponse(_local(next) or HOME.get(Role(user.role), "/"), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, plain, max_age=logins.WEB_SESSION_HOURS * 3600, httponly=True, samesite="strict",
        secure=request.url.scheme == "https", path="/",
    )  # fmt: skip
    return response


@router.post("/sign-out")
def sign_out(
    ctx: Signed, request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = ""
) -> Response:
    if not csrf_valid(request, csrf):
        return render(request, "error.html", actor=ctx.actor, status_code=400, title="Form expired",
                      message="This form had expired. Reload the page and try again.")  # fmt: skip
    logins.sign_out(ctx.session, ctx.user, ctx.token_id, source=ctx.actor.source, at=ctx.at)
    ctx.commit(None)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, ctx: Signed) -> Response:
    role = ctx.actor.role
    ctx.commit(None)  # commits the token's last-used time; this page reads no patient data
    if role in HOME:
        return RedirectResponse(HOME[role], status_code=303)
    return render(request, "home.html", actor=ctx.actor, display_name=ctx.display_name, title="exohair")
