"""Questionnaires in a real browser: Ana answers the hair and wellbeing check on her phone (a missing answer is
shown beside its question and her note is kept), then the clinician sees its scores on her chart's hair tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pages import PHONE, check, open_page, sign_in

pytestmark = pytest.mark.browser
ANA = ("ana.reyes@demo.exohair.example", "demo-patient-only")
CLINICIAN = ("clinician@demo.exohair.example", "demo-clinician-only")


def test_the_patient_fills_the_hair_check_and_the_clinician_sees_the_score(browser, live):
    for phone in open_page(browser, live.url, PHONE):
        sign_in(phone, *ANA)
        phone.wait_for_url("**/my/plan")
        phone.get_by_role("link", name="Questionnaires").click()
        phone.get_by_role("link", name="Hair and wellbeing check").click()
        check(phone)
        note = phone.get_by_label("Is there anything about your hair or scalp you would like the clinic to know?")
        note.fill("My scalp itches at night")
        phone.get_by_role("group", name="Over the past week, has your scalp felt sore").get_by_label("Slightly").check()
        phone.get_by_role("button", name="Send my answers").click()  # the first question is left unanswered
        expect(phone.get_by_role("alert")).to_contain_text("Some answers need another look")
        shedding = phone.get_by_role("group", name="how much hair have you seen falling out")
        expect(shedding).to_contain_text("an answer is needed")
        assert note.input_value() == "My scalp itches at night"
        assert phone.get_by_role("group", name="has your scalp felt sore").get_by_label("Slightly").is_checked()
        check(phone)
        shedding.get_by_label("A lot").check()
        phone.get_by_role("group", name="How upset are you").get_by_label("Moderately").check()
        phone.get_by_role("group", name="the way you feel about how you look").get_by_label("Very").check()
        phone.get_by_role("group", name="stayed away from people or places").get_by_label("Once or twice").check()
        phone.get_by_role("group", name="did you cover your head").get_by_label("Yes").check()
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_role("status")).to_contain_text("your answers to Hair and wellbeing check are on your")
        expect(phone.locator("main")).to_contain_text("Hair and scalp: 4 (0 to 8)")  # A lot (3) + Slightly (1)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check(phone, "my-questionnaire-phone")
    for page in open_page(browser, live.url):
        sign_in(page, *CLINICIAN)
        page.get_by_role("link", name="Patients").click()
        page.get_by_role("link", name="Reyes, Ana").click()
        page.get_by_role("link", name="Hair", exact=True).click()
        responses = page.get_by_role("table", name="Questionnaires")
        expect(responses).to_contain_text("Hair and wellbeing check")
        expect(responses).to_contain_text("Hair and scalp: 4 (0 to 8)")
        expect(responses).to_contain_text("Feelings and daily life: 2 (0 to 4)")  # (Moderately 2 + Very 3 + 1) / 3
        responses.get_by_text("7 answers").click()
        expect(responses).to_contain_text("My scalp itches at night")
        check(page, "chart-questionnaires")
