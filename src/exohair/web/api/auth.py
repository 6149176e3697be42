"""/api/v1/auth and /api/v1/me: sign in and out of the web app, who am I, my personal API tokens.

The session cookie is HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot send it) and
Secure whenever the request came over HTTPS. It holds a 12-hour personal token that signing out revokes.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from exohair.db.models import ApiToken, User
from exohair.features.accounts import logins
from exohair.features.accounts import service as accounts
from exohair.features.input_model import InputModel
from exohair.web.deps import SESSION_COOKIE, DbSession, Signed, client_address, now

router = APIRouter(tags=["accounts"])
MAX_TOKEN_DAYS = 366


class LoginIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    clinic: str | None = Field(default=None, max_length=200, description="Only where one database holds several")


class MeOut(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: str
    clinic_id: uuid.UUID
    patient_id: uuid.UUID | None


class TokenIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, description="What the token is for, e.g. 'lab import script'")
    expires_in_days: int | None = Field(default=90, ge=1, le=MAX_TOKEN_DAYS)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown once; only its hash is kept.")


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.id, email=user.email, display_name=user.display_name, role=user.role, clinic_id=user.clinic_id,
        patient_id=user.patient_id,
    )  # fmt: skip


@router.post("/auth/login", response_model=MeOut, summary="Sign in; sets the session cookie")
def login(request: Request, response: Response, session: DbSession, data: LoginIn) -> MeOut:
    at = now(request)
    try:
        user, plain = logins.sign_in(
            session, data.email, data.password, source=client_address(request), at=at, clinic=data.clinic
        )
    except logins.LoginRefused:
        session.commit()  # the failure must count towards the rate limit even though the request fails
        raise
    session.commit()
    response.set_cookie(
        SESSION_COOKIE, plain, max_age=logins.WEB_SESSION_HOURS * 3600, httponly=True, samesite="strict",
        secure=request.url.scheme == "https", path="/",
    )  # fmt: skip
    return _me(user)


@router.post("/auth/logout", status_code=204, summary="Sign out; the session's token stops working everywhere")
def logout(ctx: Signed, request: Request, response: Response) -> Response:
    logins.sign_out(ctx.session, ctx.user, ctx.token_id, source=ctx.actor.source, at=ctx.at)
    ctx.session.commit()
    done = Response(status_code=204)
    done.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return done


@router.get("/me", response_model=MeOut, summary="The signed-in account")
def me(ctx: Signed) -> MeOut:
    return ctx.commit(_me(ctx.user))


@router.get("/me/tokens", response_model=list[TokenOut], summary="My personal tokens (never the secret)")
def my_tokens(ctx: Signed) -> list[TokenOut]:
    return ctx.commit([TokenOut.model_validate(t) for t in accounts.own_tokens(ctx.session, ctx.user)])


@router.post("/me/tokens", response_model=NewTokenOut, status_code=201, summary="Create a personal API token")
def create_token(ctx: Signed, data: TokenIn) -> NewTokenOut:
    expires = ctx.at + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    token, plain = accounts.create_token(ctx.session, ctx.user, data.name, at=ctx.at, expires_at=expires)
    return ctx.commit(NewTokenOut.model_validate(_token_fields(token) | {"token": plain}))


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of my tokens")
def revoke_token(ctx: Signed, token_id: uuid.UUID) -> Response:
    accounts.revoke_token_by_id(ctx.session, ctx.user, token_id, at=ctx.at)
    ctx.session.commit()
    return Response(status_code=204)


def _token_fields(token: ApiToken) -> dict[str, object]:
    return {name: getattr(token, name) for name in TokenOut.model_fields}
