"""Admin: the clinic's sites. Add one, rename one (a stale rename is refused and the typed name kept)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, require
from exohair.domain.errors import DomainError
from exohair.features.clinic_settings import sites
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, posted_form, seen_version
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/admin")
Posted = Annotated[dict[str, str], Depends(posted_form)]
SAVED = {"added": "Site added.", "renamed": "Site renamed."}


@router.get("/sites")
def sites_page(request: Request, ctx: Signed, saved: str = "") -> Response:
    return _page(request, ctx, saved=SAVED.get(saved, ""))


@router.post("/sites")
def add_site(request: Request, ctx: Signed, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)  # before reading the form
    try:
        sites.add_site(ctx.session, ctx.actor, form.get("name", ""), at=ctx.at)
    except DomainError as refused:
        return _page(request, ctx, errors={"new": form_refusal(ctx, refused)}, sent=form,
                     status_code=refused.http_status)  # fmt: skip
    return ctx.commit(RedirectResponse("/admin/sites?saved=added", status_code=303))


@router.post("/sites/{site_id}")
def rename_site(request: Request, ctx: Signed, site_id: uuid.UUID, form: Posted) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    try:
        sites.rename_site(ctx.session, ctx.actor, site_id, form.get("name", ""), seen_version=seen_version(form),
                          at=ctx.at)  # fmt: skip
    except DomainError as refused:
        return _page(request, ctx, errors={str(site_id): form_refusal(ctx, refused)}, sent=form,
                     status_code=refused.http_status)  # fmt: skip
    return ctx.commit(RedirectResponse("/admin/sites?saved=renamed", status_code=303))


def _page(
    request: Request,
    ctx: Ctx,
    *,
    saved: str = "",
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    require(ctx.actor, Permission.MANAGE_CLINIC)
    listed = sites.clinic_sites(ctx.session, ctx.actor)
    ctx.commit(None)
    return render(request, "admin_sites.html", actor=ctx.actor, display_name=ctx.display_name, title="Sites",
                  sites=listed, saved=saved, errors=errors or {}, sent=sent or {},
                  status_code=status_code)  # fmt: skip
