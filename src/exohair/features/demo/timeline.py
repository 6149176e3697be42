"""The demo clinic's history, replayed in time order.

Each patient's story (and the product deliveries) is a generator that yields the instant of its next step and
does that step when resumed. Running every story through one queue, earliest instant first, means each service
call sees exactly what was on file at that moment — the lot stock a session takes from, the labs the gate
judges, the plan a delay re-anchors — and the audit trail reads in the order things happened.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Story = Iterator[datetime]


@dataclass(frozen=True, slots=True)
class DemoClock:
    """The clinic's today, and instants on its calendar days. Nothing is ever dated after `now`: a step
    "today" happens at the real now, so the demo reads as if the clinic had just been working."""

    now: datetime  # aware
    timezone: str

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.timezone)).date()

    def local_day(self, at: datetime) -> date:
        return at.astimezone(ZoneInfo(self.timezone)).date()

    def day(self, offset_days: int) -> date:
        return self.today + timedelta(days=offset_days)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """`hour:minute` on the clinic's `day`, in UTC; the real now for today. A future day is a bug here."""
        if day > self.today:
            raise ValueError(f"the demo history cannot reach {day.isoformat()}, after today")
        if day == self.today:
            return self.now
        local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(UTC)

    def drawn(self, day: date, hour: int, minute: int = 0) -> datetime:
        """When a blood sample was drawn on `day`: that time of day, or for today at most now (a sample from
        earlier this morning; never later than the moment it is entered)."""
        local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)
        return min(local, self.now)


def replay(stories: Iterable[Story]) -> int:
    """Run every story to its end, always resuming the one whose next step is earliest; returns the step count.

    Ties go to the story listed first, so the order is fixed for a given today and seed.
    """
    queue: list[tuple[datetime, int, Story]] = []
    for number, story in enumerate(stories):
        _enqueue(queue, number, story)
    steps = 0
    while queue:
        _, number, story = heapq.heappop(queue)
        _enqueue(queue, number, story)  # resuming the story performs the step it was waiting for
        steps += 1
    return steps


def _enqueue(queue: list[tuple[datetime, int, Story]], number: int, story: Story) -> None:
    when = next(story, None)
    if when is not None:
        heapq.heappush(queue, (when, number, story))
