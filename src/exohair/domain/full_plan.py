"""Everything one patient's plan is made of, together: what `exohair plan` shows and exports render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exohair.domain.calendar import ChemoCalendar
from exohair.domain.costing import Estimate
from exohair.domain.planning import TherapyPlan
from exohair.domain.protocols import Protocol
from exohair.domain.regimens import Regimen
from exohair.domain.risk import RiskEstimate


@dataclass(frozen=True, slots=True)
class FullPlan:
    regimen: Regimen
    protocol: Protocol
    first_infusion: date  # as planned, before delays: it identifies the course
    calendar: ChemoCalendar
    plan: TherapyPlan
    risk: RiskEstimate
    estimate: Estimate
