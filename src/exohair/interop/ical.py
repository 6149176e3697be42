"""The patient's calendar as iCalendar (RFC 5545): sessions, assessments and, optionally, the infusions.

UIDs are stable for a course: they are built from the course identity (regimen, planned first infusion, protocol)
and the session's key, never from its date, so when a session moves a calendar app updates the event in place
instead of adding a second one. `sequence` is bumped by the caller (the records layer) each time the plan moves.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from exohair.domain.full_plan import FullPlan

PRODID = "-//exohair//therapy plan//EN"


def course_id(full: FullPlan) -> str:
    text = f"{full.regimen.id}|{full.first_infusion.isoformat()}|{full.protocol.id}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_to_ics(full: FullPlan, *, stamp: datetime, sequence: int = 0, include_infusions: bool = True) -> bytes:
    """Render the plan; `stamp` (an aware UTC instant) is DTSTAMP, passed in so output is reproducible."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Hair therapy plan — {full.regimen.name}")
    course = course_id(full)
    for session in full.plan.sessions:
        if session.date is None:
            continue  # no valid day: it is listed as a problem in the plan, not guessed here
        description = "Exosome scalp session (investigational). Bring your latest blood counts."
        _add(
            cal,
            f"session-{session.key}-{course}@exohair",
            session.date,
            session.label.capitalize(),
            description,
            stamp,
            sequence,
        )
    for assessment in full.plan.assessments:
        key = assessment.label.replace(" ", "-").replace(":", "").replace("+", "plus")
        _add(
            cal,
            f"assessment-{key}-{course}@exohair",
            assessment.date,
            f"Hair assessment: {assessment.label}",
            "Photos and hair-loss questions at the clinic.",
            stamp,
            sequence,
        )
    if include_infusions:
        for infusion in full.calendar.given:
            uid = f"infusion-c{infusion.cycle}-d{infusion.day}-{course}@exohair"
            title = f"Chemotherapy: {infusion.phase} cycle {infusion.cycle} day {infusion.day}"
            _add(cal, uid, infusion.date, title, "Scheduled by your oncology team.", stamp, sequence)
    return bytes(cal.to_ical())


def _add(cal: Calendar, uid: str, day: date, summary: str, description: str, stamp: datetime, seq: int) -> None:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("sequence", seq)
    event.add("transp", "TRANSPARENT")
    cal.add_component(event)
