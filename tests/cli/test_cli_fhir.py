"""`exohair fhir export`: one patient's Bundle as a file, the clinic as NDJSON, bad options refused, audited."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def test_one_patient_as_a_bundle(run, demo_database, tmp_path):
    target = tmp_path / "ana.json"
    result = run("fhir", "export", "--mrn", "DEMO-0003", "--out", str(target), env=demo_database)
    assert result.code == 0, result.stderr
    bundle = json.loads(target.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert f"a FHIR R4 Bundle of {len(bundle['entry'])} resources" in result.shown
    (patient,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["identifier"][0]["value"] == "DEMO-0003"
    assert run("audit", "verify", env=demo_database).code == 0


def test_the_clinic_as_ndjson_one_file_per_resource_type(run, demo_database, tmp_path):
    result = run("fhir", "export", "--all", "--out", str(tmp_path), env=demo_database)
    assert result.code == 0, result.stderr
    files = {path.stem: path for path in tmp_path.glob("*.ndjson")}
    assert {"Patient", "Condition", "CarePlan", "Procedure", "Medication", "Observation", "Consent"} <= set(files)
    patients = files["Patient"].read_text(encoding="utf-8").splitlines()
    assert f"({len(patients)} patients)" in result.shown
    for kind, path in files.items():
        ids = []
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            get_fhir_model_class(kind).model_validate(resource)
            ids.append(resource["id"])
        assert len(ids) == len(set(ids)), f"{kind}: a resource listed twice"


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("--out", "x.json"), "give either --mrn MRN or --all"),
        (("--mrn", "DEMO-0001", "--all", "--out", "x"), "give either --mrn MRN or --all"),
        (("--mrn", "NO-SUCH", "--out", "x.json"), "No patient with MRN NO-SUCH"),
        (("--all", "--out", "no/such/dir"), "is not a directory"),
    ],
)
def test_bad_options_say_what_is_wrong(run, demo_database, tmp_path, arguments, said):
    arguments = tuple(str(tmp_path / a) if a in ("x.json", "x", "no/such/dir") else a for a in arguments)
    result = run("fhir", "export", *arguments, env=demo_database)
    assert result.code != 0
    assert said in result.said
