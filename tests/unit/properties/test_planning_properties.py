"""Scheduling invariants over every shipped regimen × protocol, with random starts, delays, skips and closures.

Each property states a rule a clinician relies on; hypothesis searches for a counterexample and prints its seed
and the failing example when it finds one.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exohair.domain.calendar import ChemoCalendar, InfusionChange, build_chemo_calendar
from exohair.domain.closures import ClinicClosures
from exohair.domain.costing import price_plan
from exohair.domain.planning import PerformedSession, PlannedSession, TherapyPlan, plan_sessions, reanchor_plan
from exohair.domain.protocols import Anchor, Protocol, SessionKind
from exohair.domain.regimens import Regimen
from exohair.knowledge import shipped_knowledge

KB = shipped_knowledge()
BUFFER = KB.gates.infusion_buffer_days
PAIRS = [(r, p) for r in KB.regimens for p in KB.protocols]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def courses(draw: st.DrawFn) -> tuple[Regimen, Protocol, ChemoCalendar, ClinicClosures, list[str]]:
    regimen, protocol = draw(st.sampled_from(PAIRS))
    first = draw(st.dates(date(2024, 1, 1), date(2034, 12, 31)))
    cycles = regimen.total_cycles
    delayed = draw(st.lists(st.integers(2, cycles), max_size=3, unique=True)) if cycles > 1 else []
    changes = [InfusionChange(c, delay_days=draw(st.integers(1, 21))) for c in delayed]
    if draw(st.booleans()) and cycles > 1:
        skipped = draw(st.integers(1, cycles).filter(lambda c: c not in delayed))
        changes.append(InfusionChange(skipped, skipped=True))
    weekdays = draw(st.frozensets(st.integers(0, 6), max_size=3))
    holidays = draw(st.frozensets(st.dates(first - timedelta(days=30), first + timedelta(days=400)), max_size=5))
    adjuncts = draw(st.lists(st.sampled_from([a.id for a in KB.adjuncts]), unique=True))
    calendar = build_chemo_calendar(regimen, first, changes)
    return regimen, protocol, calendar, ClinicClosures(weekdays, holidays), adjuncts


def _plan(protocol: Protocol, calendar: ChemoCalendar, closures: ClinicClosures, adjuncts: list[str]) -> TherapyPlan:
    return plan_sessions(calendar, protocol, [KB.adjunct(a) for a in adjuncts], KB.gates, closures=closures)


def _expected_sessions(protocol: Protocol, calendar: ChemoCalendar) -> int:
    """Counted independently of the planner: every rule's sessions, and one per eligible gap between cycles."""
    total = 0
    for rule in protocol.sessions:
        if rule.anchor is Anchor.NEXT_CYCLE:
            gaps = zip(calendar.cycles, calendar.cycles[1:], strict=False)
            total += sum(1 for c, _ in gaps if not c.maintenance and c.length_days >= rule.min_cycle_days)
        else:
            total += rule.count
    return total


def _assert_day_is_safe(session: PlannedSession, calendar: ChemoCalendar, closures: ClinicClosures) -> None:
    day = session.date
    assert day is not None
    assert session.window.start <= day <= session.window.end, session
    assert not closures.is_closed(day), f"{session.key} on closed day {day}"
    for infusion in calendar.given:
        assert abs((day - infusion.date).days) > BUFFER, f"{session.key} {day} next to infusion {infusion.date}"
        assert infusion.nadir is None or day not in infusion.nadir, f"{session.key} {day} in nadir {infusion.nadir}"
    if session.kind is SessionKind.PRIMING:
        assert day < calendar.first_infusion


def _assert_interval(sessions: list[PlannedSession], min_interval_days: int) -> None:
    dated = [s for s in sessions if s.date is not None]
    for a, b in combinations(dated, 2):
        assert abs((a.date - b.date).days) >= min_interval_days, f"{a.key} {a.date} and {b.key} {b.date}"


@SETTINGS
@given(courses())
def test_no_session_falls_on_an_infusion_day_in_a_nadir_or_on_a_closed_day(course) -> None:
    """Every dated session is inside its window, off closed days, outside infusion ± buffer and nadir windows,
    and priming sessions come before the first infusion; no assessment falls on a closed day."""
    _, protocol, calendar, closures, adjuncts = course
    plan = _plan(protocol, calendar, closures, adjuncts)
    for session in plan.sessions:
        if session.date is not None:
            _assert_day_is_safe(session, calendar, closures)
    assert not any(closures.is_closed(a.date) for a in plan.assessments)


@SETTINGS
@given(courses())
def test_the_minimum_interval_holds_between_every_two_sessions(course) -> None:
    _, protocol, calendar, closures, adjuncts = course
    _assert_interval(list(_plan(protocol, calendar, closures, adjuncts).sessions), protocol.min_interval_days)


@SETTINGS
@given(courses())
def test_no_session_is_ever_dropped_silently(course) -> None:
    """The plan holds every session the protocol asks for; one without a date carries the reason."""
    _, protocol, calendar, closures, adjuncts = course
    plan = _plan(protocol, calendar, closures, adjuncts)
    assert len(plan.sessions) == _expected_sessions(protocol, calendar)
    for session in plan.sessions:
        if session.date is None:
            assert [p.code for p in session.problems] == ["no_valid_day"]
            assert session.window.start.isoformat() in session.problems[0].message


@SETTINGS
@given(courses(), st.data())
def test_reanchoring_keeps_performed_sessions_and_every_rule(course, data) -> None:
    """After a delay recorded mid-course, performed sessions keep their dates and the re-planned rest still
    obeys windows, closures, infusion buffer, nadirs and the minimum interval (performed ones included)."""
    regimen, protocol, calendar, closures, adjuncts = course
    given = [i for i in calendar.given if i.cycle > 1]
    if not given:
        return
    delayed = data.draw(st.sampled_from(given))
    today = delayed.date - timedelta(days=data.draw(st.integers(0, 6)))
    plan = _plan(protocol, calendar, closures, adjuncts)
    # Sessions before today were performed on their planned dates; mark them so.
    performed = [s for s in plan.sessions if s.date is not None and s.date < today]
    history = [PerformedSession(s.key, s.kind, s.date) for s in performed]
    plan = plan_sessions(calendar, protocol, [], KB.gates, closures=closures, performed=history)
    changes = [*_changes_of(calendar), InfusionChange(delayed.cycle, delayed.day, delay_days=7)]
    moved = build_chemo_calendar(regimen, calendar.infusions[0].scheduled, _merge(changes))
    new_plan, _ = reanchor_plan(plan, moved, protocol, [], KB.gates, closures=closures, not_before=today)
    by_key = {s.key: s for s in new_plan.sessions}
    for past in history:
        assert by_key[past.key].date == past.date
        assert by_key[past.key].performed
    for session in new_plan.sessions:
        if session.date is not None and not session.performed:
            assert session.date >= today
            _assert_day_is_safe(session, moved, closures)
    _assert_interval(list(new_plan.sessions), protocol.min_interval_days)


@SETTINGS
@given(courses())
def test_an_estimate_adds_up_and_is_ordered(course) -> None:
    """Totals are the sum of their lines, never negative, and low <= expected <= high."""
    _, protocol, calendar, closures, adjuncts = course
    estimate = price_plan(_plan(protocol, calendar, closures, adjuncts), KB.tariffs)
    assert estimate.low_cents == sum(line.low_cents for line in estimate.lines)
    assert 0 <= estimate.low_cents <= estimate.expected_cents <= estimate.high_cents
    assert all(isinstance(line.expected_cents, int) for line in estimate.lines)


def _changes_of(calendar: ChemoCalendar) -> list[InfusionChange]:
    """The changes that produced a calendar, read back from it: delays as own-shift steps, and skips."""
    changes: list[InfusionChange] = []
    previous_shift = 0
    for infusion in calendar.infusions:
        step = infusion.shift_days - previous_shift
        skipped = infusion.status.value == "skipped"
        if step or skipped:
            changes.append(InfusionChange(infusion.cycle, infusion.day, delay_days=step, skipped=skipped))
        previous_shift = infusion.shift_days
    return changes


def _merge(changes: list[InfusionChange]) -> list[InfusionChange]:
    merged: dict[tuple[int, int], InfusionChange] = {}
    for c in changes:
        old = merged.get((c.cycle, c.day))
        if old is None:
            merged[(c.cycle, c.day)] = c
        else:
            merged[(c.cycle, c.day)] = InfusionChange(
                c.cycle, c.day, old.delay_days + c.delay_days, old.skipped or c.skipped
            )
    return list(merged.values())
