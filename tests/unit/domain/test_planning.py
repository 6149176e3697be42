from datetime import date, timedelta

import pytest

from conftest import COOLING, MINOXIDIL, PRP, make_protocol, make_rules, priming_rule, regrowth_rule
from exohair.domain.calendar import InfusionChange, build_chemo_calendar
from exohair.domain.closures import ClinicClosures
from exohair.domain.errors import InvalidInput
from exohair.domain.patients import Condition, PatientFacts
from exohair.domain.planning import PerformedSession, plan_sessions, reanchor_plan
from exohair.domain.protocols import SessionKind

FIRST = date(2027, 3, 1)  # a Monday


def test_priming_sessions_land_14_and_7_days_before_the_first_infusion(ac_t, priming_regrowth, rules):
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), priming_regrowth, [], rules)
    priming = [s for s in plan.sessions if s.kind is SessionKind.PRIMING]
    assert [s.date for s in priming] == [FIRST - timedelta(days=14), FIRST - timedelta(days=7)]
    assert all(not s.problems for s in plan.sessions)


def test_regrowth_sessions_start_three_weeks_after_the_last_infusion_every_four_weeks(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_regrowth, [], rules)
    regrowth = [s.date for s in plan.sessions if s.kind is SessionKind.REGROWTH]
    last = calendar.last_cytotoxic_infusion
    assert regrowth == [last + timedelta(days=21 + 28 * k) for k in range(3)]


def test_closed_days_move_a_session_to_the_nearest_open_day(ac_t, priming_regrowth, rules):
    # FIRST - 14 is a Monday; close Mondays and the session moves one day, earlier side first on a tie.
    closures = ClinicClosures(weekdays=frozenset({0}))
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), priming_regrowth, [], rules, closures=closures)
    first = plan.session("priming-1")
    assert first.date == FIRST - timedelta(days=15)
    assert first.date.weekday() != 0


def test_in_cycle_sessions_sit_late_in_three_week_cycles_only(ac_t, priming_in_cycle_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_in_cycle_regrowth, [], rules)
    in_cycle = [s for s in plan.sessions if s.kind is SessionKind.IN_CYCLE]
    # AC cycles 1-4 are 21 days and each is followed by another cycle; weekly paclitaxel cycles are too short.
    assert [s.key for s in in_cycle] == ["in_cycle-c1", "in_cycle-c2", "in_cycle-c3", "in_cycle-c4"]
    for session, cycle in zip(in_cycle, calendar.cycles[1:5], strict=True):
        assert session.date == cycle.start - timedelta(days=3)


def test_a_window_with_no_valid_day_stays_in_the_plan_with_the_reason(ac_t, rules):
    # A window lying wholly in a nadir cannot be met; the session must be reported, not dropped.
    from exohair.domain.protocols import Anchor, SessionRule

    inside_nadir = SessionRule(SessionKind.IN_CYCLE, Anchor.NEXT_CYCLE, -10, -12, -8, min_cycle_days=21)
    protocol = make_protocol("bad", inside_nadir)
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), protocol, [], rules)
    assert len(plan.sessions) == 4
    assert all(s.date is None for s in plan.sessions)
    problem = plan.sessions[0].problems[0]
    assert problem.code == "no_valid_day"
    assert "5 in a nadir window" in problem.message
    assert plan.problems == tuple(s.problems[0] for s in plan.sessions)


def test_the_minimum_interval_pushes_a_session_away_from_its_neighbour(ac_t, rules):
    protocol = make_protocol("wide", priming_rule(), regrowth_rule(), min_interval_days=10)
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), protocol, [], rules)
    first, second = plan.session("priming-1").date, plan.session("priming-2").date
    assert (second - first).days >= 10


def test_a_patient_arriving_after_chemo_starts_regrowth_from_today(ac_t, regrowth_only, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    today = calendar.last_cytotoxic_infusion + timedelta(days=60)
    plan = plan_sessions(calendar, regrowth_only, [MINOXIDIL], rules, not_before=today)
    dates = [s.date for s in plan.sessions]
    assert dates == [today, today + timedelta(days=28), today + timedelta(days=56)]
    minoxidil = plan.adjuncts[0]
    assert minoxidil.start == today
    assert minoxidil.quantity == 6
    assert plan.assessments[0].label == "baseline"
    assert plan.assessments[0].date == today
    assert all(a.date >= today for a in plan.assessments)


def test_priming_whose_window_has_passed_is_reported(ac_t, priming_regrowth, rules):
    today = FIRST - timedelta(days=3)
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), priming_regrowth, [], rules, not_before=today)
    first = plan.session("priming-1")  # window -17..-9: wholly past
    assert first.date is None
    assert "9 before the plan can start" in first.problems[0].message
    # The second window (-10..-2) still has today in it.
    assert plan.session("priming-2").date == today


def test_reanchoring_moves_only_sessions_not_yet_performed(ac_t, priming_in_cycle_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_in_cycle_regrowth, [], rules)
    done = [PerformedSession(s.key, s.kind, s.date) for s in plan.sessions if s.key in ("priming-1", "priming-2")]
    plan = plan_sessions(calendar, priming_in_cycle_regrowth, [], rules, performed=done)
    delayed = build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=2, delay_days=7)])
    new_plan, moves = reanchor_plan(plan, delayed, priming_in_cycle_regrowth, [], rules)
    assert new_plan.session("priming-1").date == plan.session("priming-1").date
    assert new_plan.session("priming-1").performed
    moved = {m.key for m in moves}
    assert "priming-1" not in moved
    assert "in_cycle-c1" in moved
    assert "regrowth-1" in moved
    assert new_plan.session("in_cycle-c1").date == plan.session("in_cycle-c1").date + timedelta(days=7)


def test_adjuncts_follow_the_calendar(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_regrowth, [MINOXIDIL, PRP, COOLING], rules)
    minoxidil, prp, cooling = plan.adjuncts
    assert minoxidil.start == calendar.last_cytotoxic_infusion
    assert calendar.last_cytotoxic_infusion == date(2027, 8, 9)  # 2027-03-01 + 84 + 77 days
    assert minoxidil.end == date(2028, 2, 8)  # + 6 months - 1 day
    assert prp.dates == tuple(s.date for s in plan.sessions if s.kind is SessionKind.REGROWTH)
    assert cooling.dates == tuple(i.date for i in calendar.given)
    assert cooling.quantity == 16


def test_scalp_cooling_is_flagged_for_a_cold_disorder(ac_t, priming_regrowth, rules):
    facts = PatientFacts(conditions=frozenset({Condition.COLD_DISORDER}))
    plan = plan_sessions(build_chemo_calendar(ac_t, FIRST), priming_regrowth, [COOLING], rules, facts=facts)
    assert [p.code for p in plan.adjuncts[0].problems] == ["caution_cold_disorder"]


def test_assessments_cover_baseline_each_cycle_end_of_chemo_and_follow_up(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_regrowth, [], rules)
    labels = [a.label for a in plan.assessments]
    assert labels[0] == "baseline"
    assert plan.assessments[0].date == FIRST - timedelta(days=14)
    assert sum(label.startswith("cycle ") for label in labels) == 16
    assert {"end of chemo", "+3 months", "+6 months", "+12 months"} <= set(labels)
    six = next(a for a in plan.assessments if a.label == "+6 months")
    assert six.date == date(2028, 2, 9)


def test_a_zero_buffer_still_keeps_sessions_off_infusion_days(ac_t, priming_in_cycle_regrowth):
    calendar = build_chemo_calendar(ac_t, FIRST)
    plan = plan_sessions(calendar, priming_in_cycle_regrowth, [], make_rules(buffer_days=0))
    infusion_days = {i.date for i in calendar.given}
    assert not infusion_days & {s.date for s in plan.sessions}


def test_an_assessment_due_on_a_closed_day_moves_to_the_next_open_day(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST)
    end_of_chemo = calendar.end_of_chemo  # 2027-08-15, a Sunday
    assert end_of_chemo.weekday() == 6
    closures = ClinicClosures(weekdays=frozenset({5, 6}))
    plan = plan_sessions(calendar, priming_regrowth, [], rules, closures=closures)
    moved = next(a for a in plan.assessments if a.label == "end of chemo")
    assert moved.date == end_of_chemo + timedelta(days=1)
    assert not any(closures.is_closed(a.date) for a in plan.assessments)


def test_a_cycle_whose_dose_was_skipped_has_no_cycle_assessment(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=1, skipped=True)])
    plan = plan_sessions(calendar, priming_regrowth, [], rules)
    labels = [a.label for a in plan.assessments]
    assert "cycle 1" not in labels
    assert "cycle 2" in labels
    # Baseline stays the first assessment: priming now counts from cycle 2, the first dose given.
    assert labels[0] == "baseline"


def test_a_clinic_closed_every_day_is_refused():
    with pytest.raises(InvalidInput, match="closed on every day"):
        ClinicClosures(weekdays=frozenset(range(7)))
