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


@dataclass(frozen=True, slots=True)
class Slot:
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
    closures: ClinicClosures
    not_before: date | None
    first_infusion: date
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
            closures,
            not_before,
            calendar.first_infusion,
            min_interval_days,
        )

    def refusal(self, slot: Slot, day: date, taken: list[int]) -> str | None:
        """Why `day` cannot hold `slot`, or None when it can. `taken` holds ordinals of sessions already placed."""
        ordinal = day.toordinal()
        if self.not_before is not None and day < self.not_before:
            return "before_start"
        if slot.kind is SessionKind.PRIMING and day >= self.first_infusion:
            return "after_first_infusion"
        if self.closures.is_closed(day):
            return "closed"
        if ordinal in self.infusion_days:
            return "infusion"
        if ordinal in self.nadir_days:
            return "nadir"
        if any(abs(ordinal - other) < self.min_interval_days for other in taken):
            return "interval"
        return None


def choose_day(slot: Slot, rules: DayRules, taken: list[int]) -> tuple[date | None, Counter[str]]:
    """The valid day nearest the target (earlier wins a tie), or None with the count of each refusal."""
    refusals: Counter[str] = Counter()
    for day in _nearest_first(slot):
        reason = rules.refusal(slot, day, taken)
        if reason is None:
            return day, refusals
        refusals[reason] += 1
    return None, refusals


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
    def at(offset: int) -> date:
        return anchor + timedelta(days=offset + extra_days)

    kind = rule.kind
    return Slot(
        key, kind, label, at(rule.target_offset_days), at(rule.earliest_offset_days), at(rule.latest_offset_days)
    )


def _anchor_date(anchor: Anchor, calendar: ChemoCalendar, not_before: date | None) -> date:
    if anchor is Anchor.FIRST_INFUSION:
        return calendar.first_infusion
    if anchor is Anchor.LAST_INFUSION:
        return calendar.last_cytotoxic_infusion
    if anchor is Anchor.PLAN_START:
        return not_before if not_before is not None else calendar.first_infusion
    raise ValueError(f"{anchor} cannot anchor a session")


def _nearest_first(slot: Slot) -> Iterator[date]:
    """Days of the window ordered by distance from the target; the earlier of two equal distances first."""
    span = (slot.latest - slot.earliest).days
    offset_of_target = (slot.target - slot.earliest).days
    # The target normally lies inside the window; a clinic-edited protocol might not, so search far enough.
    for distance in range(span + abs(offset_of_target) + 1):
        for signed in (-distance, distance) if distance else (0,):
            position = offset_of_target + signed
            if 0 <= position <= span:
                yield slot.earliest + timedelta(days=position)
