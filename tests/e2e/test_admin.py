"""The admin in a real browser: adds a staff account, publishes the clinic's own tariffs (a refused file comes
back as typed, with the fault located), and closes a day. Every page passes axe and the CSP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from pages import check, open_page, sign_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@demo.exohair.example", "demo-admin-only")


def test_the_admin_keeps_accounts_tariffs_and_closed_days(browser, live):
    holiday = datetime.now(UTC).date() + timedelta(days=40)
    for page in open_page(browser, live.url):
        sign_in(page, *ADMIN)
        expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
        check(page, "admin-users")
        page.get_by_label("Name", exact=True).fill("Nia Nurse")
        page.get_by_label("Work e-mail").fill("nia.nurse@demo.exohair.example")
        page.get_by_label("Role", exact=True).select_option("clinician")
        page.get_by_label("First password").fill("short")
        page.get_by_role("button", name="Add account").click()
        expect(page.locator("#password-error")).to_contain_text("at least 12 characters")
        assert page.get_by_label("Name", exact=True).input_value() == "Nia Nurse"  # kept; the password is not
        check(page)
        page.get_by_label("First password").fill("a long enough passphrase")
        page.get_by_role("button", name="Add account").click()
        expect(page.get_by_role("status")).to_have_text("Account added.")
        expect(page.locator("main")).to_contain_text("nia.nurse@demo.exohair.example")

        page.get_by_role("link", name="Protocols and tariffs").click()
        check(page, "admin-knowledge")
        page.get_by_role("link", name="Edit tariffs.yaml").click()
        editor = page.get_by_label("tariffs.yaml")
        text = editor.input_value()
        editor.fill(text.replace("expected_cents: 200000", "expected_cents: 180000", 1))
        page.get_by_label("What changed and why").fill("Our 2027 session price")
        page.get_by_role("button", name="Publish tariffs.yaml").click()
        expect(page.get_by_role("alert")).to_contain_text("version: is still")
        assert "expected_cents: 180000" in page.get_by_label("tariffs.yaml").input_value()  # kept as typed
        check(page, "admin-file-refused")
        version = text.split('version: "', 1)[1].split('"', 1)[0]
        edited = page.get_by_label("tariffs.yaml").input_value()
        page.get_by_label("tariffs.yaml").fill(edited.replace(f'version: "{version}"', 'version: "demo-2027"'))
        page.get_by_role("button", name="Publish tariffs.yaml").click()
        expect(page.get_by_role("status")).to_contain_text("Published your tariffs.yaml")
        expect(page.locator("main")).to_contain_text("USD 1,800.00")

        page.get_by_role("link", name="Closed days").click()
        page.get_by_label("Date").fill(holiday.isoformat())
        page.get_by_label("Reason").fill("Clinic holiday")
        page.get_by_role("button", name="Close this day").click()
        expect(page.get_by_role("status").first).to_contain_text("Closed day added.")
        expect(page.locator("main")).to_contain_text("Clinic holiday")
        check(page, "admin-closed-days")


def test_the_admin_renames_a_site_and_a_clash_is_said_beside_it(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *ADMIN)
        page.get_by_role("link", name="Sites").click()
        expect(page.get_by_role("heading", name="Sites", exact=True)).to_be_visible()
        expect(page.get_by_role("rowheader", name="Riverside")).to_be_visible()  # the demo's two sites
        check(page, "admin-sites")
        page.get_by_label("New name for Riverside").fill("city centre")
        page.get_by_role("button", name="Rename").nth(1).click()
        expect(page.get_by_role("alert")).to_contain_text("already has a site called city centre")
        assert page.get_by_label("New name for Riverside").input_value() == "city centre"  # kept as typed
        check(page)
        page.get_by_label("New name for Riverside").fill("Riverside Clinic")
        page.get_by_role("button", name="Rename").nth(1).click()
        expect(page.get_by_role("status")).to_have_text("Site renamed.")
        expect(page.get_by_role("rowheader", name="Riverside Clinic")).to_be_visible()
