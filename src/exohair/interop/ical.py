"""The patient's calendar as iCalendar (RFC 5545): sessions, assessment visits and, when asked, the infusions.

Every event is an all-day event on a date of care in the clinic's time zone (DTSTART;VALUE=DATE), so no time
zone travels with it. A calendar app that imports the file a second time matches events by UID and keeps the
copy with the higher SEQUENCE, so:

- UIDs come from the records, never from a date: the clinic's calendar uses the course's id and the session's
  key (`session-regrowth-1-<course id>@exohair`), the assessment's label, the infusion's cycle and day. When a
  session moves, the app updates the event in place instead of adding a second one.
- SEQUENCE is the event's own revision count (features/plans/calendar.py derives it from the records): it rises
  when that event moves or is cancelled, and stays 0 for one that never changed, however often the plan does.
- A cancelled event stays in the file with STATUS:CANCELLED, so the app removes it instead of keeping a stale one.
- The file has no METHOD, so DTSTAMP is when the event's information last changed on file (§3.8.7.2).

`exohair plan --format ics` has no records behind it: its UIDs come from the course as planned (regimen, first
infusion, protocol) and every SEQUENCE is 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from exohair.domain.calendar import Infusion
from exohair.domain.full_plan import FullPlan

PRODID = "-//exohair//therapy plan//EN"
SESSION_TEXT = "Exosome scalp session (investigational). Bring your latest blood counts."
PERFORMED_TEXT = "Exosome scalp session (investigational), done."
ASSESSMENT_TEXT = "Photos and hair-loss questions at the clinic."
INFUSION_TEXT = "Scheduled by your oncology team."


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    day: date  # a date of care, in the clinic's time zone
    summary: str
    description: str
    sequence: int = 0
    stamp: datetime | None = None  # an aware instant: when this event last changed; None: the file's stamp
    cancelled: bool = False


def session_uid(key: str, course: str) -> str:
    return f"session-{key}-{course}@exohair"


def assessment_uid(label: str, course: str) -> str:
    key = label.replace(" ", "-").replace(":", "").replace("+", "plus")
    return f"assessment-{key}-{course}@exohair"


def infusion_uid(cycle: int, day: int, course: str) -> str:
    return f"infusion-c{cycle}-d{day}-{course}@exohair"


def assessment_summary(label: str) -> str:
    return f"Hair assessment: {label}"


def infusion_summary(infusion: Infusion) -> str:
    return f"Chemotherapy: {infusion.phase} cycle {infusion.cycle} day {infusion.day}"


def course_id(full: FullPlan) -> str:
    """The identity of a course that has no record (the command line's): regimen, first infusion, protocol."""
    text = f"{full.regimen.id}|{full.first_infusion.isoformat()}|{full.protocol.id}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def events_to_ics(name: str, events: Iterable[CalendarEvent], *, stamp: datetime) -> bytes:
    """The events as one VCALENDAR; `stamp` (aware) is DTSTAMP wherever an event has none of its own."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp or stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


def calendar_name(full: FullPlan) -> str:
    return f"Hair therapy plan — {full.regimen.name}"


def plan_to_ics(full: FullPlan, *, stamp: datetime, include_infusions: bool = False) -> bytes:
    """A plan with no records behind it (the command line's): `stamp` (an aware UTC instant) is every DTSTAMP,
    passed in so output is reproducible; every SEQUENCE is 0."""
    course = course_id(full)
    events: list[CalendarEvent] = []
    for session in full.plan.sessions:
        if session.date is None:
            continue  # no valid day: it is listed as a problem in the plan, not guessed here
        text = PERFORMED_TEXT if session.performed else SESSION_TEXT
        events.append(CalendarEvent(session_uid(session.key, course), session.date, session.label.capitalize(), text))
    for assessment in full.plan.assessments:
        uid = assessment_uid(assessment.label, course)
        events.append(CalendarEvent(uid, assessment.date, assessment_summary(assessment.label), ASSESSMENT_TEXT))
    if include_infusions:
        for infusion in full.calendar.given:
            uid = infusion_uid(infusion.cycle, infusion.day, course)
            events.append(CalendarEvent(uid, infusion.date, infusion_summary(infusion), INFUSION_TEXT))
    return events_to_ics(calendar_name(full), events, stamp=stamp)
