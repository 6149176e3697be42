"""The clinic's journey in a real browser, on the demo clinic: the oncologist clears a waiting request; the
clinician is refused a session in a nadir window and performs it on a valid day; the coordinator, who cannot
override, records a chemo delay after previewing what moves; the patient then sees her new dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from pages import check, open_page, sign_in

pytestmark = pytest.mark.browser
ONCOLOGIST = ("oncologist@demo.exohair.example", "demo-oncologist-only")
CLINICIAN = ("clinician@demo.exohair.example", "demo-clinician-only")
COORDINATOR = ("coordinator@demo.exohair.example", "demo-coordinator-only")
ANA = ("ana.reyes@demo.exohair.example", "demo-patient-only")


def test_the_oncologist_clears_a_waiting_request_from_the_inbox(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *ONCOLOGIST)
        page.get_by_role("link", name="Clearances").click()
        page.get_by_role("link", name="Walsh, Beth").click()
        check(page, "clearance")
        page.get_by_label("Valid until").fill((datetime.now(UTC).date() + timedelta(days=180)).isoformat())
        page.get_by_label("Conditions").fill("Platelets at least 100,000/µL on the day")
        page.get_by_role("button", name="Sign clearance").click()
        expect(page.get_by_role("status")).to_have_text("Saved: clearance signed.")
        assert "Status: signed" in page.locator("main").inner_text()


def test_the_clinician_is_refused_in_a_nadir_window_and_performs_on_a_valid_day(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *CLINICIAN)
        page.goto("/patients?q=reyes")
        page.locator("#patient-rows tbody tr td a").first.click()
        nadir = page.locator(".timeline .event.nadir .when").first.inner_text()  # e.g. "15 Dec–22 Dec"
        page.locator(".timeline .event.session a", has_text="priming session 1").click()
        planned = page.get_by_label("Day", exact=True).input_value()
        page.get_by_label("Day", exact=True).fill(_first_day(nadir, planned))
        page.get_by_role("button", name="Check the gate").click()
        expect(page.locator("#gate-h")).to_contain_text("refuses")
        expect(page.locator(".checklist .fail", has_text="Chemo calendar")).to_contain_text("nadir window")
        # Three weeks on, today's counts are too old as well: the gate judges them on the session's day.
        expect(page.locator(".checklist .fail", has_text="Blood counts")).to_contain_text("old")
        check(page, "perform-refused")
        page.get_by_label("Dose (mL)").fill("2")
        page.get_by_label("vertex").check()
        page.get_by_role("button", name=re.compile("Record session")).click()
        expect(page.get_by_role("alert")).to_contain_text("The gate refused this session")
        assert page.get_by_label("Dose (mL)").input_value() == "2"  # nothing typed is lost
        page.get_by_label("Day", exact=True).fill(planned)
        page.get_by_role("button", name="Check the gate").click()
        expect(page.locator("#gate-h")).to_contain_text("passes")
        page.get_by_label("Dose (mL)").fill("2")
        page.get_by_label("vertex").check()
        page.get_by_label("frontal").check()
        page.get_by_role("button", name="Record session").click()
        expect(page.get_by_role("status")).to_have_text("Session recorded.")
        check(page)


def test_the_coordinator_cannot_override_and_records_a_delay_after_a_preview(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *COORDINATOR)
        page.goto("/patients?q=reyes")
        page.locator("#patient-rows tbody tr td a").first.click()
        page.locator(".timeline .event.session a", has_text="priming session 2").click()
        expect(page.locator(".note")).to_contain_text("Only a clinician records a session")
        assert page.get_by_role("button", name=re.compile("Record session")).count() == 0
        page.go_back()
        page.get_by_role("link", name="Record a delayed or skipped infusion").click()
        page.get_by_label("Infusion").select_option(index=1)  # cycle 1
        page.get_by_label("Days late (negative if early), when given late").fill("7")
        page.get_by_label("Reason").fill("Neutrophils low")
        page.get_by_role("button", name="Preview what moves").click()
        expect(page.locator("#moves-h")).to_contain_text("move")
        check(page, "delay-preview")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("moved")


def test_the_patient_sees_her_new_chemotherapy_dates(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *ANA)
        page.wait_for_url("**/my/plan")
        first = page.locator(".compact li").first.inner_text()
        assert "cycle 1 (moved from" in first


def _first_day(window: str, planned: str) -> str:
    """The ISO date of the first day of a "15 Dec–22 Dec" window, in the year that keeps it after `planned`."""
    start = window.split("–")[0].strip()
    year = int(planned[:4])
    for candidate in (year, year + 1):
        day = datetime.strptime(f"{start} {candidate}", "%d %b %Y").date()  # noqa: DTZ007 - a calendar date
        if day.isoformat() >= planned:
            return (day + timedelta(days=1)).isoformat()
    raise AssertionError(f"no nadir window after {planned}")
