""" "Patients like you": what happened to the clinic's registry patients on a regimen of the same alopecia-risk
class, with the same protocol, next to those followed under observation only. Aggregates with their intervals,
and "not enough data" below the minimum (domain/statistics/cohorts.py), never a figure from a handful of patients.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from exohair.domain.access import Actor
from exohair.domain.endpoints import Endpoint, EndpointKind
from exohair.domain.statistics.cohorts import MINIMUM_ASSESSED, CohortRate, overall_rate
from exohair.domain.statistics.comparisons import COMPARATOR
from exohair.domain.statistics.survival import kaplan_meier
from exohair.features.analytics.service import registry_for_patient
from exohair.features.plans import service as plans
from exohair.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class Median:
    followed: int
    days: float | None  # None: not reached, or not enough data
    low: float | None
    high: float | None
    enough: bool


@dataclass(frozen=True, slots=True)
class LikeGroup:
    label: str
    preserved: CohortRate
    regrowth: Median | None  # None when the registry has no time-to-event endpoint


@dataclass(frozen=True)
class PatientsLikeYou:
    risk_class: str
    protocol: str
    protocol_name: str
    preserved_name: str
    regrowth_name: str | None
    groups: tuple[LikeGroup, ...]
    registry_patients: int
    minimum: int


def _median(frame: pd.DataFrame, endpoint: Endpoint | None) -> Median | None:
    if endpoint is None:
        return None
    followed = frame.loc[frame[f"{endpoint.id}_days"].notna()]
    if len(followed) < MINIMUM_ASSESSED:
        return Median(len(followed), None, None, None, enough=False)
    curve = kaplan_meier(followed[f"{endpoint.id}_days"], followed[f"{endpoint.id}_event"], label=endpoint.id)
    return Median(len(followed), curve.median_days, curve.median_low, curve.median_high, enough=True)


def patients_like_you(
    session: Session, actor: Actor, patient_id: uuid.UUID, knowledge: Knowledge, *, at: datetime
) -> PatientsLikeYou:
    """For the patient's current plan (her regimen's risk class and her protocol). The patient may ask for her
    own; staff who may read her plan may ask for hers. Reading the plan is audited as such."""
    full = plans.current_plan(session, actor, patient_id, knowledge, at=at).full
    frame = registry_for_patient(session, actor, knowledge, at=at).registry.frame
    risk_class, protocol = full.risk.risk_class.value, full.protocol.id
    preserved = knowledge.endpoints[0]
    timed = next((e for e in knowledge.endpoints if e.kind is EndpointKind.TIME_TO_EVENT), None)
    same_class = frame.loc[frame["risk_class"] == risk_class]
    cohorts = [
        (f"{full.protocol.name}, {risk_class}-risk regimens", same_class.loc[same_class["protocol"] == protocol])
    ]
    if protocol != COMPARATOR:
        cohorts.append(
            (f"Observation only, {risk_class}-risk regimens", same_class.loc[same_class["protocol"] == COMPARATOR])
        )
    cohorts.append((f"Any protocol, {risk_class}-risk regimens", same_class))
    groups = tuple(
        LikeGroup(label, overall_rate(group, preserved.id), _median(group, timed)) for label, group in cohorts
    )
    return PatientsLikeYou(
        risk_class=risk_class,
        protocol=protocol,
        protocol_name=full.protocol.name,
        preserved_name=preserved.name,
        regrowth_name=timed.name if timed else None,
        groups=groups,
        registry_patients=len(frame),
        minimum=MINIMUM_ASSESSED,
    )
