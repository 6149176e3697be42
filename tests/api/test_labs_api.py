"""/api/v1 lab results over HTTP: record, list, read, correct; who may; and refusals that reveal nothing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from exohair.domain.access import Role
from personas import NOW

V1 = "/api/v1"


def _labs(**fields: object) -> dict[str, object]:
    values = {"taken_at": (NOW - timedelta(hours=2)).isoformat(), "anc_per_ul": 2100, "platelets_per_ul": 210_000}
    return values | fields


def _recorded(api, patient_id: uuid.UUID) -> dict:
    answer = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{patient_id}/labs", json=_labs())
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_clinician_records_lists_reads_and_corrects_labs(api):
    clinician = api.as_(Role.CLINICIAN)
    lab = _recorded(api, api.world.ada.id)
    assert (lab["version"], lab["patient_id"], lab["anc_per_ul"], lab["hb_g_dl"]) == (
        1,
        str(api.world.ada.id),
        2100,
        None,
    )
    assert datetime.fromisoformat(lab["taken_at"]) == NOW - timedelta(hours=2)
    listed = clinician.get(f"{V1}/patients/{api.world.ada.id}/labs", params={"limit": 10})
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [lab["id"]]
    assert clinician.get(f"{V1}/labs/{lab['id']}").json()["platelets_per_ul"] == 210_000
    corrected = clinician.patch(f"{V1}/labs/{lab['id']}", json={"version": 1, "hb_g_dl": 11.8})
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["version"], corrected.json()["hb_g_dl"]) == (2, 11.8)


def test_a_value_in_the_wrong_unit_is_422_naming_the_field(api):
    # Haemoglobin in g/L (120) instead of g/dL.
    answer = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{api.world.ada.id}/labs", json=_labs(hb_g_dl=120))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.hb_g_dl" in {e["field"] for e in body["errors"]}
    too_many = api.as_(Role.CLINICIAN).get(f"{V1}/patients/{api.world.ada.id}/labs", params={"limit": 201})
    assert too_many.status_code == 422
    assert "query.limit" in {e["field"] for e in too_many.json()["errors"]}


def test_a_researcher_may_not_record_labs(api):
    answer = api.as_(Role.RESEARCHER).post(f"{V1}/patients/{api.world.ada.id}/labs", json=_labs())
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_a_patient_is_refused_labs_alike_for_her_own_another_and_a_missing_record(api):
    lab = _recorded(api, api.world.bea.id)
    ada = api.as_ada()
    own = ada.get(f"{V1}/patients/{api.world.ada.id}/labs")
    other = ada.get(f"{V1}/labs/{lab['id']}")
    missing = ada.get(f"{V1}/labs/{uuid.uuid4()}")
    assert own.status_code == other.status_code == missing.status_code == 403
    assert other.json() == missing.json()
    assert other.json()["code"] == "forbidden"


def test_south_reading_norths_lab_gets_the_answer_of_a_missing_one(api):
    lab = _recorded(api, api.world.ada.id)
    south = api.as_(Role.CLINICIAN, clinic="south")
    theirs, missing = south.get(f"{V1}/labs/{lab['id']}"), south.get(f"{V1}/labs/{uuid.uuid4()}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    chart = south.get(f"{V1}/patients/{api.world.ada.id}/labs")
    no_chart = south.get(f"{V1}/patients/{uuid.uuid4()}/labs")
    assert chart.status_code == no_chart.status_code == 404
    assert chart.json() == no_chart.json()


def test_a_correction_from_an_old_version_is_409_and_changes_nothing(api):
    clinician = api.as_(Role.CLINICIAN)
    lab = _recorded(api, api.world.ada.id)
    assert clinician.patch(f"{V1}/labs/{lab['id']}", json={"version": 1, "anc_per_ul": 1900}).status_code == 200
    stale = clinician.patch(f"{V1}/labs/{lab['id']}", json={"version": 1, "anc_per_ul": 1700})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    assert clinician.get(f"{V1}/labs/{lab['id']}").json()["anc_per_ul"] == 1900
