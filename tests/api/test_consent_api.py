"""/api/v1 consent over HTTP: a patient signs for herself, staff record paper consent, withdrawal, refusals."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from exohair.domain.access import Role
from personas import NOW

V1 = "/api/v1"


def _consent(**fields: object) -> dict[str, object]:
    values = {
        "scope": "treatment",
        "document_version": "2027-01",
        "signed_by": "Ada Able",
        "signed_at": (NOW - timedelta(days=1)).isoformat(),
    }
    return values | fields


def _recorded(api, patient_id: uuid.UUID, **fields: object) -> dict:
    answer = api.as_(Role.COORDINATOR).post(f"{V1}/patients/{patient_id}/consents", json=_consent(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_patient_signs_her_consent_and_withdraws_it(api):
    ada = api.as_ada()
    signed = ada.post(f"{V1}/patients/{api.world.ada.id}/consents", json=_consent(scope="photos"))
    assert signed.status_code == 201, signed.text
    consent = signed.json()
    assert (consent["scope"], consent["version"], consent["withdrawn_at"]) == ("photos", 1, None)
    assert consent["recorded_by"] == str(api.world.ada_user.id)
    listed = api.as_(Role.CLINICIAN).get(f"{V1}/patients/{api.world.ada.id}/consents")
    assert [c["id"] for c in listed.json()] == [consent["id"]]
    withdrawn = ada.post(f"{V1}/consents/{consent['id']}/withdraw", json={"version": 1})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["version"] == 2
    assert datetime.fromisoformat(withdrawn.json()["withdrawn_at"]) == NOW
    again = ada.post(f"{V1}/consents/{consent['id']}/withdraw", json={"version": 2})
    assert (again.status_code, again.json()["code"]) == (409, "consent_withdrawn")


def test_an_unknown_scope_is_422_naming_the_field(api):
    answer = api.as_(Role.COORDINATOR).post(f"{V1}/patients/{api.world.ada.id}/consents", json=_consent(scope="hair"))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.scope" in {e["field"] for e in body["errors"]}


def test_an_oncologist_reads_consent_but_may_not_record_it(api):
    _recorded(api, api.world.ada.id)
    oncologist = api.as_(Role.ONCOLOGIST)
    assert oncologist.get(f"{V1}/patients/{api.world.ada.id}/consents").status_code == 200
    answer = oncologist.post(f"{V1}/patients/{api.world.ada.id}/consents", json=_consent())
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_a_patient_reading_another_patients_consent_gets_the_answer_of_a_missing_one(api):
    beas = _recorded(api, api.world.bea.id, signed_by="Bea Baker")
    ada = api.as_ada()
    other, missing = (
        ada.get(f"{V1}/patients/{api.world.bea.id}/consents"),
        ada.get(f"{V1}/patients/{uuid.uuid4()}/consents"),
    )
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    withdraw_other = ada.post(f"{V1}/consents/{beas['id']}/withdraw", json={"version": 1})
    withdraw_missing = ada.post(f"{V1}/consents/{uuid.uuid4()}/withdraw", json={"version": 1})
    assert withdraw_other.status_code == withdraw_missing.status_code == 404
    assert withdraw_other.json() == withdraw_missing.json()


def test_south_reading_norths_consent_gets_the_answer_of_a_missing_one(api):
    norths = _recorded(api, api.world.ada.id)
    south = api.as_(Role.COORDINATOR, clinic="south")
    chart, no_chart = (
        south.get(f"{V1}/patients/{api.world.ada.id}/consents"),
        south.get(f"{V1}/patients/{uuid.uuid4()}/consents"),
    )
    assert chart.status_code == no_chart.status_code == 404
    assert chart.json() == no_chart.json()
    theirs = south.post(f"{V1}/consents/{norths['id']}/withdraw", json={"version": 1})
    missing = south.post(f"{V1}/consents/{uuid.uuid4()}/withdraw", json={"version": 1})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_withdrawal_naming_a_version_not_on_file_is_409_and_withdraws_nothing(api):
    consent = _recorded(api, api.world.ada.id)
    coordinator = api.as_(Role.COORDINATOR)
    stale = coordinator.post(f"{V1}/consents/{consent['id']}/withdraw", json={"version": 2})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    listed = coordinator.get(f"{V1}/patients/{api.world.ada.id}/consents").json()
    assert (listed[0]["version"], listed[0]["withdrawn_at"]) == (1, None)
