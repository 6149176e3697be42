"""The researcher's research tables from the Evidence page: a zip per format, de-identified, audited, and only hers."""

from __future__ import annotations

import io
import zipfile

from exohair.domain.access import Role
from research_world import build_research_world


def test_the_researcher_downloads_the_research_tables_as_a_zip_in_each_format(api):
    research = build_research_world(api.session, api.world)
    page = api.as_(Role.RESEARCHER).get("/analytics")
    for fmt in ("csv", "parquet", "redcap"):
        assert f'href="/analytics/research.zip?format={fmt}"' in page.text
        answer = api.as_(Role.RESEARCHER).get(f"/analytics/research.zip?format={fmt}")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert answer.headers["cache-control"] == "private, no-store"
        assert f'filename="research-{fmt}-2027-03-01.zip"' in answer.headers["content-disposition"]
        names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
        assert {"data_dictionary.csv", "README.txt"} <= set(names)
        if fmt == "redcap":
            assert "redcap_records.csv" in names
        else:
            assert f"patients.{fmt}" in names
    patients = zipfile.ZipFile(io.BytesIO(api.as_(Role.RESEARCHER).get("/analytics/research.zip").content))
    text = patients.read("patients.csv").decode()
    assert len(text.splitlines()) == 1 + len(research.included)
    assert "Able" not in text


def test_an_unknown_format_is_a_clear_refusal(api):
    answer = api.as_(Role.RESEARCHER).get("/analytics/research.zip?format=xlsx")
    assert answer.status_code == 422
    assert "csv, parquet or redcap" in answer.text


def test_the_clinicians_evidence_page_offers_no_research_tables(api):
    page = api.as_(Role.CLINICIAN).get("/analytics")
    assert "/analytics/research.zip" not in page.text
