"""Days the clinic is closed: weekly closed days and one-off dates (holidays, training days)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from exohair.domain.dates import WEEKDAYS
from exohair.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ClinicClosures:
    weekdays: frozenset[int] = frozenset()  # 0 = Monday, as date.weekday()
    dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Planning looks for the next open day; a week with none would leave it nothing to find.
        if not self.weekdays <= set(range(7)):
            raise InvalidInput("Closed weekdays are numbered 0 (Monday) to 6 (Sunday).", code="bad_weekday")
        if len(self.weekdays) == 7:
            raise InvalidInput("A clinic closed on every day of the week cannot hold sessions.", code="always_closed")

    def is_closed(self, day: date) -> bool:
        return day.weekday() in self.weekdays or day in self.dates


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


NO_CLOSURES = ClinicClosures()


def parse_weekdays(text: str) -> frozenset[int]:
    """ "sat,sun" -> {5, 6}. Accepts three-letter or full English day names, any case."""
    days: set[int] = set()
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        matches = [i for i, short in enumerate(WEEKDAYS) if name in (short, _FULL_NAMES[i])]
        if not matches:
            raise InvalidInput(
                f"'{raw.strip()}' is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.",
                code="bad_weekday",
            )
        days.add(matches[0])
    if len(days) == 7:
        raise InvalidInput("A clinic closed on every day of the week cannot hold sessions.", code="always_closed")
    return frozenset(days)
