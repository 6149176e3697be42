"""/api/v1/sites: the clinic's sites. Everyone in the clinic reads them (a patient's record names one); the admin
adds and renames them."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from exohair.features.clinic_settings import sites
from exohair.features.input_model import InputModel
from exohair.web.deps import Signed

router = APIRouter(prefix="/sites", tags=["sites"])


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    name: str
    created_at: datetime
    updated_at: datetime


class SiteIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=sites.MAX_NAME)


class SiteRename(InputModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version you saw; a newer one on file means a stale edit (409)")
    name: str = Field(min_length=1, max_length=sites.MAX_NAME)


@router.get("", response_model=list[SiteOut], summary="The clinic's sites, by name")
def list_sites(ctx: Signed) -> list[SiteOut]:
    return ctx.commit([SiteOut.model_validate(s) for s in sites.clinic_sites(ctx.session, ctx.actor)])


@router.post("", response_model=SiteOut, status_code=201, summary="Add a site (admin)")
def add_site(ctx: Signed, data: SiteIn) -> SiteOut:
    site = sites.add_site(ctx.session, ctx.actor, data.name, at=ctx.at)
    return ctx.commit(SiteOut.model_validate(site))


@router.patch("/{site_id}", response_model=SiteOut, summary="Rename a site (admin; send the version you saw)")
def rename_site(ctx: Signed, site_id: uuid.UUID, data: SiteRename) -> SiteOut:
    site = sites.rename_site(ctx.session, ctx.actor, site_id, data.name, seen_version=data.version, at=ctx.at)
    return ctx.commit(SiteOut.model_validate(site))
