"""The clinic's sites: the places it treats patients, so a patient's record can say where and the registry can
compare sites (a site's habits shape both whom it offers the therapy and how its patients fare).

The admin adds and renames sites; a site is never deleted, because patients' records and the registry refer to
it. Everyone in the clinic may read the list (names of places, no patient data), so forms can offer it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import Site
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import record_event
from exohair.features.charts import edit_versioned

MAX_NAME = 200


def clinic_sites(session: Session, actor: Actor) -> list[Site]:
    """The clinic's sites by name."""
    return list(session.scalars(select(Site).where(Site.clinic_id == actor.clinic_id).order_by(Site.name)))


def add_site(session: Session, actor: Actor, name: str, *, at: datetime) -> Site:
    require(actor, Permission.MANAGE_CLINIC)
    name = _checked_name(session, actor, name)
    site = Site(clinic_id=actor.clinic_id, name=name)
    session.add(site)
    session.flush()
    _audit(session, actor, "create", site.id, at, {"name": [None, name]})
    return site


def rename_site(
    session: Session, actor: Actor, site_id: uuid.UUID, name: str, *, seen_version: int, at: datetime
) -> Site:
    """Rename if the admin saw the current version; a stale rename is refused (409) and changes nothing."""
    require(actor, Permission.MANAGE_CLINIC)
    site = site_in_clinic(session, actor.clinic_id, site_id)
    name = _checked_name(session, actor, name, renaming=site)
    diff = edit_versioned(session, site, seen_version, {"name": name}, what="site")
    _audit(session, actor, "update", site.id, at, diff)
    return site


def site_in_clinic(session: Session, clinic_id: uuid.UUID, site_id: uuid.UUID) -> Site:
    """The site, if it is this clinic's; another clinic's site is as unknown as a made-up id."""
    site = session.scalar(select(Site).where(Site.clinic_id == clinic_id, Site.id == site_id))
    if site is None:
        raise NotFound("This clinic has no such site.", code="site_not_found")
    return site


def site_name(session: Session, clinic_id: uuid.UUID, site_id: uuid.UUID | None) -> str | None:
    """The name a chart shows for a patient's site (None when none is recorded)."""
    if site_id is None:
        return None
    return session.scalar(select(Site.name).where(Site.clinic_id == clinic_id, Site.id == site_id))


def checked_site(session: Session, clinic_id: uuid.UUID, site_id: uuid.UUID | None) -> uuid.UUID | None:
    """A patient's site as sent in a record: None, or one of the clinic's sites (422 naming the field if not)."""
    if site_id is None:
        return None
    try:
        return site_in_clinic(session, clinic_id, site_id).id
    except NotFound:
        raise InvalidInput("site_id: this clinic has no such site.", code="unknown_site") from None


def _checked_name(session: Session, actor: Actor, name: str, *, renaming: Site | None = None) -> str:
    name = " ".join(name.split())  # one space between words, none around: "Riverside" and " Riverside " are one
    if not name:
        raise InvalidInput("Give the site a name.", code="site_name_missing")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"A site name is at most {MAX_NAME} characters.", code="site_name_too_long")
    same = select(Site.id).where(Site.clinic_id == actor.clinic_id, func.lower(Site.name) == name.lower())
    if renaming is not None:
        same = same.where(Site.id != renaming.id)
    if session.scalar(same) is not None:
        raise Conflict(f"The clinic already has a site called {name}.", code="site_exists")
    return name


def _audit(
    session: Session, actor: Actor, action: str, site_id: uuid.UUID, at: datetime, changes: Mapping[str, object]
) -> None:
    record_event(
        session, at=at, action=action, record_type="site", record_id=str(site_id), clinic_id=actor.clinic_id,
        actor_id=actor.user_id, source=actor.source, changes=changes,
    )  # fmt: skip
