"""How a dated event (an assessment visit, an infusion) changed across successive versions of a plan: the
revision count iCalendar calls SEQUENCE, whether it was withdrawn, and when it last changed.

RFC 5545 §3.8.7.4: SEQUENCE starts at 0 and the organiser increments it each time it makes a significant revision
(a new start date, a cancellation). A calendar app that already holds an event with the same UID keeps whichever
copy has the higher SEQUENCE, so an event whose date never changed keeps 0 however many times the plan is
re-versioned around it, and one that moved twice has 2.

Each snapshot is what one version of the plan scheduled, with its horizon: the first day that version planned
for. An event missing from a snapshot whose last date fell before that horizon has simply passed (the planner
leaves past visits out); one missing while its date was still to come was withdrawn.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"  # in the latest snapshot
    CANCELLED = "cancelled"  # withdrawn while still to come
    PASSED = "passed"  # left out of later snapshots because its day had passed


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[K]):
    dates: Mapping[K, date]  # event key -> its day in this version
    stamp: datetime  # when this version was made (an aware UTC instant)
    horizon: date | None = None  # the version planned from this day on; None: it planned everything


@dataclass(frozen=True, slots=True)
class EventState:
    day: date  # the latest day the event had (for a cancelled one, the day it was withdrawn from)
    sequence: int  # revisions since it first appeared
    status: EventStatus
    changed_at: datetime  # the stamp of the snapshot that made its latest revision (or first showed it)


def event_history(snapshots: Iterable[Snapshot[K]]) -> dict[K, EventState]:
    """Each event's state after walking `snapshots` oldest first.

    Counted as one revision each: a new day; a withdrawal (absent while its day is on or after the new
    snapshot's horizon); a return after a withdrawal. An event that first appears starts at 0.
    """
    states: dict[K, EventState] = {}
    for snapshot in snapshots:
        for key, day in snapshot.dates.items():
            known = states.get(key)
            if known is None:
                states[key] = EventState(day, 0, EventStatus.SCHEDULED, snapshot.stamp)
            elif known.day != day or known.status is EventStatus.CANCELLED:
                states[key] = EventState(day, known.sequence + 1, EventStatus.SCHEDULED, snapshot.stamp)
            elif known.status is EventStatus.PASSED:
                states[key] = replace(known, status=EventStatus.SCHEDULED)  # the same day again: no revision
        for key, known in list(states.items()):
            if key in snapshot.dates or known.status is not EventStatus.SCHEDULED:
                continue
            if snapshot.horizon is not None and known.day < snapshot.horizon:
                states[key] = replace(known, status=EventStatus.PASSED)
            else:
                states[key] = EventState(known.day, known.sequence + 1, EventStatus.CANCELLED, snapshot.stamp)
    return states


def snapshot_of(pairs: Iterable[tuple[K, date]], stamp: datetime, horizon: date | None = None) -> Snapshot[K]:
    """A snapshot from (key, day) pairs; a key given twice keeps its first day, as a calendar shows one event."""
    dates: dict[K, date] = {}
    for key, day in pairs:
        dates.setdefault(key, day)
    return Snapshot(dates, stamp, horizon)
