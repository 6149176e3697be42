"""The patient's calendar (`GET /patients/{id}/plan.ics`): parsed with the icalendar library, and applied over
itself the way a calendar app does, so a moved session updates in place and a cancelled one goes away."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from exohair.db.models import TherapySession
from exohair.domain.access import Role

COURSE = {"regimen": "ac-t", "first_infusion": "2027-03-15", "protocol": "priming-in-cycle-regrowth"}


@dataclass(frozen=True)
class Seen:
    day: date
    sequence: int
    stamp: datetime
    status: str
    summary: str


def _start(api) -> dict:
    answer = api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{api.world.ada.id}/courses", json=COURSE)
    assert answer.status_code == 201, answer.text
    return answer.json()["course"]


def _calendar(api, query: str = "") -> dict[str, Seen]:
    answer = api.as_ada().get(f"/api/v1/patients/{api.world.ada.id}/plan.ics{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    assert answer.headers["cache-control"] == "private, no-store"
    events: dict[str, Seen] = {}
    for event in icalendar.Calendar.from_ical(answer.content).walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in events, f"UID {uid} twice in one file"
        start, stamp = event.decoded("DTSTART"), event.decoded("DTSTAMP")
        assert isinstance(start, date)
        assert not isinstance(start, datetime), f"{uid}: not an all-day event"
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert stamp.utcoffset() == timedelta(0), f"{uid}: DTSTAMP must be UTC"
        events[uid] = Seen(start, int(event["SEQUENCE"]), stamp, str(event["STATUS"]), str(event["SUMMARY"]))
    return events


def _apply(app: dict[str, Seen], update: dict[str, Seen]) -> dict[str, Seen]:
    """A calendar app importing `update` over what it holds: matched by UID, the higher SEQUENCE (then the later
    DTSTAMP) wins, a cancelled event is removed."""
    held = dict(app)
    for uid, event in update.items():
        known = held.get(uid)
        if known is not None and (event.sequence, event.stamp) < (known.sequence, known.stamp):
            continue
        held[uid] = event
    return {uid: event for uid, event in held.items() if event.status != "CANCELLED"}


def _sessions(api) -> dict[str, dict]:
    listed = api.as_(Role.COORDINATOR).get("/api/v1/sessions", params={"patient_id": str(api.world.ada.id)})
    return {row["key"]: row for row in listed.json()}


def _uid_of(events: dict[str, Seen], key: str) -> str:
    return next(uid for uid in events if uid.startswith(f"session-{key}-"))


def test_a_moved_session_keeps_its_uid_and_bumps_its_sequence_and_the_others_keep_0(api):
    course = _start(api)
    before = _calendar(api)
    assert {e.sequence for e in before.values()} == {0}
    saved = api.as_(Role.COORDINATOR).post(
        f"/api/v1/courses/{course['id']}/infusions", json={"version": course["version"], "cycle": 2, "delay_days": 7}
    )
    assert saved.status_code == 201, saved.text
    after = _calendar(api)
    assert set(before) <= set(after), "every event keeps its UID across plan versions"
    moved = {uid for uid in before if after[uid].day != before[uid].day}
    moved_sessions = {m["key"] for m in saved.json()["moved"] if m["before"] and m["after"]}
    assert moved_sessions
    assert {_uid_of(after, key) for key in moved_sessions} <= moved
    assert any(uid.startswith("assessment-") for uid in moved), "the cycle visits move with the chemo"
    for uid, event in after.items():
        assert event.sequence == (1 if uid in moved else 0), uid
        # DTSTAMP has whole seconds: a moved event's may equal the old one when both fall in the same second.
        assert (event.stamp >= before[uid].stamp) if uid in moved else (event.stamp == before[uid].stamp), uid


def test_a_session_moved_by_hand_is_the_only_event_revised(api):
    _start(api)
    before = _calendar(api)
    row = _sessions(api)["regrowth-1"]
    moved = api.as_(Role.COORDINATOR).post(
        f"/api/v1/sessions/{row['id']}/reschedule",
        json={
            "version": row["version"],
            "planned_on": (date.fromisoformat(row["planned_on"]) + timedelta(2)).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.text
    after = _calendar(api)
    uid = _uid_of(after, "regrowth-1")
    assert (after[uid].day - before[uid].day, after[uid].sequence) == (timedelta(2), 1)
    assert {e.sequence for other, e in after.items() if other != uid} == {0}


def test_a_cancelled_session_stays_in_the_file_cancelled_with_a_higher_sequence(api):
    _start(api)
    before = _calendar(api)
    row = _sessions(api)["priming-2"]
    cancelled = api.as_(Role.COORDINATOR).post(
        f"/api/v1/sessions/{row['id']}/cancel", json={"version": row["version"], "reason": "Patient unwell"}
    )
    assert cancelled.status_code == 200, cancelled.text
    after = _calendar(api)
    uid = _uid_of(after, "priming-2")
    assert (after[uid].status, after[uid].sequence, after[uid].day) == ("CANCELLED", 1, before[uid].day)
    assert uid not in _apply(before, after), "a calendar app removes it instead of keeping a stale event"
    assert {e.status for other, e in after.items() if other != uid} == {"CONFIRMED"}


def test_the_infusions_are_in_the_calendar_only_when_asked(api):
    _start(api)
    plain, with_chemo = _calendar(api), _calendar(api, "?infusions=true")
    assert not any(uid.startswith("infusion-") for uid in plain)
    infusions = {uid: e for uid, e in with_chemo.items() if uid.startswith("infusion-")}
    plan = api.as_ada().get(f"/api/v1/patients/{api.world.ada.id}/plan").json()
    assert sorted(e.day for e in infusions.values()) == sorted(
        date.fromisoformat(i["date"]) for i in plan["calendar"]["infusions"] if i["status"] != "skipped"
    )
    assert {uid: e for uid, e in with_chemo.items() if uid in plain} == plain  # the rest is the same file
    assert all(e.summary.startswith("Chemotherapy: ") for e in infusions.values())


def test_a_delayed_dose_moves_its_event_and_the_later_ones_and_a_skipped_dose_is_cancelled(api):
    course = _start(api)
    first = _calendar(api, "?infusions=true")
    coordinator = api.as_(Role.COORDINATOR)
    delayed = coordinator.post(f"/api/v1/courses/{course['id']}/infusions",
                               json={"version": course["version"], "cycle": 3, "delay_days": 7})  # fmt: skip
    assert delayed.status_code == 201, delayed.text
    version = delayed.json()["course"]["version"]
    skipped = coordinator.post(f"/api/v1/courses/{course['id']}/infusions",
                               json={"version": version, "cycle": 16, "skipped": True})  # fmt: skip
    assert skipped.status_code == 201, skipped.text
    last = _calendar(api, "?infusions=true")
    doses = sorted(uid for uid in first if uid.startswith("infusion-"))
    for uid in doses:
        cycle = int(uid.split("-")[1][1:])
        expected = (0 if cycle < 3 else 1) + (1 if cycle == 16 else 0)
        assert last[uid].sequence == expected, uid
        assert (last[uid].day - first[uid].day) == timedelta(0 if cycle < 3 else 7), uid
    skipped_uid = next(uid for uid in doses if uid.startswith("infusion-c16-"))
    assert last[skipped_uid].status == "CANCELLED"


def test_a_calendar_app_applying_the_new_file_over_the_old_has_no_duplicates_and_the_dates_of_the_plan(api):
    course = _start(api)
    app = _apply({}, _calendar(api))
    coordinator = api.as_(Role.COORDINATOR)
    coordinator.post(f"/api/v1/courses/{course['id']}/infusions",
                     json={"version": course["version"], "cycle": 1, "delay_days": 5})  # fmt: skip
    row = _sessions(api)["priming-1"]
    coordinator.post(f"/api/v1/sessions/{row['id']}/cancel", json={"version": row["version"], "reason": "Declined"})
    app = _apply(app, _calendar(api))
    plan = api.as_ada().get(f"/api/v1/patients/{api.world.ada.id}/plan").json()["plan"]
    sessions = sorted((e.day, e.summary) for uid, e in app.items() if uid.startswith("session-"))
    assert sessions == sorted(
        (date.fromisoformat(s["date"]), s["label"].capitalize()) for s in plan["sessions"] if s["date"]
    )
    visits = sorted(e.day for uid, e in app.items() if uid.startswith("assessment-"))
    assert visits == sorted(date.fromisoformat(a["date"]) for a in plan["assessments"])


def test_an_event_never_changed_is_stamped_when_it_was_planned(api):
    _start(api)
    events = _calendar(api)
    stamps = {e.stamp for e in events.values()}
    now = datetime.now(UTC)
    assert all(now - timedelta(minutes=5) < stamp <= now for stamp in stamps)
    assert _calendar(api) == events  # read twice, the same file: nothing changed, nothing to update


def test_a_session_left_without_a_valid_day_is_cancelled_where_the_calendar_had_it(api):
    _start(api)
    before = _calendar(api)
    row = api.session.get(TherapySession, uuid.UUID(_sessions(api)["regrowth-2"]["id"]))
    row.planned_on = None  # what a re-plan writes when the session's window has no valid day left
    api.session.commit()
    after = _calendar(api)
    uid = _uid_of(after, "regrowth-2")
    assert (after[uid].status, after[uid].day, after[uid].sequence) == ("CANCELLED", before[uid].day, 1)
    assert uid not in _apply(before, after)
