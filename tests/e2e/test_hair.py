"""The chart's hair tab in a real browser: the clinician records two assessments with a photo of the top of the
head a week apart, then compares them side by side and faded one over the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from pages import check, open_page, sign_in

pytestmark = pytest.mark.browser
CLINICIAN = ("clinician@demo.exohair.example", "demo-clinician-only")


def test_the_clinician_records_assessments_with_photos_and_compares_them(browser, live, tmp_path):
    today = datetime.now(UTC).date()
    shots = []
    for n, shade in enumerate((170, 120)):
        path = tmp_path / f"vertex-{n}.jpg"
        Image.new("RGB", (640, 480), (shade, shade - 30, shade - 50)).save(path, format="JPEG")
        shots.append(path)
    for page in open_page(browser, live.url):
        sign_in(page, *CLINICIAN)
        page.get_by_role("link", name="Patients").click()
        page.get_by_role("link", name="Reyes, Ana").click()  # she consented to photographs
        page.get_by_role("link", name="Hair", exact=True).click()
        for when, shot, grade in ((today - timedelta(days=7), shots[0], "0"), (today, shots[1], "1")):
            page.get_by_label("Date", exact=True).fill(when.isoformat())
            page.locator(f'input[name="ctcae_grade"][value="{grade}"]').check()
            page.get_by_label("Dean score").select_option(grade)
            page.get_by_label("Top of the head").set_input_files(str(shot))
            page.get_by_role("button", name="Record assessment").click()
            expect(page.get_by_role("status")).to_have_text("Saved: the assessment.")
        check(page)
        page.get_by_role("button", name="Compare").click()  # the two photos of the top of the head
        expect(page.get_by_label("Comparison")).to_be_visible()
        expect(page.locator(".compare figcaption").last).to_contain_text("faded over")
        check(page, "chart-hair")
