"""Adjunct schedules and the assessment schedule that go with a therapy plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from exohair.domain.calendar import ChemoCalendar
from exohair.domain.closures import NO_CLOSURES, ClinicClosures
from exohair.domain.dates import add_months
from exohair.domain.patients import PatientFacts
from exohair.domain.problems import Problem
from exohair.domain.protocols import Adjunct, AdjunctSchedule, Anchor, Protocol

if TYPE_CHECKING:
    from exohair.domain.planning import PlannedSession


@dataclass(frozen=True, slots=True)
class AdjunctPlan:
    id: str
    name: str
    frequency: str
    start: date | None
    end: date | None
    dates: tuple[date, ...]  # the days it happens, for adjuncts tied to visits (PRP, scalp cooling)
    quantity: int  # how many units are planned, dated or not: what the patient pays for
    unit: str  # "month", "session" or "infusion"
    problems: tuple[Problem, ...] = ()


class PlannedAssessment(NamedTuple):  # a NamedTuple for speed, as calendar.DateWindow
    date: date
    label: str


def plan_adjuncts(
    adjuncts: Sequence[Adjunct],
    calendar: ChemoCalendar,
    sessions: Sequence[PlannedSession],
    *,
    facts: PatientFacts | None,
    not_before: date | None,
) -> tuple[AdjunctPlan, ...]:
    planned: list[AdjunctPlan] = []
    for adjunct in adjuncts:
        problems: list[Problem] = []
        dates: tuple[date, ...] = ()
        start: date | None = None
        end: date | None = None
        if adjunct.schedule is AdjunctSchedule.DAILY_FROM_LAST_INFUSION:
            quantity, unit = adjunct.duration_months, "month"
            start = calendar.last_cytotoxic_infusion
            if not_before is not None and start < not_before:
                start = not_before  # a patient who arrives after chemo starts now, for the full course
            end = add_months(start, adjunct.duration_months) - timedelta(days=1)
        elif adjunct.schedule is AdjunctSchedule.WITH_SESSIONS:
            with_kind = [s for s in sessions if s.kind is adjunct.with_session_kind]
            dates = tuple(s.date for s in with_kind if s.date is not None)
            quantity, unit = len(with_kind), "session"
            for s in with_kind:
                if s.date is None:
                    problems.append(Problem("adjunct_without_date", f"{adjunct.name} has no date: {s.label} has none."))
        else:  # AT_INFUSIONS: cooling protects against cytotoxic drugs only, not maintenance antibodies
            dates = tuple(
                i.date for i in calendar.given if not i.maintenance and (not_before is None or i.date >= not_before)
            )
            quantity, unit = len(dates), "infusion"
        for caution in adjunct.cautions:
            if facts is not None and caution.applies_to(facts):
                problems.append(Problem(f"caution_{caution.code}", f"{adjunct.name}: {caution.message}"))
        if dates:
            start, end = dates[0], dates[-1]
        planned.append(
            AdjunctPlan(adjunct.id, adjunct.name, adjunct.frequency, start, end, dates, quantity, unit, tuple(problems))
        )
    return tuple(planned)


def plan_assessments(
    protocol: Protocol,
    calendar: ChemoCalendar,
    sessions: Sequence[PlannedSession],
    *,
    not_before: date | None,
    closures: ClinicClosures = NO_CLOSURES,
) -> tuple[PlannedAssessment, ...]:
    """The protocol's assessment schedule in dates. Assessments that fall before the plan starts are left out:
    they can no longer be done; the baseline moves to the plan's first day instead."""
    session_dates = [s.date for s in sessions if s.date is not None]
    start = min([*session_dates, calendar.first_infusion])
    if not_before is not None and start < not_before:
        start = not_before
    found: list[PlannedAssessment] = []
    for rule in protocol.assessments:
        if rule.anchor is Anchor.EACH_CYCLE:
            # At the cycle's first dose actually given; a cycle with every dose skipped has no visit.
            shift = timedelta(days=rule.offset_days)
            for number, day in calendar.first_dose_of_cycle.items():
                found.append(PlannedAssessment(_open_day(day + shift, closures), f"{rule.label} {number}"))
            continue
        if rule.anchor is Anchor.PLAN_START:
            base = start
        elif rule.anchor is Anchor.END_OF_CHEMO:
            base = calendar.end_of_chemo
        elif rule.anchor is Anchor.LAST_INFUSION:
            base = calendar.last_cytotoxic_infusion
        else:
            base = calendar.first_infusion
        when = add_months(base, rule.offset_months) if rule.offset_months else base
        if rule.offset_days:
            when += timedelta(days=rule.offset_days)
        found.append(PlannedAssessment(_open_day(when, closures), rule.label))
    if not_before is not None:
        found = [a for a in found if a.date >= not_before]
    found.sort()  # (date, label) tuples: by date, then label
    return tuple(found)


def _open_day(day: date, closures: ClinicClosures) -> date:
    """An assessment is a clinic visit: one due on a closed day moves to the next open day."""
    while closures.is_closed(day):  # parse_weekdays refuses a clinic closed every weekday, so this ends
        day += timedelta(days=1)
    return day
