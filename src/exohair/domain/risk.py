"""Chemotherapy-induced alopecia (CIA) risk: how likely, when it starts, when hair returns, and why we think so.

Every number comes from the knowledge base with its source; the estimate returns that basis so a clinician can
check it. Patient factors without a sourced effect size are reported as notes and do not change the probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from exohair.domain.calendar import ChemoCalendar
from exohair.domain.evidence import Basis, Evidence, Sourced, SourcedRange
from exohair.domain.patients import ConditionNote, PatientFacts
from exohair.domain.regimens import CiaRisk, Regimen

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class RiskModel:
    onset_days: Sourced  # mean days from first dose to onset of loss
    regrowth_months: Sourced  # mean months from last dose to the start of regrowth
    docetaxel_persistent_threshold_mg_m2: Sourced  # cumulative docetaxel dose that raises persistent alopecia
    docetaxel_persistent_grade2: SourcedRange  # fraction with grade-2 persistent alopecia above that dose
    factor_notes: tuple[ConditionNote, ...]


class BasisLine(NamedTuple):  # a NamedTuple for speed, as calendar.DateWindow
    quantity: str
    value: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class RiskEstimate:
    regimen_id: str
    risk_class: CiaRisk
    p_grade2: float | None  # probability of CTCAE grade >= 2 alopecia without intervention; None when unknown
    expected_onset: date
    expected_regrowth_start: date
    scalp_cooling_success: SourcedRange | None
    persistent_alopecia_flag: bool
    cumulative_docetaxel_mg_m2: float
    notes: tuple[ConditionNote, ...]
    basis: tuple[BasisLine, ...]


def estimate_cia_risk(regimen: Regimen, calendar: ChemoCalendar, facts: PatientFacts, model: RiskModel) -> RiskEstimate:
    """P(CTCAE grade >= 2 alopecia) without intervention, the expected course, modifiers and their basis.

    onset = first infusion + mean onset days (Watanabe 2019: 18.0 days);
    regrowth start = last cytotoxic infusion + mean months x 365.25/12 days (Watanabe 2019: 3.3 months);
    persistent-alopecia flag when the planned cumulative docetaxel dose >= the threshold (Martín 2018: 400 mg/m2).
    """
    onset = calendar.first_infusion + timedelta(days=round(model.onset_days.value))
    regrowth_days = round(model.regrowth_months.value * DAYS_PER_MONTH)
    regrowth = calendar.last_cytotoxic_infusion + timedelta(days=regrowth_days)
    docetaxel = regimen.cumulative_dose("docetaxel")
    threshold = model.docetaxel_persistent_threshold_mg_m2
    persistent = docetaxel >= threshold.value
    basis = [
        _p_grade2_line(regimen),
        BasisLine("Regimen drugs, doses and schedule", regimen.name, regimen.schedule_basis),
        BasisLine(
            "Onset of hair loss after the first dose", f"{model.onset_days.value:g} days", model.onset_days.basis
        ),
        BasisLine(
            "Start of regrowth after the last dose",
            f"{model.regrowth_months.value:g} months",
            model.regrowth_months.basis,
        ),
    ]
    if regimen.scalp_cooling_success is not None:
        cooling = regimen.scalp_cooling_success
        basis.append(BasisLine("Scalp-cooling success (keeps >= 50% of hair)", _range(cooling), cooling.basis))
    if persistent:
        grade2 = model.docetaxel_persistent_grade2
        value = f"cumulative {docetaxel:g} mg/m² ≥ {threshold.value:g}: grade-2 persistent alopecia {_range(grade2)}"
        basis.append(BasisLine("Persistent alopecia after docetaxel", value, grade2.basis))
    notes = tuple(note for note in model.factor_notes if note.applies_to(facts))
    basis.extend(BasisLine(f"Patient factor: {n.code.replace('_', ' ')}", n.message, n.basis) for n in notes)
    return RiskEstimate(
        regimen.id,
        regimen.cia_risk,
        regimen.p_grade2.value if regimen.p_grade2 is not None else None,
        onset,
        regrowth,
        regimen.scalp_cooling_success,
        persistent,
        docetaxel,
        notes,
        tuple(basis),
    )


def _p_grade2_line(regimen: Regimen) -> BasisLine:
    quantity = "P(grade >= 2 alopecia) without intervention"
    if regimen.p_grade2 is not None:
        return BasisLine(quantity, f"{regimen.p_grade2.value:.0%}", regimen.p_grade2.basis)
    # A custom regimen: its risk class is its highest-risk agent's, and that agent's basis is the one shown.
    return BasisLine(quantity, f"not known; {regimen.cia_risk.value}-risk agents", _class_basis(regimen))


def _class_basis(regimen: Regimen) -> Basis:
    return Basis(f"No published figure for this combination. {regimen.note}", Evidence.D)


def _range(value: SourcedRange) -> str:
    if value.low == value.high:
        return f"{value.low:.0%}"
    return f"{value.low:.0%}–{value.high:.0%}"
