"""The patient portal in a real browser, on a phone-sized screen: my plan, my calendar, the guide; and the
refusals: another patient's chart, the staff pages."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import expect

from pages import PHONE, check, open_page, sign_in

pytestmark = pytest.mark.browser
ANA = ("ana.reyes@demo.exohair.example", "demo-patient-only")
BETH = ("beth.walsh@demo.exohair.example", "demo-patient-only")
COORDINATOR = ("coordinator@demo.exohair.example", "demo-coordinator-only")


@pytest.fixture
def phone(browser, live):
    yield from open_page(browser, live.url, PHONE)


def test_the_patient_sees_her_plan_in_plain_language_and_downloads_her_calendar(phone):
    sign_in(phone, *ANA)
    phone.wait_for_url("**/my/plan")
    assert phone.get_by_role("heading", name="My sessions").is_visible()
    cards = phone.locator(".cards .card")
    assert cards.count() >= 3
    assert "investigational" in phone.locator(".note").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    check(phone, "my-plan-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add my sessions to my calendar (.ics)").click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    assert len([e for e in calendar.walk("VEVENT")]) >= cards.count()
    phone.get_by_role("link", name="Looking after your hair and scalp during chemotherapy").click()
    assert phone.get_by_role("heading", name="When to call the clinic").is_visible()
    check(phone)


def test_the_patient_reads_and_signs_her_photo_consent_on_her_phone(phone):
    sign_in(phone, *BETH)  # signed treatment and registry consent on paper; photos are hers to decide
    phone.wait_for_url("**/my/plan")
    phone.get_by_role("link", name="Consent").click()
    expect(phone.get_by_role("heading", name="To read and sign")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Location and device details are removed from every photo.")
    phone.get_by_label("Type your full name to sign").fill("Beth Walsh")
    phone.get_by_role("button", name="Sign the forms I ticked").click()  # nothing ticked: refused, the name kept
    expect(phone.get_by_role("alert")).to_contain_text("Tick each form you agree to")
    assert phone.get_by_label("Type your full name to sign").input_value() == "Beth Walsh"
    check(phone)
    phone.get_by_role("checkbox", name="I have read this and I agree to it.").check()
    phone.get_by_role("button", name="Sign the forms I ticked").click()
    expect(phone.get_by_role("status")).to_contain_text("your signature is on your record")
    expect(phone.locator("main")).to_contain_text("Nothing to sign: you are up to date.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check(phone, "my-consent-phone")
    phone.get_by_text("Withdraw my consent to photos", exact=True).click()  # a disclosure: one tap cannot withdraw
    phone.get_by_role("button", name="Yes, withdraw my consent to photos").click()
    expect(phone.get_by_role("status")).to_contain_text("Withdrawn")
    expect(phone.get_by_role("heading", name="To read and sign")).to_be_visible()  # hers to sign again
    check(phone)


def test_the_patient_records_a_self_assessment_with_a_photo(phone, tmp_path):
    photo = tmp_path / "IMG_2041.jpg"
    Image.new("RGB", (800, 600), (150, 110, 80)).save(photo, format="JPEG")
    sign_in(phone, *ANA)  # she consented to photographs at her first visit
    phone.wait_for_url("**/my/plan")
    phone.get_by_role("link", name="My hair").click()
    check(phone, "my-assessment-phone")
    phone.get_by_role("radio", name="A quarter to half of my hair lost").check()
    phone.get_by_role("radio", name="6", exact=True).check()
    phone.get_by_role("radio", name=re.compile("^Sometimes")).check()
    phone.get_by_label("Top of the head").set_input_files(str(photo))
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("status")).to_contain_text("your answers are on your record")
    expect(phone.locator("main")).to_contain_text("Dean 2, distress 6/10, head cover: sometimes")
    thumbnail = phone.get_by_role("img", name=re.compile("^Top of the head"))
    expect(thumbnail).to_be_visible()
    assert phone.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) > 0  # the image loads
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check(phone)


def test_a_patient_cannot_open_another_patients_chart_nor_the_staff_pages(browser, live):
    for staff_page in open_page(browser, live.url):  # a coordinator finds Beth's chart address
        sign_in(staff_page, *COORDINATOR)
        staff_page.wait_for_url("**/today")
        staff_page.goto("/patients?q=walsh")
        beth = staff_page.locator("#patient-rows tbody tr td a").first.get_attribute("href")
    assert beth
    assert beth.startswith("/patients/")
    for page in open_page(browser, live.url):
        sign_in(page, *ANA)
        page.wait_for_url("**/my/plan")
        answer = page.goto(beth)
        assert answer is not None
        assert answer.status == 404
        assert page.get_by_role("heading", level=1).inner_text() == "Not found"
        answer = page.goto("/today")
        assert answer is not None
        assert answer.status == 403
        check(page)
