"""Rendering the clinic's pages: one Jinja2 environment, the page security headers, CSRF tokens, error pages.

Pages are server-rendered HTML with HTMX for partial updates; no script is inline, so the Content-Security-Policy
can forbid inline scripts and styles outright.

CSRF: every form carries a token derived from the session cookie (an HMAC keyed by the session's own secret
token), checked on every POST. It needs no server-side state and no shared secret between workers, and a page on
another site can neither read the cookie nor compute the token. The session cookie is also SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from exohair.db.models import Clinic
from exohair.domain.access import Actor, Role
from exohair.features.plans import inputs
from exohair.web.deps import Ctx, presented_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PRELOGIN_COOKIE = "exohair_prelogin"  # the sign-in form's double-submit token (there is no session yet)
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"  # HTMX requests send the token as a header (see static/app.js)

# Pages may load scripts, styles and images from this origin only; nothing inline, nothing framed, forms post here.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {"content-security-policy": PAGE_CSP}

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a misspelt name fails the render (and its test) instead of printing nothing
    trim_blocks=True,
    lstrip_blocks=True,
)


def _long_date(day: date | datetime | str | None) -> str:
    if isinstance(day, str):  # an ISO date as stored in a plan version's list of moves
        day = date.fromisoformat(day)
    return day.strftime("%a %-d %b %Y") if day is not None else "—"


def _short_date(day: date | datetime | None) -> str:
    return day.strftime("%-d %b") if day is not None else "—"


def _money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


_env.filters["long_date"] = _long_date
_env.filters["short_date"] = _short_date
_env.filters["money"] = _money


def csrf_token(request: Request) -> str:
    """The token forms must send back: bound to the credential the request came with (the session cookie, or a
    personal token for a script), or to the pre-login cookie before sign-in."""
    credential = presented_token(request)
    if credential:
        return hmac.new(credential.encode(), b"exohair-csrf", hashlib.sha256).hexdigest()
    return request.state.prelogin if hasattr(request.state, "prelogin") else request.cookies.get(PRELOGIN_COOKIE, "")


def csrf_valid(request: Request, sent: str | None) -> bool:
    expected = csrf_token(request)
    return bool(sent) and bool(expected) and hmac.compare_digest(expected, sent or "")


def new_prelogin_token(request: Request) -> str:
    token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.prelogin = token
    return token


NAV: dict[Role, list[tuple[str, str]]] = {
    Role.COORDINATOR: [("/today", "Today"), ("/patients", "Patients"), ("/analytics", "Evidence")],
    Role.CLINICIAN: [("/today", "Today"), ("/patients", "Patients"), ("/analytics", "Evidence")],
    Role.ONCOLOGIST: [
        ("/today", "Today"),
        ("/clearances", "Clearances"),
        ("/patients", "Patients"),
        ("/analytics", "Evidence"),
    ],
    Role.ADMIN: [
        ("/admin/users", "Staff"),
        ("/admin/knowledge", "Protocols and tariffs"),
        ("/admin/closed-days", "Closed days"),
        ("/admin/sites", "Sites"),
    ],
    Role.PATIENT: [
        ("/my/plan", "My plan"),
        ("/my/assessment", "My hair"),
        ("/my/questionnaires", "Questionnaires"),
        ("/my/consent", "Consent"),
        ("/my/guide", "Hair care"),
    ],
    Role.RESEARCHER: [("/analytics", "Evidence")],
}


def render(
    request: Request,
    template: str,
    *,
    actor: Actor | None = None,
    display_name: str | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    page = _env.get_template(template).render(
        request=request,
        path=request.url.path,
        actor=actor,
        display_name=display_name,
        nav=NAV.get(actor.role, []) if actor else [],
        csrf=csrf_token(request),
        csrf_field=CSRF_FIELD,
        **values,
    )
    response = HTMLResponse(page, status_code=status_code, headers=PAGE_HEADERS)
    prelogin = getattr(request.state, "prelogin", None)
    if prelogin and request.cookies.get(PRELOGIN_COOKIE) != prelogin:
        response.set_cookie(
            PRELOGIN_COOKIE, prelogin, max_age=3600, httponly=True, samesite="strict",
            secure=request.url.scheme == "https", path="/sign-in",
        )  # fmt: skip
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, title=title, message=message)


def to_sign_in(request: Request) -> RedirectResponse:
    """Back to the sign-in page, remembering where the user was going (a local path only: no open redirect)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={_quote(target)}", status_code=303)


def _quote(path: str) -> str:
    return quote(path, safe="/")


def clinic_today(ctx: Ctx) -> date:
    """Today's date where the clinic is: dates of care are calendar dates in the clinic's time zone."""
    return inputs.clinic_today(ctx.session.get_one(Clinic, ctx.actor.clinic_id), ctx.at)
