"""My plan links the patient's calendar twice: her sessions and visits, and the same with her chemotherapy days."""

from __future__ import annotations

import html
import re

import icalendar

from exohair.domain.access import Role

COURSE = {"regimen": "tc", "first_infusion": "2027-03-15", "protocol": "priming-regrowth"}


def test_my_plan_links_the_calendar_with_and_without_the_chemotherapy_days(api):
    started = api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{api.world.ada.id}/courses", json=COURSE)
    assert started.status_code == 201, started.text
    page = html.unescape(api.as_ada().get("/my/plan").text)
    links = re.findall(r'<a [^>]*href="([^"]*plan\.ics[^"]*)"[^>]*>([^<]+)</a>', page)
    assert [text for _, text in links] == [
        "Add my sessions to my calendar (.ics)",
        "With my chemotherapy days too (.ics)",
    ]
    uids = []
    for href, _ in links:
        answer = api.as_ada().get(href)
        assert answer.status_code == 200, href
        uids.append({str(e["UID"]) for e in icalendar.Calendar.from_ical(answer.content).walk("VEVENT")})
    sessions_only, with_chemo = uids
    assert sessions_only < with_chemo
    assert {uid.split("-")[0] for uid in with_chemo - sessions_only} == {"infusion"}
