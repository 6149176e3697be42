"""Where each protocol session may go: its window on the calendar, and the first valid day in it.

A day is refused for a reason a clinician recognises: the clinic is closed, it is an infusion day or within the
buffer around one, counts are at their nadir, it is before the plan may start, a priming session would fall on or
after the first infusion, or it is too close to another session. When no day in a window is valid the reasons are
counted, so the plan can say why instead of dropping the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import NamedTuple

from exohair.domain.calendar import ChemoCalendar
from exohair.domain.closures import ClinicClosures
from exohair.domain.protocols import Anchor, Protocol, SessionKind, SessionRule

REASON_TEXT = {
    "before_start": "before the plan can start",
    "closed": "clinic closed",
    "infusion": "on or next to an infusion",
    "nadir": "in a nadir window",
    "after_first_infusion": "not before the first infusion",
    "interval": "too close to another session",
}


class Slot(NamedTuple):  # a NamedTuple for speed, as calendar.DateWindow
    """One session to place: its stable key, target day and allowed window."""

    key: str
    kind: SessionKind
    label: str
    target: date
    earliest: date
    latest: date


@dataclass(frozen=True, slots=True)
class DayRules:
    """Everything that refuses a day, precomputed once per plan as sets of day ordinals."""

    infusion_days: frozenset[int]
    nadir_days: frozenset[int]
    closed_days: frozenset[int]
    closed_weekdays: frozenset[int]  # as ordinal % 7 (ordinal 1, 0001-01-01, was a Monday: Monday is 1)
    not_before_ordinal: int
    first_infusion_ordinal: int
    min_interval_days: int

    @classmethod
    def build(
        cls,
        calendar: ChemoCalendar,
        *,
        buffer_days: int,
        avoid_nadir: bool,
        closures: ClinicClosures,
        not_before: date | None,
        min_interval_days: int,
    ) -> DayRules:
        infusion: set[int] = set()
        nadir: set[int] = set()
        for infusion_ in calendar.given:
            day = infusion_.date.toordinal()
            infusion.update(range(day - buffer_days, day + buffer_days + 1))
            if avoid_nadir and infusion_.nadir is not None:
                nadir.update(range(infusion_.nadir.start.toordinal(), infusion_.nadir.end.toordinal() + 1))
        return cls(
            frozenset(infusion),
            frozenset(nadir),
            frozenset(d.toordinal() for d in closures.dates),
            frozenset((weekday + 1) % 7 for weekday in closures.weekdays),
            not_before.toordinal() if not_before is not None else 0,
            calendar.first_infusion.toordinal(),
            min_interval_days,
        )

    def refusal(self, slot: Slot, ordinal: int, taken: list[int]) -> str | None:
        """Why day `ordinal` cannot hold `slot`, or None when it can. `taken`: ordinals of placed sessions."""
        if ordinal < self.not_before_ordinal:
            return "before_start"
        if slot.kind is SessionKind.PRIMING and ordinal >= self.first_infusion_ordinal:
            return "after_first_infusion"
        if ordinal in self.closed_days or (ordinal % 7) in self.closed_weekdays:
            return "closed"
        if ordinal in self.infusion_days:
            return "infusion"
        if ordinal in self.nadir_days:
            return "nadir"
        interval = self.min_interval_days
        for other in taken:
            if -interval < ordinal - other < interval:
                return "interval"
        return None


def choose_day(slot: Slot, rules: DayRules, taken: list[int]) -> tuple[date | None, Counter[str]]:
    """The valid day nearest the target (earlier wins a tie), or None with the count of each refusal."""
    refused: list[str] = []
    for ordinal in _nearest_first(slot):
        reason = rules.refusal(slot, ordinal, taken)
        if reason is None:
            return date.fromordinal(ordinal), Counter(refused) if refused else _NO_REFUSALS
        refused.append(reason)
    return None, Counter(refused)


_NO_REFUSALS: Counter[str] = Counter()


def describe_refusals(refusals: Counter[str]) -> str:
    parts = [f"{count} {REASON_TEXT[reason]}" for reason, count in refusals.most_common()]
    return "; ".join(parts)


def expand_slots(protocol: Protocol, calendar: ChemoCalendar, not_before: date | None) -> list[Slot]:
    """Every session the protocol asks for on this calendar, in target order."""
    slots: list[Slot] = []
    for rule in protocol.sessions:
        slots.extend(_slots_for_rule(rule, calendar, not_before))
    slots.sort(key=lambda s: (s.target, s.key))
    return slots


def _slots_for_rule(rule: SessionRule, calendar: ChemoCalendar, not_before: date | None) -> Iterator[Slot]:
    if rule.anchor is Anchor.NEXT_CYCLE:
        cycles = calendar.cycles
        for current, following in pairwise(cycles):
            if current.maintenance or current.length_days < rule.min_cycle_days:
                continue
            label = f"{rule.kind.value.replace('_', '-')} session, cycle {current.number}"
            yield _slot(rule, f"{rule.kind.value}-c{current.number}", label, following.start, 0)
        return
    anchor = _anchor_date(rule.anchor, calendar, not_before)
    shift = 0
    # A series that follows chemo (regrowth) starts late rather than being lost when the patient arrives
    # after its first window has passed; priming cannot slide past the first infusion, so it is not moved.
    if not_before is not None and rule.anchor in (Anchor.LAST_INFUSION, Anchor.PLAN_START):
        shift = max(0, (not_before - (anchor + timedelta(days=rule.earliest_offset_days))).days)
    for k in range(rule.count):
        label = f"{rule.kind.value.replace('_', '-')} session {k + 1}"
        yield _slot(rule, f"{rule.kind.value}-{k + 1}", label, anchor, shift + k * rule.every_days)


def _slot(rule: SessionRule, key: str, label: str, anchor: date, extra_days: int) -> Slot:
    base = anchor.toordinal() + extra_days
    return Slot(
        key,
        rule.kind,
        label,
        date.fromordinal(base + rule.target_offset_days),
        date.fromordinal(base + rule.earliest_offset_days),
        date.fromordinal(base + rule.latest_offset_days),
    )


def _anchor_date(anchor: Anchor, calendar: ChemoCalendar, not_before: date | None) -> date:
    if anchor is Anchor.FIRST_INFUSION:
        return calendar.first_infusion
    if anchor is Anchor.LAST_INFUSION:
        return calendar.last_cytotoxic_infusion
    if anchor is Anchor.PLAN_START:
        return not_before if not_before is not None else calendar.first_infusion
    raise ValueError(f"{anchor} cannot anchor a session")


def _nearest_first(slot: Slot) -> Iterator[int]:
    """Day ordinals of the window, by distance from the target; the earlier of two equal distances first."""
    earliest, latest, target = slot.earliest.toordinal(), slot.latest.toordinal(), slot.target.toordinal()
    # The target normally lies inside the window; a clinic-edited protocol might not, so search far enough.
    reach = max(target - earliest, latest - target)
    if earliest <= target <= latest:
        yield target
    for distance in range(1, reach + 1):
        if earliest <= target - distance <= latest:
            yield target - distance
        if earliest <= target + distance <= latest:
            yield target + distance
