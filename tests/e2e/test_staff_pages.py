"""The staff pages in a real browser: sign in, Today, the patient search, the chart; accessible and within the
page security policy. Screenshots of these pages go to docs/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pages import check, open_page, sign_in

pytestmark = pytest.mark.browser
COORDINATOR = ("coordinator@demo.exohair.example", "demo-coordinator-only")


@pytest.fixture
def page(browser, live):
    yield from open_page(browser, live.url)


def test_the_coordinator_signs_in_and_sees_what_is_due_with_its_gate_status(page):
    sign_in(page, *COORDINATOR)
    page.wait_for_url("**/today")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today")
    assert page.get_by_role("heading", name="Sessions this week").is_visible()
    due = page.locator("table tbody tr")
    assert due.count() > 0, "the demo clinic has sessions due this week"
    statuses = {due.nth(i).locator(".badge").inner_text() for i in range(due.count())}
    assert statuses <= {"ready", "in nadir", "too near an infusion", "clearance pending", "clearance expired",
                        "clearance revoked", "consent missing", "consent withdrawn", "consent outdated",
                        "labs missing", "labs out of date", "check gate"}  # fmt: skip
    check(page, "today")


def test_searching_patients_narrows_the_list_as_you_type(page):
    sign_in(page, *COORDINATOR)
    page.wait_for_url("**/today")
    page.goto("/patients")
    everyone = page.locator("#patient-rows tbody tr").count()
    assert everyone > 20
    check(page, "patients")
    page.get_by_label("Name or MRN").fill("reyes")
    expect(page.locator("#patient-rows tbody tr")).not_to_have_count(everyone)  # HTMX swapped the rows in
    names = page.locator("#patient-rows tbody tr td:first-child").all_inner_texts()
    assert names
    assert all("Reyes" in n for n in names)
    assert "q=reyes" in page.url  # the search is in the address, so reload and back keep it


def test_the_chart_shows_one_timeline_keyed_to_the_chemo_calendar(page):
    sign_in(page, *COORDINATOR)
    page.wait_for_url("**/today")
    page.goto("/patients?q=reyes")
    page.locator("#patient-rows tbody tr td a").first.click()
    page.wait_for_selector(".timeline")
    kinds = set(page.locator(".timeline .event").evaluate_all("els => els.map(e => e.classList[1])"))
    assert {"infusion", "nadir", "session"} <= kinds
    check(page, "chart-timeline")
    page.get_by_role("link", name="Plan").click()
    assert page.get_by_role("heading", name="Plan").is_visible()
    check(page)


def test_a_wrong_password_keeps_the_email_typed_and_says_what_is_wrong(page):
    sign_in(page, COORDINATOR[0], "not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("That e-mail address and password do not match")
    assert page.get_by_label("E-mail").input_value() == COORDINATOR[0]
    check(page)


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_where_they_were_going(page):
    page.goto("/patients?q=walsh")
    assert "/sign-in?next=/patients" in page.url
    page.get_by_label("E-mail").fill(COORDINATOR[0])
    page.get_by_label("Password").fill(COORDINATOR[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/patients?q=walsh")
