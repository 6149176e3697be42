"""`exohair plan --format ics`: a calendar a patient's phone accepts, whose session UIDs survive a delay."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar


def _events(raw: bytes) -> dict[str, tuple[date, str]]:
    """UID -> (DTSTART, SUMMARY), checking each VEVENT on the way."""
    calendar = Calendar.from_ical(raw)
    events: dict[str, tuple[date, str]] = {}
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTART", "SUMMARY"):
            assert prop in event, f"{prop} missing in {event.to_ical()!r}"
        uid = str(event["UID"])
        start = event.decoded("DTSTART")
        assert isinstance(start, date)
        assert not isinstance(start, datetime), f"{uid}: an all-day event, not {start!r}"
        assert uid not in events, f"UID {uid} is used twice"
        events[uid] = (start, str(event["SUMMARY"]))
    return events


@pytest.fixture(scope="module")
def calendars(run_many, reference_args, tmp_path_factory):
    """The reference course as iCalendar with its infusions: written with --out, then on stdout delayed, delayed
    from cycle 1, skipped; and without --infusions."""
    out = tmp_path_factory.mktemp("ics") / "plan.ics"
    ics = ("plan", *reference_args, "--format", "ics", "--infusions")
    commands = [
        (*ics, "--out", str(out)),
        (*ics, "--delay", "2:7"),
        (*ics, "--delay", "1:7"),
        (*ics, "--skip", "16"),
        ("plan", *reference_args, "--format", "ics"),
    ]
    results = run_many(commands)
    for result in results:
        assert result.code == 0, result.stderr
    written, delayed, delayed_first, skipped, without = results
    assert out.is_file(), written.stdout
    return {
        "plain": out.read_bytes(),
        "delayed": delayed.stdout.encode(),
        "delayed_first": delayed_first.stdout.encode(),
        "skipped": skipped.stdout.encode(),
        "without_infusions": without.stdout.encode(),
        "written": written,
    }


def _sessions(events: dict[str, tuple[date, str]]) -> dict[str, date]:
    return {uid: start for uid, (start, _) in events.items() if uid.startswith("session-")}


def test_every_event_has_a_unique_uid_an_all_day_start_and_a_summary(calendars):
    events = _events(calendars["plain"])
    # 5 sessions, 21 assessments and 16 infusions.
    assert len(events) == 42
    assert all(uid.endswith("@exohair") for uid in events)
    assert calendars["written"].stderr == ""


def test_the_calendar_holds_the_same_session_dates_as_the_json(calendars, reference_json):
    sessions = _sessions(_events(calendars["plain"]))
    assert sorted(sessions.values()) == sorted(
        date.fromisoformat(s["date"]) for s in reference_json["plan"]["sessions"]
    )
    summaries = {summary for _, summary in _events(calendars["plain"]).values()}
    assert "Priming session 1" in summaries
    infusion_days = {start for uid, (start, _) in _events(calendars["plain"]).items() if uid.startswith("infusion-")}
    assert infusion_days == {date.fromisoformat(i["date"]) for i in reference_json["calendar"]["infusions"]}


def test_a_delay_keeps_every_session_uid_and_moves_the_moved_sessions(calendars):
    before = _sessions(_events(calendars["plain"]))
    after = _sessions(_events(calendars["delayed"]))
    assert len(before) == 5
    assert set(after) == set(before)
    for uid, start in before.items():
        shift = 7 if uid.startswith("session-regrowth-") else 0
        assert after[uid] - start == timedelta(days=shift), uid


def test_a_delay_of_the_first_infusion_keeps_every_uid_of_the_course(calendars):
    before = _events(calendars["plain"])
    after = _events(calendars["delayed_first"])
    assert set(after) == set(before)
    moved = [uid for uid in before if uid.startswith("session-") and after[uid][0] != before[uid][0]]
    assert len(moved) == 5


def test_a_skipped_infusion_is_not_in_the_calendar_but_the_sessions_are(calendars):
    before = _events(calendars["plain"])
    after = _events(calendars["skipped"])
    gone = set(before) - set(after)
    # The omitted dose goes, and with it the cycle-16 assessment visit, since nothing is given that cycle.
    assert len(gone) == 2
    assert sorted(uid.rsplit("-", 1)[0] for uid in gone) == ["assessment-cycle-16", "infusion-c16-d1"]
    assert set(_sessions(after)) == set(_sessions(before))


def test_out_writes_the_calendar_to_the_file_and_not_to_stdout(calendars):
    assert calendars["plain"].startswith(b"BEGIN:VCALENDAR")
    assert "BEGIN:VCALENDAR" not in calendars["written"].stdout
    assert "Wrote" in calendars["written"].shown
    # The same course on stdout (with a delay) holds the same events: --out changed only where it went.
    assert set(_events(calendars["plain"])) == set(_events(calendars["delayed"]))


def test_the_infusions_are_in_the_calendar_only_with_infusions(calendars):
    with_chemo, without = _events(calendars["plain"]), _events(calendars["without_infusions"])
    assert not any(uid.startswith("infusion-") for uid in without)
    assert {uid for uid in with_chemo if not uid.startswith("infusion-")} == set(without)
    assert len(with_chemo) - len(without) == 16
