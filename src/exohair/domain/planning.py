"""The therapy plan: protocol sessions placed on a patient's chemo calendar, with adjuncts and assessments.

`plan_sessions` is pure: the same calendar, protocol, rules and closures always give the same plan. Sessions are
placed in target order, each on the valid day nearest its target; a session with no valid day stays in the plan
with `date=None` and the reasons, never silently dropped. Sessions already performed keep their dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from exohair.domain.calendar import ChemoCalendar, DateWindow
from exohair.domain.closures import NO_CLOSURES, ClinicClosures
from exohair.domain.follow_up import AdjunctPlan, PlannedAssessment, plan_adjuncts, plan_assessments
from exohair.domain.patients import PatientFacts
from exohair.domain.problems import Problem
from exohair.domain.protocols import Adjunct, Protocol, SessionKind
from exohair.domain.safety import GateRules
from exohair.domain.session_slots import DayRules, choose_day, describe_refusals, expand_slots


@dataclass(frozen=True, slots=True)
class PerformedSession:
    key: str
    kind: SessionKind
    date: date


class PlannedSession(NamedTuple):  # a NamedTuple for speed, as calendar.DateWindow
    key: str  # stable across re-planning: "priming-1", "in_cycle-c2", "regrowth-3"
    kind: SessionKind
    label: str
    target: date
    window: DateWindow
    date: date | None
    problems: tuple[Problem, ...] = ()
    performed: bool = False


@dataclass(frozen=True, slots=True)
class TherapyPlan:
    protocol_id: str
    protocol_version: int
    sessions: tuple[PlannedSession, ...]
    adjuncts: tuple[AdjunctPlan, ...]
    assessments: tuple[PlannedAssessment, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        found = [p for s in self.sessions for p in s.problems]
        found.extend(p for a in self.adjuncts for p in a.problems)
        return tuple(found)

    def session(self, key: str) -> PlannedSession:
        return next(s for s in self.sessions if s.key == key)


@dataclass(frozen=True, slots=True)
class SessionMove:
    key: str
    before: date | None
    after: date | None


def plan_sessions(
    calendar: ChemoCalendar,
    protocol: Protocol,
    adjuncts: Sequence[Adjunct],
    rules: GateRules,
    *,
    closures: ClinicClosures = NO_CLOSURES,
    facts: PatientFacts | None = None,
    not_before: date | None = None,
    performed: Sequence[PerformedSession] = (),
) -> TherapyPlan:
    """Place every session of `protocol` on `calendar`, then the adjuncts and the assessment schedule.

    `not_before` is the first day the plan may use (usually today); `performed` sessions are history and keep
    their dates, and later sessions keep the minimum interval from them.
    """
    day_rules = DayRules.build(
        calendar,
        buffer_days=rules.infusion_buffer_days,
        avoid_nadir=rules.avoid_nadir,
        closures=closures,
        not_before=not_before,
        min_interval_days=protocol.min_interval_days,
    )
    done = {p.key: p for p in performed}
    taken = [p.date.toordinal() for p in performed]
    sessions: list[PlannedSession] = []
    for slot in expand_slots(protocol, calendar, not_before):
        window = DateWindow(slot.earliest, slot.latest)
        if slot.key in done:
            when = done.pop(slot.key).date
            sessions.append(PlannedSession(slot.key, slot.kind, slot.label, slot.target, window, when, (), True))
            continue
        day, refusals = choose_day(slot, day_rules, taken)
        problems: tuple[Problem, ...] = ()
        if day is None:
            problems = (
                Problem(
                    "no_valid_day",
                    f"No valid day for the {slot.label} between {slot.earliest.isoformat()} and "
                    f"{slot.latest.isoformat()}: {describe_refusals(refusals)}. Choose a date by hand or "
                    "change the protocol.",
                ),
            )
        else:
            taken.append(day.toordinal())
        sessions.append(PlannedSession(slot.key, slot.kind, slot.label, slot.target, window, day, problems))
    # Performed sessions the protocol no longer asks for (it changed) are still part of the record.
    for past in done.values():
        window = DateWindow(past.date, past.date)
        label = f"{past.kind.value.replace('_', '-')} session (performed)"
        sessions.append(PlannedSession(past.key, past.kind, label, past.date, window, past.date, (), True))
    sessions.sort(key=lambda s: (s.date or s.target, s.key))
    return TherapyPlan(
        protocol.id,
        protocol.version,
        tuple(sessions),
        plan_adjuncts(adjuncts, calendar, sessions, facts=facts, not_before=not_before),
        plan_assessments(protocol, calendar, sessions, not_before=not_before, closures=closures),
    )


def moved_sessions(before: TherapyPlan, after: TherapyPlan) -> tuple[SessionMove, ...]:
    """Sessions whose date changed between two plans (including sessions added or no longer planned)."""
    old = {s.key: s.date for s in before.sessions}
    new = {s.key: s.date for s in after.sessions}
    keys = sorted(old.keys() | new.keys())
    return tuple(SessionMove(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k))


def performed_sessions(plan: TherapyPlan) -> tuple[PerformedSession, ...]:
    return tuple(PerformedSession(s.key, s.kind, s.date) for s in plan.sessions if s.performed and s.date)


def reanchor_plan(
    previous: TherapyPlan,
    calendar: ChemoCalendar,
    protocol: Protocol,
    adjuncts: Sequence[Adjunct],
    rules: GateRules,
    *,
    closures: ClinicClosures = NO_CLOSURES,
    facts: PatientFacts | None = None,
    not_before: date | None = None,
) -> tuple[TherapyPlan, tuple[SessionMove, ...]]:
    """Re-plan after the chemo calendar changed: performed sessions stay, the rest move; say which moved."""
    plan = plan_sessions(
        calendar,
        protocol,
        adjuncts,
        rules,
        closures=closures,
        facts=facts,
        not_before=not_before,
        performed=performed_sessions(previous),
    )
    return plan, moved_sessions(previous, plan)
