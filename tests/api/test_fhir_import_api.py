"""FHIR import through the API: an exported patient comes back whole in another clinic; a preview writes nothing;
every malformed bundle is refused with problem+json naming the entry at fault, and nothing in the database changes
(its rows and its audit trail counted before and after)."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select
from test_authorization_matrix import Records
from test_fhir_export_api import _episode, _export, _resources

from exohair.db.models import (
    Assessment,
    AuditEntry,
    ChemoCourse,
    InfusionRecord,
    Patient,
    PlanVersion,
    ProductLot,
    TherapySession,
)
from exohair.domain.access import Role

CO, CL = Role.COORDINATOR, Role.CLINICIAN
URL = "/api/v1/fhir/import"
TABLES = (Patient, ChemoCourse, InfusionRecord, PlanVersion, TherapySession, ProductLot, Assessment, AuditEntry)
MR = {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _counts(api) -> dict[str, int]:
    api.session.expire_all()
    return {t.__tablename__: api.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def _post(api, body, *, role: Role = CL, clinic: str = "north", query: str = "", raw: bytes | None = None,
          content_type: str = "application/fhir+json"):  # fmt: skip
    data = raw if raw is not None else json.dumps(body).encode()
    return api.as_(role, clinic=clinic).post(URL + query, content=data, headers={"Content-Type": content_type})


def _ac_bundle(*, mrn: str = "X-100", extra: list[dict] | None = None) -> dict:
    """An EHR-shaped bundle: a patient, her breast cancer, AC every 21 days (cycle 2 a week late), RxNorm-coded."""
    entries = [
        {"fullUrl": "urn:uuid:pat", "resource": {
            "resourceType": "Patient", "id": "pat", "gender": "female", "birthDate": "1975-06-01",
            "name": [{"family": "Doe", "given": ["Jane"]}], "identifier": [{"type": {"coding": [MR]}, "value": mrn}]}},
        {"fullUrl": "urn:uuid:cond", "resource": {
            "resourceType": "Condition", "id": "cond", "subject": {"reference": "urn:uuid:pat"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009",
                                 "display": "Malignant neoplasm of breast (disorder)"}]}}},
    ]  # fmt: skip
    days = ["2026-12-01", "2026-12-29", "2027-01-19", "2027-02-09"]  # 28, 21, 21 days apart
    for n, day in enumerate(days):
        for code, name in (("3639", "doxorubicin"), ("3002", "cyclophosphamide")):
            entries.append({"fullUrl": f"urn:uuid:ma-{n}-{code}", "resource": {
                "resourceType": "MedicationAdministration", "id": f"ma-{n}-{code}", "status": "completed",
                "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code, "display": name}]},
                "subject": {"reference": "urn:uuid:pat"}, "effectiveDateTime": day,
                "reasonReference": [{"reference": "urn:uuid:cond"}]}})  # fmt: skip
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries + (extra or [])}


def test_an_exported_patient_comes_back_whole_in_another_clinic(api):
    _records, chart = _episode(api)
    bundle = _export(api, chart.patient_id).json()

    answer = _post(api, bundle, clinic="south")

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["patient"]["created"] is True
    assert (report["regimen"]["id"], report["regimen"]["confidence_label"]) == ("ac-t", "high")
    assert report["plan"] == {"protocol": "priming-in-cycle-regrowth", "adjuncts": []}
    assert report["created"]["sessions_restored"] >= 1
    assert not [i for i in report["issues"] if i["severity"] == "error"]
    exported = api.as_(CL, clinic="south").get(f"/api/v1/patients/{report['patient']['id']}/$everything")
    assert exported.status_code == 200, exported.text
    again = exported.json()
    # The same episode, as the two clinics export it (ids differ, the facts do not).
    for kind in ("MedicationRequest", "MedicationAdministration"):
        assert _facts(_resources(again, kind)) == _facts(_resources(bundle, kind)), kind
    (plan_before,), (plan_after,) = _resources(bundle, "CarePlan"), _resources(again, "CarePlan")
    assert _activities(plan_after) == _activities(plan_before)
    assert _observations(again) == _observations(bundle)
    (procedure,) = _resources(again, "Procedure")
    assert "clinician override" in " ".join(n["text"] for n in procedure["note"])
    (lot,) = _resources(again, "Medication")
    assert lot["batch"] == {"lotNumber": "M-1", "expirationDate": "2028-01-01"}


def _facts(resources: list[dict]) -> list[tuple]:
    return sorted((r["medicationCodeableConcept"]["coding"][0]["code"], r.get("effectiveDateTime"), r["status"],
                   json.dumps(r.get("dosageInstruction"), sort_keys=True)) for r in resources)  # fmt: skip


def _activities(plan: dict) -> list[tuple]:
    return [(a["detail"]["code"].get("text"), a["detail"]["status"], a["detail"].get("scheduledString"),
             a["detail"].get("statusReason")) for a in plan["activity"]]  # fmt: skip


def _observations(bundle: dict) -> list[tuple]:
    keep = ("effectiveDateTime", "valueInteger", "valueQuantity", "valueCodeableConcept", "bodySite", "method", "code")
    return sorted(json.dumps({k: o.get(k) for k in keep}, sort_keys=True) for o in _resources(bundle, "Observation"))


def test_a_preview_reports_the_import_and_changes_nothing(api):
    before = _counts(api)

    answer = _post(api, _ac_bundle(), query="?preview=true")

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["preview"] is True
    assert report["patient"] == {"id": None, "mrn": "X-100", "created": True}
    assert report["regimen"]["id"] == "ac"
    assert report["infusions_recorded"] == ["cycle 2 day 1 +7 days"]
    assert report["created"]["courses"] == 1
    assert _counts(api) == before


def test_it_imports_an_ehr_bundle_with_the_regimen_and_its_delay_inferred(api):
    answer = _post(api, _ac_bundle(), role=CO)

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["regimen"]["id"] == "ac"
    assert report["regimen"]["first_infusion"] == "2026-12-01"
    assert any("7 days late" in line for line in report["regimen"]["evidence"])
    api.session.expire_all()
    patient = api.session.scalars(select(Patient).where(Patient.mrn == "X-100")).one()
    assert (patient.family_name, patient.cancer_type) == ("Doe", "Malignant neoplasm of breast (disorder)")
    course = api.session.scalars(select(ChemoCourse).where(ChemoCourse.patient_id == patient.id)).one()
    assert (course.regimen_id, course.first_infusion.isoformat()) == ("ac", "2026-12-01")
    (record,) = api.session.scalars(select(InfusionRecord).where(InfusionRecord.course_id == course.id)).all()
    assert (record.cycle, record.delay_days) == (2, 7)
    imported = api.session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert str(patient.id) in {e.record_id for e in imported}


def _unknown_drug() -> dict:
    return {"fullUrl": "urn:uuid:odd", "resource": {
        "resourceType": "MedicationAdministration", "id": "odd", "status": "completed",
        "medicationCodeableConcept": {"text": "Unobtainium 5 MG Injection"}, "subject": {"reference": "urn:uuid:pat"},
        "effectiveDateTime": "2026-12-01", "reasonReference": [{"reference": "urn:uuid:cond"}]}}  # fmt: skip


def _broken(change) -> dict:
    bundle = _ac_bundle()
    change(bundle)
    return bundle


def _set(index: int, key: str, value):
    def change(bundle: dict) -> None:
        bundle["entry"][index]["resource"][key] = value

    return change


MALFORMED = {
    "not a bundle": ({"resourceType": "Patient", "id": "p"}, "not_a_bundle", None),
    "a batch": (_broken(lambda b: b.update(type="batch")), "bundle_type", None),
    "no patient": (_broken(lambda b: b["entry"].pop(0)), "patient_count", None),
    "two patients": (_broken(lambda b: b["entry"].append(copy.deepcopy(b["entry"][0]))), "patient_count", None),
    "a dangling reference": (_broken(_set(2, "subject", {"reference": "urn:uuid:nobody"})), "dangling_reference", 2),
    "a missing reference": (_broken(lambda b: b["entry"][2]["resource"].pop("subject")), "invalid_fhir", 2),
    "an impossible date": (_broken(_set(3, "effectiveDateTime", "2026-02-30")), "bad_date", 3),
    "a dose still to come": (_broken(_set(3, "effectiveDateTime", "2027-06-01")), "future_date", 3),
    "an unknown drug": (_ac_bundle(extra=[_unknown_drug()]), "unknown_drug", 10),
    "a made-up resource type": (_broken(lambda b: b["entry"].append({"resource": {"resourceType": "Patientt"}})),
                                "unknown_resource_type", 10),
    "a bad gender code": (_broken(_set(0, "gender", "femme")), "bad_code", 0),
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED, ids=str)
def test_it_refuses_a_malformed_bundle_naming_the_entry_and_changes_nothing(api, case: str):
    body, code, index = MALFORMED[case]
    before = _counts(api)

    answer = _post(api, body)

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "import_refused"
    errors = [i for i in problem["issues"] if i["severity"] == "error"]
    assert code in {i["code"] for i in errors}, errors
    assert index in {i["entry"] for i in errors if i["code"] == code}
    assert all(i["message"].endswith(".") for i in errors)  # a sentence, not a bare code
    assert _counts(api) == before


def test_a_partial_import_leaves_out_only_the_entry_at_fault_when_asked(api):
    bundle = _ac_bundle(extra=[_unknown_drug()])
    before = _counts(api)
    assert _post(api, bundle).status_code == 422
    assert _counts(api) == before

    answer = _post(api, bundle, query="?accept_partial=true")

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["regimen"]["id"] == "ac"
    (unknown,) = [i for i in report["issues"] if i["code"] == "unknown_drug"]
    assert (unknown["entry"], unknown["where"]) == (10, "urn:uuid:odd")
    assert "Unobtainium" in unknown["message"]


def test_importing_the_same_patient_twice_is_refused_and_changes_nothing(api):
    assert _post(api, _ac_bundle()).status_code == 200
    before = _counts(api)

    answer = _post(api, _ac_bundle())

    assert answer.status_code == 422
    assert "course_active" in {i["code"] for i in answer.json()["issues"]}
    assert _counts(api) == before


def test_a_body_that_is_not_json_is_refused_plainly(api):
    before = _counts(api)
    answer = _post(api, None, raw=b'{"resourceType": "Bundle", ')
    assert (answer.status_code, answer.json()["code"]) == (422, "import_refused")
    assert answer.json()["issues"][0]["code"] == "not_json"
    assert _counts(api) == before


def test_an_oversized_bundle_is_refused_before_it_is_read(api):
    api.client.app.state.max_fhir_bytes = 2_000
    before = _counts(api)
    answer = _post(api, _ac_bundle())
    assert (answer.status_code, answer.json()["code"]) == (413, "bundle_too_large")
    assert answer.json()["max_bytes"] == 2_000
    assert _counts(api) == before


def test_a_body_of_another_media_type_is_refused(api):
    answer = _post(api, _ac_bundle(), content_type="text/plain")
    assert (answer.status_code, answer.json()["code"]) == (415, "unsupported_media_type")


def test_the_records_matrix_fixture_still_exports_after_an_import(api):
    """An import into South touches nothing of North's: Ada's export is the same before and after."""
    Records(api)
    before = _export(api, api.world.ada.id).json()
    assert _post(api, _ac_bundle(), clinic="south").status_code == 200
    after = _export(api, api.world.ada.id).json()
    assert [e["fullUrl"] for e in after["entry"]] == [e["fullUrl"] for e in before["entry"]]


def test_an_mrn_on_file_for_someone_born_another_day_is_not_updated(api):
    bundle = _ac_bundle(mrn="N-1")  # Ada's MRN in North; Ada was born 1978-05-02, Jane 1975-06-01
    before = _counts(api)

    answer = _post(api, bundle)

    assert answer.status_code == 422
    problem = answer.json()
    assert problem["partial_possible"] is False
    (mismatch,) = [i for i in problem["issues"] if i["code"] == "mrn_mismatch"]
    assert mismatch["entry"] == 0
    assert "another birth date" in mismatch["message"]
    assert "1978-05-02" not in answer.text  # Ada's birth date is not disclosed
    assert _counts(api) == before
    assert _post(api, bundle, query="?accept_partial=true").status_code == 422  # not a partial matter


def test_a_known_mrn_of_the_same_person_updates_her_record(api):
    bundle = _ac_bundle(mrn="N-2")  # Bea's MRN; her birth date as on file
    bundle["entry"][0]["resource"]["birthDate"] = "1978-05-02"

    answer = _post(api, bundle, role=CO)

    assert answer.status_code == 200, answer.text
    assert answer.json()["patient"] == {"id": str(api.world.bea.id), "mrn": "N-2", "created": False}
    api.session.expire_all()
    bea = api.session.get(Patient, api.world.bea.id)
    assert (bea.family_name, bea.given_name) == ("Doe", "Jane")  # the sending system's name, the edit audited
    edits = api.session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                         AuditEntry.record_id == str(bea.id))).all()  # fmt: skip
    assert edits
