from datetime import date, timedelta

from conftest import TEST_BASIS
from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.evidence import Sourced, SourcedRange
from exohair.domain.patients import Condition, ConditionNote, PatientFacts
from exohair.domain.risk import RiskModel, estimate_cia_risk

FIRST = date(2027, 3, 1)
MODEL = RiskModel(
    onset_days=Sourced(18.0, TEST_BASIS),
    regrowth_months=Sourced(3.3, TEST_BASIS),
    docetaxel_persistent_threshold_mg_m2=Sourced(400, TEST_BASIS),
    docetaxel_persistent_grade2=SourcedRange(0.05, 0.12, TEST_BASIS),
    factor_notes=(
        ConditionNote("androgenetic_alopecia", "pCIA resembles AGA.", TEST_BASIS),
        ConditionNote(Condition.LIVER_DYSFUNCTION, "Cooling may be less effective.", TEST_BASIS),
    ),
)


def test_it_gives_the_probability_and_the_expected_course(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST)
    risk = estimate_cia_risk(ac_t, calendar, PatientFacts(), MODEL)
    assert risk.p_grade2 == 0.94
    assert risk.expected_onset == FIRST + timedelta(days=18)
    # 3.3 months x 30.4375 days = 100.4 -> 100 days after the last dose.
    assert risk.expected_regrowth_start == calendar.last_cytotoxic_infusion + timedelta(days=100)
    assert not risk.persistent_alopecia_flag
    assert [line.quantity for line in risk.basis][:4] == [
        "P(grade >= 2 alopecia) without intervention",
        "Regimen drugs, doses and schedule",
        "Onset of hair loss after the first dose",
        "Start of regrowth after the last dose",
    ]


def test_cumulative_docetaxel_over_400_raises_the_persistent_alopecia_flag(tc6):
    risk = estimate_cia_risk(tc6, build_chemo_calendar(tc6, FIRST), PatientFacts(), MODEL)
    assert risk.cumulative_docetaxel_mg_m2 == 450
    assert risk.persistent_alopecia_flag
    assert any("450 mg/m² ≥ 400" in line.value for line in risk.basis)


def test_patient_factors_are_notes_with_their_basis_and_do_not_change_the_probability(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST)
    facts = PatientFacts(androgenetic_alopecia=True, conditions=frozenset({Condition.LIVER_DYSFUNCTION}))
    plain = estimate_cia_risk(ac_t, calendar, PatientFacts(), MODEL)
    risk = estimate_cia_risk(ac_t, calendar, facts, MODEL)
    assert [n.code for n in risk.notes] == ["androgenetic_alopecia", "liver_dysfunction"]
    assert risk.p_grade2 == plain.p_grade2
