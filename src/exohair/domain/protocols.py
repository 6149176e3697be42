"""Therapy protocols and adjuncts as data: which sessions, anchored to which point of the chemo calendar.

A protocol never names dates; planning turns its rules into dates for one patient's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.evidence import Basis
from exohair.domain.patients import ConditionNote


class Anchor(StrEnum):
    """The calendar point a session or assessment is counted from."""

    FIRST_INFUSION = "first_infusion"
    LAST_INFUSION = "last_infusion"  # last infusion of the last cytotoxic (non-maintenance) phase
    NEXT_CYCLE = "next_cycle"  # per cycle: the first infusion of the cycle that follows it
    PLAN_START = "plan_start"  # the first day the plan may use (today, for a patient who arrives late)
    EACH_CYCLE = "each_cycle"  # per cycle: its first infusion (assessments only)
    END_OF_CHEMO = "end_of_chemo"  # last day of the last cytotoxic cycle (assessments only)


class SessionKind(StrEnum):
    PRIMING = "priming"
    IN_CYCLE = "in_cycle"
    REGROWTH = "regrowth"


@dataclass(frozen=True, slots=True)
class SessionRule:
    """One session, or a series of `count` sessions `every_days` apart, placed relative to an anchor.

    Offsets are whole days from the anchor: the target day, and the earliest and latest acceptable days.
    For NEXT_CYCLE rules one session is planned in every gap between cycles whose length is at least
    `min_cycle_days`.
    """

    kind: SessionKind
    anchor: Anchor
    target_offset_days: int
    earliest_offset_days: int
    latest_offset_days: int
    count: int = 1
    every_days: int = 0
    min_cycle_days: int = 0


@dataclass(frozen=True, slots=True)
class AssessmentRule:
    label: str
    anchor: Anchor
    offset_days: int = 0
    offset_months: int = 0


@dataclass(frozen=True, slots=True)
class Protocol:
    id: str
    name: str
    synonyms: tuple[str, ...]
    version: int
    description: str
    sessions: tuple[SessionRule, ...]
    min_interval_days: int
    assessments: tuple[AssessmentRule, ...]
    basis: Basis
    min_interval_basis: Basis


class AdjunctSchedule(StrEnum):
    DAILY_FROM_LAST_INFUSION = "daily_from_last_infusion"
    WITH_SESSIONS = "with_sessions"
    AT_INFUSIONS = "at_infusions"


@dataclass(frozen=True, slots=True)
class Adjunct:
    """A treatment combined with any protocol: topical minoxidil, PRP, scalp cooling."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    schedule: AdjunctSchedule
    frequency: str  # for people: "twice daily", "with each regrowth session", "at every infusion"
    duration_months: int = 0  # DAILY_FROM_LAST_INFUSION only
    with_session_kind: SessionKind | None = None  # WITH_SESSIONS only
    evidence_summary: str = ""
    basis: Basis | None = None
    cautions: tuple[ConditionNote, ...] = ()  # raised as plan problems when the patient has the condition
