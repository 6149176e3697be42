"""Make a full plan for one patient: chemo calendar, CIA risk, therapy plan and cost estimate, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from exohair.domain.calendar import InfusionChange, build_chemo_calendar
from exohair.domain.closures import NO_CLOSURES, ClinicClosures
from exohair.domain.costing import price_plan
from exohair.domain.full_plan import FullPlan
from exohair.domain.patients import PatientFacts
from exohair.domain.planning import plan_sessions
from exohair.domain.risk import estimate_cia_risk
from exohair.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class PlanRequest:
    regimen: str  # id, name or synonym
    first_infusion: date
    protocol: str
    adjuncts: Sequence[str] = ()
    closures: ClinicClosures = NO_CLOSURES
    changes: Sequence[InfusionChange] = ()
    facts: PatientFacts = field(default_factory=PatientFacts)
    not_before: date | None = None


def make_full_plan(knowledge: Knowledge, request: PlanRequest) -> FullPlan:
    """Look up the regimen, protocol and adjuncts by name, then run calendar → risk → plan → estimate."""
    regimen = knowledge.regimen(request.regimen)
    protocol = knowledge.protocol(request.protocol)
    adjuncts = [knowledge.adjunct(name) for name in dict.fromkeys(request.adjuncts)]
    calendar = build_chemo_calendar(regimen, request.first_infusion, request.changes)
    risk = estimate_cia_risk(regimen, calendar, request.facts, knowledge.risk_model)
    plan = plan_sessions(
        calendar,
        protocol,
        adjuncts,
        knowledge.gates,
        closures=request.closures,
        facts=request.facts,
        not_before=request.not_before,
    )
    return FullPlan(
        regimen, protocol, request.first_infusion, calendar, plan, risk, price_plan(plan, knowledge.tariffs)
    )
