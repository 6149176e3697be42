"""Reading a Bundle for import (interop/fhir), without a database: how drugs are recognised (RxNorm, our code, a
name, a Medication referenced), how references resolve (urn:uuid, Type/id, absolute URLs), and what is skipped."""

from __future__ import annotations

from datetime import date

import pytest

from exohair.domain.import_issues import ImportRefused, Severity
from exohair.interop.fhir import codes
from exohair.interop.fhir.drugs import RXNORM, DrugCatalogue
from exohair.interop.fhir.import_read import read_import
from exohair.knowledge import shipped_knowledge

CATALOGUE = DrugCatalogue.of(shipped_knowledge().agents)
TODAY = date(2027, 3, 1)
PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-01-01",
           "name": [{"family": "Roe", "given": ["Ria"]}]}  # fmt: skip


def _bundle(*resources: dict, full_urls: bool = True) -> dict:
    entries = [{"resource": r} | ({"fullUrl": f"http://ehr.example/fhir/{r['resourceType']}/{r['id']}"}
                                  if full_urls and "id" in r else {}) for r in (PATIENT, *resources)]  # fmt: skip
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _given(ident: str, concept: dict, day: str = "2027-01-04", **extra: object) -> dict:
    return {"resourceType": "MedicationAdministration", "id": ident, "status": "completed",
            "medicationCodeableConcept": concept, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": day,
            "reasonCode": [{"text": "Breast cancer"}], **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("concept", "agent", "via"),
    [
        ({"coding": [{"system": RXNORM, "code": "72962"}]}, "docetaxel", "rxnorm"),
        ({"coding": [{"system": RXNORM, "code": "1734919", "display": "Cyclophosphamide 1000 MG Injection"}]},
         "cyclophosphamide", "rxnorm"),
        ({"coding": [{"system": codes.AGENT, "code": "nab-paclitaxel"}]}, "nab-paclitaxel", "exohair"),
        ({"text": "TAXOTERE 20 mg/mL concentrate"}, "docetaxel", "name"),
        ({"text": "Abraxane (paclitaxel protein-bound) 100 mg"}, "nab-paclitaxel", "name"),
    ],
)  # fmt: skip
def test_a_drug_is_recognised_by_code_or_by_name(concept: dict, agent: str, via: str):
    read = read_import(_bundle(_given("a1", concept)), CATALOGUE, today=TODAY)
    (use,) = read.drugs
    assert (use.agent.agent_id, use.agent.via) == (agent, via)


def test_a_combination_product_is_refused_rather_than_guessed():
    read = read_import(_bundle(_given("a1", {"text": "doxorubicin and cyclophosphamide"})), CATALOGUE, today=TODAY)
    assert read.drugs == ()
    (issue,) = [i for i in read.issues if i.code == "unknown_drug"]
    assert "names several agents" in issue.message


def test_a_medication_referenced_by_the_administration_names_the_drug():
    medication = {"resourceType": "Medication", "id": "m1",
                  "code": {"coding": [{"system": RXNORM, "code": "56946", "display": "paclitaxel"}]}}  # fmt: skip
    given = _given("a1", {}, medicationReference={"reference": "Medication/m1"})
    del given["medicationCodeableConcept"]
    read = read_import(_bundle(medication, given), CATALOGUE, today=TODAY)
    (use,) = read.drugs
    assert use.agent.agent_id == "paclitaxel"
    assert not [i for i in read.issues if i.severity is Severity.ERROR]
    assert 1 not in {i.index for i in read.issues}  # the Medication is used, not reported as unused


def test_references_resolve_by_type_and_id_without_full_urls():
    read = read_import(_bundle(_given("a1", {"coding": [{"system": RXNORM, "code": "3639"}]}), full_urls=False),
                       CATALOGUE, today=TODAY)  # fmt: skip
    assert [d.agent.agent_id for d in read.drugs] == ["doxorubicin"]


def test_a_date_time_with_an_offset_is_the_day_written():
    read = read_import(_bundle(_given("a1", {"coding": [{"system": RXNORM, "code": "3639"}]},
                                      day="2027-01-04T23:30:00-05:00")), CATALOGUE, today=TODAY)  # fmt: skip
    assert read.drugs[0].on == date(2027, 1, 4)


def test_other_resources_and_other_drugs_are_skipped_not_refused():
    encounter = {"resourceType": "Encounter", "id": "e1", "status": "finished",
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}}  # fmt: skip
    statin = _given("a2", {"text": "atorvastatin 40 MG Oral Tablet"})
    statin["reasonCode"] = [{"text": "Hyperlipidemia"}]
    read = read_import(_bundle(encounter, statin), CATALOGUE, today=TODAY)
    skipped = {i.index: i for i in read.issues}
    assert skipped[1].severity is Severity.SKIPPED
    assert "Encounter" in skipped[1].message
    assert skipped[2].severity is Severity.SKIPPED
    assert "atorvastatin" in skipped[2].message


def test_a_bundle_without_entries_has_no_patient():
    with pytest.raises(ImportRefused) as refused:
        read_import({"resourceType": "Bundle", "type": "transaction"}, CATALOGUE, today=TODAY)
    assert refused.value.partial_possible is False
    assert refused.value.issues[0].code == "patient_count"
