"""Hand-built regimens, protocols and rules for domain tests, independent of the shipped knowledge files."""

from __future__ import annotations

import pytest

from exohair.domain.evidence import Basis, Evidence, Sourced, SourcedRange
from exohair.domain.patients import ConditionNote
from exohair.domain.protocols import (
    Adjunct,
    AdjunctSchedule,
    Anchor,
    AssessmentRule,
    Protocol,
    SessionKind,
    SessionRule,
)
from exohair.domain.regimens import AgentDose, CiaRisk, NadirWindow, Phase, Regimen
from exohair.domain.safety import Comparator, Contraindication, GateRules, LabAnalyte, LabThreshold

TEST_BASIS = Basis("test fixture", Evidence.D)


def nadir(start: int, end: int) -> NadirWindow:
    return NadirWindow(start, end, TEST_BASIS)


def make_regimen(regimen_id: str, *phases: Phase) -> Regimen:
    return Regimen(
        id=regimen_id,
        name=regimen_id.upper(),
        synonyms=(),
        indication="test",
        phases=phases,
        cia_risk=CiaRisk.HIGH,
        schedule_basis=TEST_BASIS,
        p_grade2=Sourced(0.94, TEST_BASIS),
        scalp_cooling_success=SourcedRange(0.5, 0.66, TEST_BASIS),
    )


def phase(name: str, cycle_days: int, cycles: int, days: tuple[int, ...] = (1,), *, nadir_days=(7, 14), agents=()):
    window = nadir(*nadir_days) if nadir_days else None
    return Phase(name, cycle_days, cycles, days, tuple(agents), window)


@pytest.fixture
def ac_t() -> Regimen:
    """AC q21d x 4, then weekly paclitaxel x 12 (cycles 5-16)."""
    return make_regimen("ac-t", phase("AC", 21, 4), phase("T", 7, 12, nadir_days=(7, 11)))


@pytest.fixture
def cmf() -> Regimen:
    return make_regimen("cmf", phase("CMF", 28, 6, (1, 8)))


@pytest.fixture
def tc6() -> Regimen:
    docetaxel = AgentDose("docetaxel", 75, "mg/m2", "IV", (1,))
    return make_regimen("tc6", phase("TC", 21, 6, agents=(docetaxel,)))


def priming_rule() -> SessionRule:
    return SessionRule(SessionKind.PRIMING, Anchor.FIRST_INFUSION, -14, -17, -9, count=2, every_days=7)


def regrowth_rule() -> SessionRule:
    return SessionRule(SessionKind.REGROWTH, Anchor.LAST_INFUSION, 21, 21, 35, count=3, every_days=28)


def in_cycle_rule() -> SessionRule:
    return SessionRule(SessionKind.IN_CYCLE, Anchor.NEXT_CYCLE, -3, -5, -1, min_cycle_days=21)


ASSESSMENTS = (
    AssessmentRule("baseline", Anchor.PLAN_START),
    AssessmentRule("cycle", Anchor.EACH_CYCLE),
    AssessmentRule("end of chemo", Anchor.END_OF_CHEMO),
    AssessmentRule("+3 months", Anchor.LAST_INFUSION, offset_months=3),
    AssessmentRule("+6 months", Anchor.LAST_INFUSION, offset_months=6),
    AssessmentRule("+12 months", Anchor.LAST_INFUSION, offset_months=12),
)


def make_protocol(protocol_id: str, *rules: SessionRule, min_interval_days: int = 7) -> Protocol:
    return Protocol(
        protocol_id, protocol_id, (), 1, "test", rules, min_interval_days, ASSESSMENTS, TEST_BASIS, TEST_BASIS
    )


@pytest.fixture
def priming_regrowth() -> Protocol:
    return make_protocol("priming-regrowth", priming_rule(), regrowth_rule())


@pytest.fixture
def priming_in_cycle_regrowth() -> Protocol:
    return make_protocol("priming-in-cycle-regrowth", priming_rule(), in_cycle_rule(), regrowth_rule())


@pytest.fixture
def regrowth_only() -> Protocol:
    return make_protocol("regrowth-only", regrowth_rule())


MINOXIDIL = Adjunct("minoxidil", "Topical minoxidil", (), AdjunctSchedule.DAILY_FROM_LAST_INFUSION, "twice daily", 6)
PRP = Adjunct("prp", "PRP", (), AdjunctSchedule.WITH_SESSIONS, "with regrowth", with_session_kind=SessionKind.REGROWTH)
COLD = ConditionNote("cold_disorder", "contraindicated with cold agglutinin disease.", TEST_BASIS)
COOLING = Adjunct(
    "scalp-cooling", "Scalp cooling", (), AdjunctSchedule.AT_INFUSIONS, "at every infusion", cautions=(COLD,)
)


def make_rules(*, buffer_days: int = 1, avoid_nadir: bool = True) -> GateRules:
    thresholds = (
        LabThreshold("anc_low", LabAnalyte.ANC, Comparator.AT_LEAST, 1500, "/µL", TEST_BASIS),
        LabThreshold("platelets_low", LabAnalyte.PLATELETS, Comparator.AT_LEAST, 75000, "/µL", TEST_BASIS),
        LabThreshold("hb_low", LabAnalyte.HB, Comparator.AT_LEAST, 10, "g/dL", TEST_BASIS),
        LabThreshold(
            "inr_high", LabAnalyte.INR, Comparator.AT_MOST, 1.5, "", TEST_BASIS, only_when_anticoagulated=True
        ),
    )
    codes = (
        "haematological_malignancy",
        "scalp_metastases",
        "active_scalp_infection",
        "bleeding_disorder",
        "pregnancy",
        "product_hypersensitivity",
        "product_unregistered",
        "fever",
    )
    contraindications = tuple(Contraindication(c, c, f"{c} contraindicates the session.", TEST_BASIS) for c in codes)
    return GateRules(
        thresholds,
        72,
        TEST_BASIS,
        avoid_nadir,
        TEST_BASIS,
        buffer_days,
        TEST_BASIS,
        contraindications,
        TEST_BASIS,
        TEST_BASIS,
    )


@pytest.fixture
def rules() -> GateRules:
    return make_rules()
