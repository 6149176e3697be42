"""The Evidence page, the researcher's de-identified registry and "patients like you", in-process."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from exohair.domain.access import Role
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.consent import service as consents
from exohair.features.consent.schemas import ConsentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.patients import service as patients
from exohair.knowledge import shipped_knowledge
from personas import NOW, patient_in

KNOWLEDGE = shipped_knowledge()


def _past_patient(api, n: int, protocol: str, dean_after: int) -> None:
    """A patient whose TC course ended last summer, with registry consent and three clinician assessments."""
    coordinator, clinician = api.world.actor(Role.COORDINATOR), api.world.actor(Role.CLINICIAN)
    patient = patients.register_patient(api.session, coordinator, patient_in(f"R-{n}", f"Registry{n}"), at=NOW)
    data = CourseIn(regimen="TC", first_infusion=date(2026, 5, 4) + timedelta(days=n), protocol=protocol)
    course = courses.start_course(api.session, coordinator, patient.id, data, KNOWLEDGE, at=NOW).course
    signed = ConsentIn(scope="registry", document_version="REG-1", signed_by=f"Registry{n}", signed_at=NOW)
    consents.record_consent(api.session, clinician, patient.id, signed, at=NOW)
    for days, dean in ((28, dean_after), (90, 2), (150 + n, 1)):
        scored = AssessmentIn(assessed_on=course.last_cytotoxic_infusion + timedelta(days=days), dean_score=dean,
                              head_cover="none" if dean <= 1 else "always")  # fmt: skip
        assessments.record_assessment(api.session, clinician, patient.id, scored, KNOWLEDGE.scales, at=NOW)


@pytest.fixture
def registry(api):
    for n in range(24):
        _past_patient(api, n, "priming-regrowth" if n % 2 else "observation-only", dean_after=2 if n % 3 else 4)
    api.session.commit()
    return api


def test_the_evidence_page_shows_the_report_with_its_caveats(registry):
    page = registry.as_(Role.CLINICIAN).get("/analytics")
    assert page.status_code == 200
    text = page.text
    assert "Observational records, not a trial." in text
    assert "investigational" in text
    assert "<strong>24</strong>" in text  # patients in the registry
    assert re.search(r"<strong>\d+% \(\d+% to \d+%\)</strong> of 24 patients assessed", text)
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 2  # time to regrowth, to no head cover
    assert "Each protocol against observation only" in text
    assert "not enough data: 12 and 12 patients assessed, 20 needed in each" in text
    assert "Download the de-identified registry" not in text  # clinicians see aggregates only
    assert "Registry0" not in text  # no patient is named


def test_the_researcher_downloads_the_registry_de_identified(registry):
    page = registry.as_(Role.RESEARCHER).get("/analytics")
    assert "Download the de-identified registry (CSV)" in page.text
    answer = registry.as_(Role.RESEARCHER).get("/analytics/registry.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["cache-control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 24
    assert {"patient_key", "regimen", "protocol", "age_band", "first_infusion_shifted", "preserved"} <= set(rows[0])
    assert not {"mrn", "family_name", "date_of_birth", "age_years"} & set(rows[0])
    assert "Registry" not in answer.text
    assert all(row["patient_key"].startswith("R-") for row in rows)


def test_patients_like_you_in_the_portal_says_not_enough_data_below_the_minimum(registry):
    data = CourseIn(regimen="TC", first_infusion=date(2027, 3, 15), protocol="priming-regrowth")
    courses.start_course(registry.session, registry.world.actor(Role.COORDINATOR), registry.world.ada.id, data,
                         KNOWLEDGE, at=NOW)  # fmt: skip
    registry.session.commit()
    page = registry.as_ada().get("/my/patients-like-me")
    assert page.status_code == 200
    assert "How patients like you fared at this clinic" in page.text
    assert "Not enough data yet (12 assessed)" in page.text  # 12 on her protocol, 20 needed
    any_protocol = page.text.split("Any protocol, high-risk regimens")[1]
    assert re.search(r"<strong>\d+%</strong> \(\d+% to \d+%\) of 24 patients assessed", any_protocol)
    assert "not a promise or a prediction" in page.text
    staff = registry.as_(Role.CLINICIAN).get(f"/patients/{registry.world.ada.id}/patients-like-this")
    assert "How patients like this patient fared" in staff.text
