"""The registry's evidence, for the roles that may see it: the clinic's report, "patients like you", and the
de-identified registry for researchers. Authorised and audited here, like every use of patient data.

Only aggregates leave `clinic_report` and `patients_like_you`; `research_registry` gives one row per patient, under
a pseudonym, with dates shifted per patient and ages in bands (domain/deidentify), and only to the researcher role.
An unchanged registry is served from memory: building it reads every assessment of the clinic.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from exohair.db.models import Clinic
from exohair.domain.access import Actor, Permission, require
from exohair.features.analytics import repository
from exohair.features.analytics.registry import Registry, build_registry
from exohair.features.audit.service import record_event
from exohair.features.plans.inputs import clinic_today
from exohair.knowledge import Knowledge

_CACHE: dict[tuple[uuid.UUID, date, int], tuple[tuple[Any, ...], Registry]] = {}
_CACHE_LOCK = threading.Lock()
# The research view leaves out the exact dates and the date of birth; these columns are shifted instead.
SHIFTED_DATES = ("first_infusion", "last_infusion")


@dataclass(frozen=True)
class ClinicRegistry:
    clinic_name: str
    registry: Registry


def clinic_registry(session: Session, actor: Actor, knowledge: Knowledge, *, at: datetime) -> ClinicRegistry:
    """The clinic's registry as of its today, for a role that may read the analytics. Audited as one read of the
    registry (its patients are not named: the report shows none of them)."""
    require(actor, Permission.READ_ANALYTICS)
    clinic = session.get_one(Clinic, actor.clinic_id)
    registry = _registry(session, clinic, knowledge, at=at)
    _audit(session, actor.clinic_id, actor.user_id, actor.source, "read", "registry_report", at=at,
           patients=len(registry.frame))  # fmt: skip
    return ClinicRegistry(clinic.name, registry)


def registry_for_patient(session: Session, actor: Actor, knowledge: Knowledge, *, at: datetime) -> ClinicRegistry:
    """The registry behind "patients like you", for anyone who may read a plan (the patient included): only its
    aggregates are shown (features/analytics/like_you.py). Audited as a read of the registry's summary."""
    require(actor, Permission.READ_PLAN)
    clinic = session.get_one(Clinic, actor.clinic_id)
    registry = _registry(session, clinic, knowledge, at=at)
    _audit(session, actor.clinic_id, actor.user_id, actor.source, "read", "registry_summary", at=at,
           patients=len(registry.frame))  # fmt: skip
    return ClinicRegistry(clinic.name, registry)


def operator_registry(session: Session, clinic_id: uuid.UUID, knowledge: Knowledge, *, at: datetime) -> ClinicRegistry:
    """The same, for the command line (`exohair report`): whoever runs it holds the database itself, so there is
    no account to check; the read is audited as the command line's."""
    clinic = session.get_one(Clinic, clinic_id)
    registry = _registry(session, clinic, knowledge, at=at)
    _audit(session, clinic.id, None, "cli", "read", "registry_report", at=at, patients=len(registry.frame))
    return ClinicRegistry(clinic.name, registry)


def research_registry(session: Session, actor: Actor, knowledge: Knowledge, *, at: datetime) -> pd.DataFrame:
    """One de-identified row per registry patient: pseudonym, regimen, protocol, adjuncts, period, age band, dates
    shifted per patient, and the endpoints. No name, MRN or date of birth; exact age is dropped too."""
    require(actor, Permission.READ_RESEARCH_DATA)
    clinic = session.get_one(Clinic, actor.clinic_id)
    frame = _registry(session, clinic, knowledge, at=at).frame
    shifted = frame.copy()
    offsets = pd.to_timedelta(shifted["shift_days"], unit="D")
    for column in SHIFTED_DATES:
        shifted[column] = (pd.to_datetime(shifted[column]) + offsets).dt.date
    shifted = shifted.drop(columns=["shift_days", "age_years"]).rename(
        columns={"first_infusion": "first_infusion_shifted", "last_infusion": "last_infusion_shifted"}
    )
    _audit(session, actor.clinic_id, actor.user_id, actor.source, "export", "registry", at=at, patients=len(shifted))
    return shifted


def _registry(session: Session, clinic: Clinic, knowledge: Knowledge, *, at: datetime) -> Registry:
    as_of = clinic_today(clinic, at)
    key = (clinic.id, as_of, hash(knowledge))
    fingerprint = repository.registry_fingerprint(session, clinic.id)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    registry = build_registry(session, clinic.id, knowledge, key=repository.research_key(session, clinic.id),
                              as_of=as_of)  # fmt: skip
    with _CACHE_LOCK:
        # One entry per clinic: yesterday's registry and an earlier knowledge base are never asked for again.
        for stale in [k for k in _CACHE if k[0] == clinic.id]:
            del _CACHE[stale]
        _CACHE[key] = (fingerprint, registry)
    return registry


def _audit(
    session: Session,
    clinic_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    source: str,
    action: str,
    record_type: str,
    *,
    at: datetime,
    patients: int,
) -> None:
    # The patients are counted, not named: the report shows none of them one by one.
    record_event(session, at=at, action=action, record_type=record_type, clinic_id=clinic_id, actor_id=actor_id,
                 source=source, changes={"patients": patients})  # fmt: skip
