"""The clinic's bulk FHIR export over the API (`GET /fhir/export`): NDJSON of every patient of the caller's clinic
and no other, the same resources the command line's `exohair fhir export --all` writes, sent a page of patients at
a time with each lot listed once, one audit entry per patient, and refused to the roles that only read charts."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from test_authorization_matrix import Records, _perform

from exohair.db.models import AuditEntry
from exohair.domain.access import Role
from exohair.features.fhir import bulk
from exohair.features.fhir.service import operator_bulk
from exohair.knowledge import shipped_knowledge
from personas import NOW

CO, CL, ON = Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST
URL = "/api/v1/fhir/export"


def _both_treated(api) -> Records:
    """Ada's and Bea's charts as the matrix makes them, each with a session performed from the same lot."""
    records = Records(api)
    for chart in (records.ada, records.bea):
        performed = api.as_(CL).post(f"/api/v1/sessions/{chart.session_id}/perform", json=_perform(records, chart))
        assert performed.status_code == 200, performed.text
    return records


def _lines(answer) -> list[dict]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/fhir+ndjson"
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.text == "" or answer.text.endswith("\n")
    return [json.loads(line) for line in answer.text.splitlines()]


def _exports(api) -> list[AuditEntry]:
    api.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.record_type == "patient")
    return list(api.session.scalars(query.order_by(AuditEntry.seq)))


def test_the_export_is_every_patient_of_my_clinic_as_ndjson_and_what_the_command_line_writes(api):
    _both_treated(api)
    resources = _lines(api.as_(CO).get(URL))
    patients = {r["id"] for r in resources if r["resourceType"] == "Patient"}
    assert patients == {str(api.world.ada.id), str(api.world.bea.id)}, "North's patients, and not South's Cal"
    assert {r["resourceType"] for r in resources} <= set(bulk.RESOURCE_TYPES)
    assert len({(r["resourceType"], r["id"]) for r in resources}) == len(resources), "no resource twice"
    by_type = operator_bulk(api.session, api.world.north.id, shipped_knowledge(), at=NOW)
    api.session.rollback()  # the command line's audit entries: this was only for comparing
    expected = [r for kind in bulk.RESOURCE_TYPES for r in by_type.get(kind, [])]
    assert sorted(map(json.dumps, resources)) == sorted(map(json.dumps, expected))
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})  # each resource valid


def test_pages_of_patients_give_the_same_export_and_list_a_shared_lot_once(api, monkeypatch):
    _both_treated(api)
    whole = _lines(api.as_(CO).get(URL))
    monkeypatch.setattr(bulk, "PAGE_PATIENTS", 1)
    paged = _lines(api.as_(CO).get(URL))
    assert sorted(map(json.dumps, paged)) == sorted(map(json.dumps, whole))
    assert Counter(r["resourceType"] for r in paged)["Medication"] == 1  # both treated from lot M-1


def test_south_exports_only_south(api):
    _both_treated(api)
    resources = _lines(api.as_(CO, clinic="south").get(URL))
    assert [r["id"] for r in resources if r["resourceType"] == "Patient"] == [str(api.world.cal.id)]
    assert not any(str(api.world.ada.id) in json.dumps(r) for r in resources)


def test_each_patient_sent_is_one_audit_entry_counting_what_went_out_and_naming_no_one_else(api):
    _both_treated(api)
    before = len(_exports(api))
    resources = _lines(api.as_(CL).get(URL))
    entries = _exports(api)[before:]
    assert sorted(e.record_id for e in entries) == sorted([str(api.world.ada.id), str(api.world.bea.id)])
    sent = Counter(r["resourceType"] for r in resources)
    counted: Counter[str] = Counter()
    for entry in entries:
        assert entry.actor_id == api.world.users[("North", CL)].id
        assert entry.changes["format"] == "FHIR R4"
        assert "Able" not in json.dumps(entry.changes)  # counts, not the records themselves
        counted.update(entry.changes["resources"])
    assert counted == sent


def test_some_resource_types_only_with_type(api):
    _both_treated(api)
    resources = _lines(api.as_(CO).get(URL, params={"_type": "Patient, Consent"}))
    assert {r["resourceType"] for r in resources} == {"Patient", "Consent"}
    refused = api.as_(CO).get(URL, params={"_type": "Patient,Encounter"})
    assert (refused.status_code, refused.json()["code"]) == (422, "unknown_resource_type")
    assert "Encounter" in refused.json()["detail"]


@pytest.mark.parametrize("role", [ON, Role.RESEARCHER, Role.ADMIN, Role.PATIENT])
def test_the_roles_that_do_not_keep_the_records_may_not_export_the_clinic(api, role):
    before = len(_exports(api))
    answer = api.as_(role).get(URL)
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert len(_exports(api)) == before


def test_nothing_of_the_types_asked_is_an_empty_answer(api):
    assert _lines(api.as_(CO, clinic="south").get(URL, params={"_type": "Media"})) == []
