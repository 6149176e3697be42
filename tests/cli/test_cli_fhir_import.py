"""`exohair fhir import FILE --as EMAIL`: a demo patient's export goes into an empty clinic (previewed first, then
for real), a second import of her is refused with a non-zero exit, and bad files are refused plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fhir"


@pytest.fixture
def empty_clinic(run, tmp_path) -> dict[str, str]:
    env = {"EXOHAIR_DATABASE_URL": f"sqlite:///{tmp_path / 'second.sqlite3'}"}
    assert run("db", "upgrade", env=env).code == 0
    assert run("clinics", "create", "Second Clinic", env=env).code == 0
    made = run("users", "create", "--email", "cl@second.test", "--role", "clinician", "--no-password", env=env)
    assert made.code == 0, made.stderr
    return env


def test_a_demo_patient_is_previewed_then_imported_into_an_empty_clinic(run, demo_database, empty_clinic, tmp_path):
    episode = tmp_path / "episode.json"
    assert run("fhir", "export", "--mrn", "DEMO-0010", "--out", str(episode), env=demo_database).code == 0

    preview = run("fhir", "import", str(episode), "--as", "cl@second.test", "--preview", env=empty_clinic)
    done = run("fhir", "import", str(episode), "--as", "cl@second.test", env=empty_clinic)
    again = run("fhir", "import", str(episode), "--as", "cl@second.test", env=empty_clinic)

    assert preview.code == 0, preview.stderr
    assert "Would import patient MRN DEMO-0010 (new)" in preview.shown
    assert "Preview only: nothing was written." in preview.shown
    assert done.code == 0, done.stderr
    assert "Imported patient MRN DEMO-0010 (new)" in done.shown  # new: the preview wrote nothing
    assert "Regimen: AC → weekly paclitaxel — confidence high" in done.shown
    assert again.code == 1
    assert "already has an active course" in again.said
    assert "--accept-partial" in again.said
    back = tmp_path / "back.json"
    assert run("fhir", "export", "--mrn", "DEMO-0010", "--out", str(back), env=empty_clinic).code == 0
    assert len(json.loads(back.read_text(encoding="utf-8"))["entry"]) > 10
    assert run("audit", "verify", env=empty_clinic).code == 0


def test_a_refused_bundle_exits_non_zero_naming_every_problem(run, empty_clinic):
    bundle = FIXTURES / "synthea-cdef53d5-epirubicin-then-cyclophosphamide.json"
    result = run("fhir", "import", str(bundle), "--as", "cl@second.test", env=empty_clinic)
    assert result.code == 1
    assert "palbociclib" in result.said
    assert "No regimen matched" in result.said
    assert "Nothing was imported" in result.said


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"resourceType": "Bundle", ', "is not JSON"),
        ('{"resourceType": "Patient", "id": "p"}', "Expected a FHIR Bundle, got a Patient"),
    ],
)
def test_a_file_that_is_no_bundle_is_refused_plainly(run, empty_clinic, tmp_path, content, said):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run("fhir", "import", str(path), "--as", "cl@second.test", env=empty_clinic)
    assert result.code == 1
    assert said in result.said


def test_an_account_that_may_not_import_is_refused(run, empty_clinic):
    assert run("users", "create", "--email", "admin@second.test", "--role", "admin", "--no-password",
               env=empty_clinic).code == 0  # fmt: skip
    bundle = FIXTURES / "synthea-28f36cfa-paclitaxel.json"
    result = run("fhir", "import", str(bundle), "--as", "admin@second.test", env=empty_clinic)
    assert result.code == 1
    assert "may not import records" in result.said
