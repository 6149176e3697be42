"""Two patients the clinic sees every week, planned end to end with the shipped knowledge base."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from exohair.domain.dates import add_months
from exohair.domain.protocols import SessionKind
from exohair.features.planning.service import PlanRequest, make_full_plan
from exohair.knowledge import shipped_knowledge

KB = shipped_knowledge()


def test_a_breast_cancer_patient_on_ac_t_starts_two_weeks_before_her_first_infusion():
    """Stage II breast cancer, AC then weekly paclitaxel; she comes to the clinic 14 days before cycle 1."""
    first = date(2027, 3, 1)
    today = first - timedelta(days=14)
    full = make_full_plan(
        KB,
        PlanRequest("AC-T", first, "priming-regrowth", ("scalp-cooling",), not_before=today),
    )
    sessions = [s for s in full.plan.sessions]
    assert sessions[0].kind is SessionKind.PRIMING
    assert sessions[0].date == today  # first session 14 days before the first infusion
    assert sessions[1].date == first - timedelta(days=7)
    assert all(s.date is not None and not s.problems for s in sessions)
    # 16 infusions (AC x 4 q21d, then paclitaxel weekly x 12); regrowth from 3 weeks after the last one.
    assert len(full.calendar.given) == 16
    last = full.calendar.last_cytotoxic_infusion
    assert last == first + timedelta(days=84 + 77)
    regrowth = [s.date for s in sessions if s.kind is SessionKind.REGROWTH]
    assert regrowth[0] is not None
    assert regrowth[0] >= last + timedelta(days=21)
    assert len(regrowth) == 3
    # The risk is high for an anthracycline-taxane course, with its source shown.
    assert full.risk.p_grade2 >= 0.9
    assert full.risk.basis[0].basis.source.startswith("Watanabe")
    assert full.risk.expected_onset == first + timedelta(days=18)
    # Baseline assessment on her first visit; scalp cooling at every chemotherapy infusion.
    assert full.plan.assessments[0].label == "baseline"
    assert full.plan.assessments[0].date == today
    cooling = next(a for a in full.plan.adjuncts if a.id == "scalp-cooling")
    assert len(cooling.dates) == 16
    # Five sessions at the clinic's default tariff ($1,000-3,000 each) plus cooling capped at $2,400.
    assert full.estimate.low_cents == 5 * 100_000 + 240_000
    assert full.estimate.high_cents == 5 * 300_000 + 240_000


def test_a_patient_who_begins_after_chemo_gets_regrowth_with_minoxidil_and_a_six_month_assessment():
    """TC x 4 finished five weeks ago; she wants help with regrowth and starts topical minoxidil now."""
    first = date(2026, 8, 3)
    full_course = make_full_plan(KB, PlanRequest("tc", first, "regrowth-only"))
    last = full_course.calendar.last_cytotoxic_infusion
    assert last == first + timedelta(days=63)
    today = last + timedelta(days=35)
    full = make_full_plan(KB, PlanRequest("tc", first, "regrowth-only", ("minoxidil",), not_before=today))
    sessions = full.plan.sessions
    assert [s.kind for s in sessions] == [SessionKind.REGROWTH] * 3
    assert sessions[0].date == today  # the series starts now rather than in the past
    assert [(b.date - a.date).days for a, b in itertools.pairwise(sessions)] == [28, 28]
    minoxidil = full.plan.adjuncts[0]
    assert minoxidil.id == "minoxidil"
    assert minoxidil.start == today
    assert minoxidil.end == add_months(today, 6) - timedelta(days=1)
    labels = {a.label: a.date for a in full.plan.assessments}
    assert labels["baseline"] == today
    assert labels["+6 months"] == add_months(last, 6)
    # Assessments already in the past (the chemo cycles, end of chemo) are not scheduled.
    assert all(a.date >= today for a in full.plan.assessments)
    # Three sessions and six months of minoxidil at the shipped tariffs.
    minoxidil_month = KB.tariffs.minoxidil_month.expected_cents
    assert full.estimate.expected_cents == 3 * KB.tariffs.session.expected_cents + 6 * minoxidil_month
