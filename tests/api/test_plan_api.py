"""The plan over HTTP: the same JSON as `exohair plan --format json`, the calendar, and a delay that moves it."""

from __future__ import annotations

from datetime import date

import icalendar

from exohair.domain.access import Role
from exohair.features.planning.service import PlanRequest, make_full_plan
from exohair.features.plans import inputs
from exohair.interop.plan_json import plan_to_json
from exohair.knowledge import shipped_knowledge
from personas import NOW

COURSE = {"regimen": "ac-t", "first_infusion": "2027-03-15", "protocol": "priming-in-cycle-regrowth"}


def _start(api):
    answer = api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{api.world.ada.id}/courses", json=COURSE)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_plan_is_the_json_the_cli_prints(api):
    _start(api)
    body = api.as_(Role.CLINICIAN).get(f"/api/v1/patients/{api.world.ada.id}/plan").json()
    assert body.pop("plan_version")["number"] == 1
    knowledge = shipped_knowledge()
    request = PlanRequest(
        regimen="ac-t", first_infusion=date(2027, 3, 15), protocol="priming-in-cycle-regrowth",
        facts=inputs.patient_facts(api.world.ada, NOW.date()), not_before=NOW.date(),
    )  # fmt: skip
    assert body == plan_to_json(make_full_plan(knowledge, request), dict(knowledge.versions))


def test_a_delay_moves_the_plan_and_the_calendar_updates_in_place(api):
    started = _start(api)
    patient = api.world.ada.id
    first = icalendar.Calendar.from_ical(api.as_ada().get(f"/api/v1/patients/{patient}/plan.ics").content)
    events = {str(e["UID"]): e for e in first.walk("VEVENT")}
    assert events
    assert {int(e.get("SEQUENCE", 0)) for e in events.values()} == {0}
    course = started["course"]
    preview = api.as_(Role.COORDINATOR).post(
        f"/api/v1/courses/{course['id']}/infusions?preview=true",
        json={"version": course["version"], "cycle": 2, "delay_days": 7},
    )
    assert preview.status_code == 201
    assert preview.json()["preview"] is True
    assert preview.json()["moved"]
    assert api.as_ada().get(f"/api/v1/patients/{patient}/plan").json()["plan_version"]["number"] == 1  # unchanged
    saved = api.as_(Role.COORDINATOR).post(
        f"/api/v1/courses/{course['id']}/infusions", json={"version": course["version"], "cycle": 2, "delay_days": 7}
    )
    assert saved.json()["moved"] == preview.json()["moved"]
    second = icalendar.Calendar.from_ical(api.as_ada().get(f"/api/v1/patients/{patient}/plan.ics").content)
    later = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert set(later) & set(events), "the same sessions keep their UIDs"
    for uid in set(later) & set(events):  # only the events that moved are revised (tests/api/test_calendar_api.py)
        moved = later[uid].decoded("DTSTART") != events[uid].decoded("DTSTART")
        assert int(later[uid]["SEQUENCE"]) == int(moved), uid
    shifted = [
        uid for uid in set(later) & set(events) if later[uid].decoded("DTSTART") != events[uid].decoded("DTSTART")
    ]
    rescheduled = [m for m in saved.json()["moved"] if m["before"] and m["after"]]
    assert rescheduled
    assert len(shifted) >= len(rescheduled)  # each moved session is an updated event, not a new one
