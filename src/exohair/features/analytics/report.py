"""The registry report: the analysis, the lot safety table and the charts, with what a reader needs to judge them
(how many patients, how many left out for lack of registry consent, which endpoint definitions)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.domain.access import Actor
from exohair.domain.statistics.registry_analysis import RegistryAnalysis, analyse_registry
from exohair.features.analytics import repository
from exohair.features.analytics.charts import report_charts
from exohair.features.analytics.lots import LotSafety, lot_safety
from exohair.features.analytics.registry import Registry
from exohair.features.analytics.service import ClinicRegistry, clinic_registry, operator_registry
from exohair.knowledge import Knowledge


@dataclass(frozen=True)
class Report:
    clinic_name: str
    as_of: date
    generated_at: datetime
    patients: int
    without_consent: int
    analysis: RegistryAnalysis
    lots: list[LotSafety]
    charts: dict[str, str]  # SVG, by name
    protocol_names: dict[str, str]
    endpoints_version: str
    regimen_names: dict[str, str] = field(default_factory=dict)


_COMPUTED: dict[uuid.UUID, tuple[Registry, RegistryAnalysis, list[LotSafety], dict[str, str], int]] = {}
_COMPUTED_LOCK = threading.Lock()


def protocol_names(knowledge: Knowledge) -> dict[str, str]:
    return {protocol.id: protocol.name for protocol in knowledge.protocols}


def clinic_report(session: Session, actor: Actor, knowledge: Knowledge, *, at: datetime) -> Report:
    """The clinic's report as of its today (READ_ANALYTICS; audited by clinic_registry)."""
    return _report(session, actor.clinic_id, clinic_registry(session, actor, knowledge, at=at), knowledge, at=at)


def operator_report(session: Session, clinic_id: uuid.UUID, knowledge: Knowledge, *, at: datetime) -> Report:
    """The same report for `exohair report` (audited as the command line's)."""
    return _report(session, clinic_id, operator_registry(session, clinic_id, knowledge, at=at), knowledge, at=at)


def _report(
    session: Session, clinic_id: uuid.UUID, found: ClinicRegistry, knowledge: Knowledge, *, at: datetime
) -> Report:
    registry = found.registry
    names = protocol_names(knowledge)
    with _COMPUTED_LOCK:
        computed = _COMPUTED.get(clinic_id)
    # The registry comes back as the very same object while nothing it reads has changed (service._registry),
    # lots and adverse events included: the analysis of an unchanged registry is not computed twice.
    if computed is None or computed[0] is not registry or computed[4] != hash(knowledge):
        analysis = analyse_registry(registry.frame, registry.assessments, registry.endpoints)
        key = repository.research_key(session, clinic_id)
        lots = lot_safety(session, clinic_id, registry.frame, registry.endpoints[0].id, key=key)
        computed = (registry, analysis, lots, report_charts(analysis, names), hash(knowledge))
        with _COMPUTED_LOCK:
            _COMPUTED[clinic_id] = computed
    _registry, analysis, lots, charts, _knowledge = computed
    return Report(
        clinic_name=found.clinic_name,
        as_of=registry.as_of,
        generated_at=at,
        patients=len(registry.frame),
        without_consent=registry.without_consent,
        analysis=analysis,
        lots=lots,
        charts=charts,
        protocol_names=names,
        endpoints_version=knowledge.versions.get("endpoints.yaml", ""),
        regimen_names={regimen.id: regimen.name for regimen in knowledge.regimens},
    )
