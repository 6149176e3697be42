"""The chemo calendar: a regimen and its first infusion date become dated infusions with their nadir windows.

Phases run back to back: phase 2 cycle 1 starts the day after phase 1's last cycle ends. Cycles are numbered
across the whole regimen (AC→T: AC is cycles 1-4, weekly paclitaxel cycles 5-16), which is how clinics and the
`--delay CYCLE:DAYS` option name them.

A recorded delay of one infusion shifts it and every later infusion by the same number of days (the schedule
slides; it is not compressed). A skipped (omitted) dose is not made up: later infusions keep their dates and the
omitted dose has no nadir window.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from exohair.domain.errors import InvalidInput
from exohair.domain.regimens import Regimen

MAX_DELAY_DAYS = 120  # a longer hold is a new course, not a delay; refuse it rather than plan around it
# Plans reach months before the first infusion and years after it; outside these years dates cannot be
# represented (datetime stops at 9999) and no real course is planned.
EARLIEST_FIRST_INFUSION = date(1900, 1, 1)
LATEST_FIRST_INFUSION = date(2199, 12, 31)


class InfusionStatus(StrEnum):
    PLANNED = "planned"
    SKIPPED = "skipped"


# Records built many times per plan are NamedTuples rather than frozen dataclasses: equally immutable, but a
# frozen dataclass's __init__ costs ~1.5 µs here against ~0.3 µs, and a plan builds dozens of them
# (benchmarks/planner.py, docs/benchmarks.md).
class DateWindow(NamedTuple):
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class Infusion(NamedTuple):
    phase: str
    cycle: int  # across the regimen, 1-based
    phase_cycle: int  # within its phase, 1-based
    day: int  # day of the cycle, 1-based
    date: date
    scheduled: datetime.date  # the date before any recorded delay (the field `date` shadows the type here)
    status: InfusionStatus
    nadir: DateWindow | None
    maintenance: bool

    @property
    def shift_days(self) -> int:
        return (self.date - self.scheduled).days


class Cycle(NamedTuple):
    number: int
    phase: str
    start: date  # the (possibly delayed) date of the cycle's day 1
    length_days: int
    maintenance: bool


@dataclass(frozen=True, slots=True)
class InfusionChange:
    """What actually happened to one planned infusion: it was given `delay_days` late, or it was skipped."""

    cycle: int
    day: int = 1
    delay_days: int = 0
    skipped: bool = False


@dataclass(frozen=True)  # no slots: cached_property needs an instance __dict__
class ChemoCalendar:
    regimen_id: str
    infusions: tuple[Infusion, ...]
    cycles: tuple[Cycle, ...]

    # Cached: the planner asks these many times per plan, and a calendar never changes once built.
    @cached_property
    def given(self) -> tuple[Infusion, ...]:
        return tuple(i for i in self.infusions if i.status is not InfusionStatus.SKIPPED)

    @cached_property
    def first_dose_of_cycle(self) -> dict[int, date]:
        """Cytotoxic cycle number -> the date of its first dose actually given (cycles with none are absent)."""
        found: dict[int, date] = {}
        for infusion in self.given:
            if not infusion.maintenance and infusion.cycle not in found:
                found[infusion.cycle] = infusion.date
        return found

    @cached_property
    def first_infusion(self) -> date:
        return self.given[0].date

    @cached_property
    def last_cytotoxic_infusion(self) -> date:
        """Regrowth is counted from here: maintenance antibodies (e.g. trastuzumab) do not stop regrowth."""
        return max(i.date for i in self.given if not i.maintenance)

    @cached_property
    def end_of_chemo(self) -> date:
        """Last day of the last cytotoxic cycle in which a dose was given."""
        last = max((i for i in self.given if not i.maintenance), key=lambda i: i.date)
        cycle = self.cycles[last.cycle - 1]
        return cycle.start + timedelta(days=cycle.length_days - 1)

    @cached_property
    def last_infusion(self) -> date:
        return self.given[-1].date


def build_chemo_calendar(
    regimen: Regimen, first_infusion: date, changes: Sequence[InfusionChange] = ()
) -> ChemoCalendar:
    """Date every infusion of `regimen` from its first infusion, applying recorded delays and skips."""
    if not EARLIEST_FIRST_INFUSION <= first_infusion <= LATEST_FIRST_INFUSION:
        raise InvalidInput(
            f"First infusion {first_infusion.isoformat()} is outside the years "
            f"{EARLIEST_FIRST_INFUSION.year}-{LATEST_FIRST_INFUSION.year} that can be planned.",
            code="date_out_of_range",
        )
    by_key = _index_changes(regimen, changes)
    infusions: list[Infusion] = []
    cycles: list[Cycle] = []
    shift = 0
    # Whole-day arithmetic on ordinals: this runs for every plan, and date + timedelta is the slow part.
    phase_start = first_infusion.toordinal()
    from_ordinal = date.fromordinal
    number = 0
    for phase in regimen.phases:
        first_day = phase.infusion_days[0]
        nadir_start = phase.nadir.start_day if phase.nadir is not None else 0
        nadir_end = phase.nadir.end_day if phase.nadir is not None else 0
        for phase_cycle in range(1, phase.cycles + 1):
            number += 1
            cycle_start = phase_start + (phase_cycle - 1) * phase.cycle_days
            for day in phase.infusion_days:
                scheduled = cycle_start + day - 1
                change = by_key.get((number, day)) if by_key else None
                skipped = change is not None and change.skipped
                if change is not None:
                    shift += change.delay_days
                when = scheduled + shift
                when_date = from_ordinal(when)
                if day == first_day:
                    cycles.append(Cycle(number, phase.name, when_date, phase.cycle_days, phase.maintenance))
                nadir = None
                if phase.nadir is not None and not skipped:
                    nadir = DateWindow(from_ordinal(when + nadir_start), from_ordinal(when + nadir_end))
                status = InfusionStatus.SKIPPED if skipped else InfusionStatus.PLANNED
                infusions.append(
                    Infusion(
                        phase.name,
                        number,
                        phase_cycle,
                        day,
                        when_date,
                        from_ordinal(scheduled),
                        status,
                        nadir,
                        phase.maintenance,
                    )
                )
        phase_start += phase.cycles * phase.cycle_days
    _check_order(infusions)
    if not any(i.status is not InfusionStatus.SKIPPED and not i.maintenance for i in infusions):
        raise InvalidInput("Every chemotherapy dose is marked skipped; there is no course to plan around.")
    return ChemoCalendar(regimen.id, tuple(infusions), tuple(cycles))


def change_for_actual_date(calendar: ChemoCalendar, cycle: int, day: int, given_on: date) -> InfusionChange:
    """The change that records an infusion actually given on `given_on` (its delay against the current plan)."""
    for infusion in calendar.infusions:
        if infusion.cycle == cycle and infusion.day == day:
            return InfusionChange(cycle, day, delay_days=(given_on - infusion.date).days)
    raise InvalidInput(f"Cycle {cycle} day {day} is not an infusion of this regimen.", code="unknown_infusion")


def _index_changes(regimen: Regimen, changes: Sequence[InfusionChange]) -> dict[tuple[int, int], InfusionChange]:
    days_of_cycle: dict[int, tuple[int, ...]] = {}
    number = 0
    for phase in regimen.phases:
        for _ in range(phase.cycles):
            number += 1
            days_of_cycle[number] = phase.infusion_days
    by_key: dict[tuple[int, int], InfusionChange] = {}
    for change in changes:
        if change.cycle not in days_of_cycle:
            raise InvalidInput(
                f"Cycle {change.cycle} does not exist: {regimen.name} has cycles 1 to {number}.",
                code="unknown_cycle",
            )
        if change.day not in days_of_cycle[change.cycle]:
            days = ", ".join(str(d) for d in days_of_cycle[change.cycle])
            raise InvalidInput(
                f"Cycle {change.cycle} has no infusion on day {change.day}; its infusion days are {days}.",
                code="unknown_infusion",
            )
        if abs(change.delay_days) > MAX_DELAY_DAYS:
            raise InvalidInput(
                f"A delay of {change.delay_days} days for cycle {change.cycle} is beyond {MAX_DELAY_DAYS} days; "
                "record a new course instead.",
                code="delay_too_long",
            )
        key = (change.cycle, change.day)
        if key in by_key:
            raise InvalidInput(f"Cycle {change.cycle} day {change.day} has two recorded changes.", code="duplicate")
        by_key[key] = change
    return by_key


def _check_order(infusions: Sequence[Infusion]) -> None:
    # A negative delay (given early) is allowed only while it keeps the infusions in order.
    for before, after in pairwise(infusions):
        if after.date <= before.date:
            raise InvalidInput(
                f"Cycle {after.cycle} day {after.day} would fall on {after.date.isoformat()}, not after "
                f"cycle {before.cycle} day {before.day} on {before.date.isoformat()}.",
                code="infusions_out_of_order",
            )
