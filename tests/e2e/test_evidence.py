"""The registry's evidence in a real browser: the researcher lands on the report and downloads the registry
de-identified; a patient reads how patients like her fared. Accessible (axe) and within the page's CSP."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from exohair.features.demo.history import HISTORY_PATIENTS
from pages import PHONE, check, open_page, sign_in

pytestmark = pytest.mark.browser
DEMO_HISTORY = HISTORY_PATIENTS  # the clinic's past: a registry to analyse (tests/e2e/conftest.py)
RESEARCHER = ("researcher@demo.exohair.example", "demo-researcher-only")
PATIENT = ("ana.reyes@demo.exohair.example", "demo-patient-only")


def test_the_researcher_reads_the_report_and_downloads_the_registry_de_identified(browser, live):
    for page in open_page(browser, live.url):
        sign_in(page, *RESEARCHER)
        expect(page.get_by_role("heading", name="Evidence from the clinic's registry")).to_be_visible()
        expect(page.get_by_text("Observational records, not a trial.")).to_be_visible()
        expect(page.get_by_role("img", name="Time to regrowth, by protocol")).to_be_visible()
        expect(page.get_by_role("heading", name="Each protocol against observation only")).to_be_visible()
        check(page, "evidence")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the de-identified registry (CSV)").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) >= 60
        assert "first_infusion_shifted" in rows[0]
        assert not {"mrn", "family_name", "given_name", "date_of_birth"} & set(rows[0])
        assert "Reyes" not in text


def test_a_patient_reads_how_patients_like_her_fared(browser, live):
    for page in open_page(browser, live.url, PHONE):
        sign_in(page, *PATIENT)
        page.get_by_role("link", name="How patients like you fared at this clinic").click()
        expect(page.get_by_role("heading", name="How patients like you fared at this clinic")).to_be_visible()
        expect(page.get_by_text("not a promise or a prediction")).to_be_visible()
        expect(page.get_by_role("heading", name="Observation only, high-risk regimens")).to_be_visible()
        check(page, "patients-like-you-phone")
