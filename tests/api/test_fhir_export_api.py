"""The FHIR export through the API: a valid R4 Bundle holding the whole episode, every reference resolved inside it,
the codes ours or HL7's, photos only with photo consent, the chemotherapy given only on days that have passed, and
one audit entry per export naming what went out."""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from test_authorization_matrix import Records, _perform

from exohair.db.models import AuditEntry, ConsentRecord
from exohair.domain.access import Role
from exohair.features.consent import service as consents
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.interop.fhir import codes
from exohair.knowledge import shipped_knowledge
from personas import NOW

CO, CL, ON = Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST
HL7 = ("http://terminology.hl7.org/CodeSystem/", "http://loinc.org", "http://unitsofmeasure.org")


def _episode(api):
    """Ada's records as the matrix makes them, plus a performed session, an assessment and a questionnaire."""
    records = Records(api)
    chart = records.ada
    performed = api.as_(CL).post(f"/api/v1/sessions/{chart.session_id}/perform", json=_perform(records, chart))
    assert performed.status_code == 200, performed.text
    assessment = {"assessed_on": NOW.date().isoformat(), "ctcae_grade": 1, "dean_score": 2, "distress": 4,
                  "head_cover": "sometimes", "measurements": [{"site": "vertex", "density_per_cm2": 182.5,
                                                               "diameter_um": 61}]}  # fmt: skip
    assert api.as_(CL).post(f"/api/v1/patients/{chart.patient_id}/assessments", json=assessment).status_code == 201
    answered = {"instrument_id": "hair-loss-rating", "answers": {"hair-lost": 30}}
    assert (
        api.as_(CL).post(f"/api/v1/patients/{chart.patient_id}/questionnaire-responses", json=answered).status_code
        == 201
    )
    return records, chart


def _export(api, patient_id, role: Role = CL):
    answer = api.as_(role).get(f"/api/v1/patients/{patient_id}/$everything")
    assert answer.status_code == 200, answer.text
    return answer


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_export_is_a_valid_r4_bundle_of_the_whole_episode(api):
    _records, chart = _episode(api)
    answer = _export(api, chart.patient_id)
    assert answer.headers["content-type"].startswith("application/fhir+json")
    assert answer.headers["cache-control"] == "private, no-store"
    bundle = answer.json()
    Bundle.model_validate(bundle)  # an independent check of the whole document, beside the export's own
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds >= {"Patient", "Condition", "MedicationRequest", "CarePlan", "Procedure", "Medication",
                     "Observation", "AdverseEvent", "Consent", "QuestionnaireResponse", "Media"}  # fmt: skip
    (patient,) = _resources(bundle, "Patient")
    assert (patient["name"][0]["family"], patient["gender"]) == ("Able", "female")
    (procedure,) = _resources(bundle, "Procedure")
    (lot,) = _resources(bundle, "Medication")
    assert procedure["usedReference"] == [{"reference": f"urn:uuid:{lot['id']}"}]
    assert lot["batch"] == {"lotNumber": "M-1", "expirationDate": "2028-01-01"}
    assert "clinician override" in " ".join(n["text"] for n in procedure["note"])
    (care_plan,) = _resources(bundle, "CarePlan")
    assert "Investigational" in care_plan["description"]
    completed = [a for a in care_plan["activity"] if a["detail"]["status"] == "completed"]
    assert completed[0]["outcomeReference"] == [{"reference": f"urn:uuid:{procedure['id']}"}]
    measures = {o["code"]["coding"][0]["code"]: o for o in _resources(bundle, "Observation")}
    assert measures["dean-score"]["valueInteger"] == 2
    density = {"value": 182.5, "unit": "hairs/cm2", "system": "http://unitsofmeasure.org", "code": "/cm2"}
    assert measures["hair-density"]["valueQuantity"] == density
    assert measures["hair-density"]["bodySite"]["text"] == "vertex"
    (event,) = _resources(bundle, "AdverseEvent")
    assert event["extension"] == [{"url": codes.CTCAE_GRADE, "valueInteger": 1}]
    scopes = {c["scope"]["coding"][0]["code"] for c in _resources(bundle, "Consent")}
    assert scopes == {"research", "patient-privacy"}
    (response,) = _resources(bundle, "QuestionnaireResponse")
    assert response["item"] == [{"linkId": "hair-lost", "answer": [{"valueInteger": 30}]}]


def test_every_reference_resolves_inside_the_bundle_and_every_code_is_documented(api):
    _records, chart = _episode(api)
    bundle = _export(api, chart.patient_id).json()
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])  # no resource twice
    references, systems = [], []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                references.append(node["reference"])
            if isinstance(node.get("system"), str) and "code" in node:
                systems.append((node["system"], node["code"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    assert references
    assert set(references) <= full_urls
    for system, code in systems:
        assert system.startswith(HL7) or system.startswith(codes.BASE), system
        if system == codes.HAIR_OBSERVATION:
            assert code in codes.OBSERVATIONS


def test_a_photo_leaves_only_while_photo_consent_stands(api):
    _records, chart = _episode(api)
    (media,) = _resources(_export(api, chart.patient_id).json(), "Media")
    assert api.as_(CL).get(media["content"]["url"]).status_code == 200  # the link fetches the image
    photo_consent = api.session.scalars(
        select(ConsentRecord).where(ConsentRecord.patient_id == chart.patient_id, ConsentRecord.scope == "photos")
    ).one()
    consents.withdraw_consent(api.session, api.world.actor(CO), photo_consent.id, photo_consent.version, at=NOW)
    api.session.commit()
    bundle = _export(api, chart.patient_id).json()
    assert _resources(bundle, "Media") == []
    assert {
        c["status"] for c in _resources(bundle, "Consent") if c["scope"]["coding"][0]["code"] == "patient-privacy"
    } == {"inactive"}


def test_chemotherapy_is_given_only_on_days_that_have_passed(api):
    data = CourseIn(regimen="tc", first_infusion=date(2027, 1, 4), protocol="regrowth-only")
    courses.start_course(api.session, api.world.actor(CO), api.world.bea.id, data, shipped_knowledge(), at=NOW)
    api.session.commit()
    bundle = _export(api, api.world.bea.id, role=ON).json()
    requests = _resources(bundle, "MedicationRequest")
    assert {r["medicationCodeableConcept"]["coding"][0]["code"] for r in requests} == {"docetaxel", "cyclophosphamide"}
    assert all(r["reportedBoolean"] is True for r in requests)
    given = _resources(bundle, "MedicationAdministration")
    days = sorted({a["effectiveDateTime"] for a in given})
    assert days == ["2027-01-04", "2027-01-25", "2027-02-15"]  # every 21 days, up to NOW (1 March): three cycles
    assert len(given) == 6  # two agents each day
    assert {a["request"]["reference"] for a in given} == {f"urn:uuid:{r['id']}" for r in requests}


def test_each_export_is_one_audit_entry_counting_what_went_out(api):
    _records, chart = _episode(api)
    _export(api, chart.patient_id)
    api.session.expire_all()
    entry = api.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.record_id == str(chart.patient_id))
    ).one()
    assert entry.changes["format"] == "FHIR R4"
    assert entry.changes["resources"]["Patient"] == 1
    assert entry.changes["resources"]["Media"] == 1
