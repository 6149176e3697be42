"""Intake in a real browser: the coordinator takes a new patient through the eight steps (a field left wrong is
shown beside it and keeps what was typed; going back loses nothing), sends the request, and the oncologist finds
it in the inbox and clears it. The coordinator records a first payment on the billing tab and opens the patient's
portal account; the new patient signs her consent forms in the portal and sees her plan."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from pages import check, open_page, sign_in

pytestmark = pytest.mark.browser
COORDINATOR = ("coordinator@demo.exohair.example", "demo-coordinator-only")
ONCOLOGIST = ("oncologist@demo.exohair.example", "demo-oncologist-only")
NGOZI = ("ngozi.okafor@example.org", "her own first passphrase")


def _continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_the_coordinator_does_the_intake_and_the_oncologist_clears_it(browser, live):
    first_infusion = (datetime.now(UTC).date() + timedelta(days=21)).isoformat()
    for page in open_page(browser, live.url):
        sign_in(page, *COORDINATOR)
        page.get_by_role("link", name="Patients").click()
        page.get_by_role("link", name="New patient").click()
        check(page, "intake-details")
        page.get_by_label("Medical record number (MRN)").fill("E2E-0042")
        page.get_by_label("Family name").fill("Okafor")
        page.get_by_label("Given name").fill("Ngozi")
        page.get_by_label("Date of birth").fill("2031-01-01")  # in the future: refused beside the field
        page.get_by_label("Sex").select_option("female")
        page.get_by_label("Cancer").fill("Breast, early stage")
        _continue(page)
        expect(page.locator("#date_of_birth-error")).to_be_visible()
        assert page.get_by_label("Family name").input_value() == "Okafor"  # nothing typed is lost
        check(page)
        page.get_by_label("Date of birth").fill("1976-09-14")
        _continue(page)

        expect(page.locator("#step-h")).to_have_text("2. Chemotherapy")
        page.get_by_label("Catalogue regimen").fill("TC")
        page.get_by_label("First infusion").fill(first_infusion)
        _continue(page)
        expect(page.locator("#step-h")).to_have_text("3. Risk factors")
        page.get_by_role("button", name="Back").click()
        expect(page.locator("#step-h")).to_have_text("2. Chemotherapy")
        assert page.get_by_label("Catalogue regimen").input_value() == "TC"  # back keeps the step as typed
        _continue(page)
        page.get_by_label("Family history of pattern hair loss").check()
        _continue(page)

        expect(page.locator("#step-h")).to_have_text("4. Hair-loss risk")
        expect(page.locator("main")).to_contain_text("Basis of the estimate")
        check(page, "intake-risk")
        _continue(page)
        page.get_by_role("radio", name=re.compile(r"Priming \+ in-cycle \+ regrowth")).check()
        _continue(page)
        expect(page.locator("#step-h")).to_have_text("6. Plan preview")
        expect(page.locator("#chemo-h")).to_contain_text("Chemo calendar")
        check(page, "intake-plan")
        _continue(page)
        expect(page.locator("#step-h")).to_have_text("7. Costs and payment plan")
        page.get_by_label("Monthly instalments").fill("3")
        page.get_by_role("button", name="Show the payment schedule").click()
        expect(page.locator("table", has_text="Payment schedule").locator("tbody tr")).to_have_count(3)
        check(page, "intake-costs")
        _continue(page)
        expect(page.locator("#step-h")).to_have_text("8. Send for clearance")
        page.get_by_label("Note for the oncologist").fill("Starts TC in three weeks.")
        check(page)
        page.get_by_role("button", name="Create the patient and send for clearance").click()
        expect(page.locator("h1")).to_contain_text("Okafor")
        expect(page.get_by_role("status")).to_contain_text("asked for clearance")
        page.get_by_role("link", name="Billing").click()  # the plan agreed at intake, and a first payment
        expect(page.locator("table", has_text="Payment plan").locator("tbody tr")).to_have_count(3)
        page.get_by_label("Amount").fill("100")
        page.get_by_label("Method").select_option("card")
        page.get_by_role("button", name="Record payment").click()
        expect(page.get_by_role("status")).to_have_text("Saved: the payment.")
        check(page, "billing")
        page.get_by_role("link", name="Consent and clearance").click()  # she will sign in the portal
        page.get_by_label("Patient's e-mail").fill("ngozi.okafor@example.org")
        page.get_by_label("First password").fill(NGOZI[1])
        page.get_by_role("button", name="Open portal account").click()
        expect(page.get_by_role("status")).to_contain_text("the portal account is open")
        check(page, "chart-consent")

    for page in open_page(browser, live.url):
        sign_in(page, *ONCOLOGIST)
        page.get_by_role("link", name="Clearances").click()
        page.get_by_role("link", name="Okafor, Ngozi").click()
        page.get_by_label("Valid until").fill((datetime.now(UTC).date() + timedelta(days=180)).isoformat())
        page.get_by_role("button", name="Sign clearance").click()
        expect(page.get_by_role("status")).to_have_text("Saved: clearance signed.")

    for page in open_page(browser, live.url):  # the new patient signs her consent and sees her plan
        sign_in(page, *NGOZI)
        page.get_by_role("link", name="Consent").click()
        for title in ("Consent to exosome scalp therapy", "Consent to scalp photographs"):
            page.get_by_role("region", name=re.compile(title)).get_by_role("checkbox").check()
        page.get_by_label("Type your full name to sign").fill("Ngozi Okafor")
        page.get_by_role("button", name="Sign the forms I ticked").click()
        expect(page.get_by_role("status")).to_contain_text("your signature is on your record")
        check(page)
        page.get_by_role("link", name="My plan").click()
        expect(page.locator("main")).to_contain_text("Priming + in-cycle + regrowth")
        assert page.locator(".cards .card").count() >= 3
