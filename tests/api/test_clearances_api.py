"""/api/v1 oncologist clearance over HTTP: request, the inbox, sign, decline, revoke; refusals and stale decisions."""

from __future__ import annotations

import uuid
from datetime import timedelta

from exohair.domain.access import Role
from personas import NOW

V1 = "/api/v1"
TODAY = NOW.date()  # the cast's clinics keep UTC


def _requested(api, patient_id: uuid.UUID) -> dict:
    answer = api.as_(Role.COORDINATOR).post(
        f"{V1}/patients/{patient_id}/clearances", json={"note": "AC-T from 15 March"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _sign(version: int = 1, **fields: object) -> dict[str, object]:
    values = {
        "version": version,
        "signed_on": TODAY.isoformat(),
        "expires_on": (TODAY + timedelta(days=180)).isoformat(),
    }
    return values | fields


def test_the_clinic_requests_and_the_oncologist_signs_then_revokes(api):
    clearance = _requested(api, api.world.ada.id)
    assert (clearance["status"], clearance["version"]) == ("requested", 1)
    assert clearance["requested_by"] == str(api.world.users[("North", Role.COORDINATOR)].id)
    oncologist = api.as_(Role.ONCOLOGIST)
    inbox = oncologist.get(f"{V1}/clearances/pending")  # "pending" is a route, not an id
    assert inbox.status_code == 200
    assert [c["id"] for c in inbox.json()] == [clearance["id"]]
    signed = oncologist.post(
        f"{V1}/clearances/{clearance['id']}/sign", json=_sign(conditions="Not within 7 days of an infusion")
    )
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert (body["status"], body["version"], body["signed_on"]) == ("signed", 2, TODAY.isoformat())
    assert body["oncologist_id"] == str(api.world.users[("North", Role.ONCOLOGIST)].id)
    assert oncologist.get(f"{V1}/clearances/pending").json() == []
    revoked = oncologist.post(
        f"{V1}/clearances/{clearance['id']}/revoke",
        json={"version": 2, "revoked_on": TODAY.isoformat(), "reason": "Cycle 2 moved; reassess"},
    )
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["revoked_on"]) == ("revoked", TODAY.isoformat())
    listed = api.as_(Role.CLINICIAN).get(f"{V1}/patients/{api.world.ada.id}/clearances")
    assert [(c["id"], c["status"]) for c in listed.json()] == [(clearance["id"], "revoked")]


def test_a_request_without_a_body_and_a_decline(api):
    requested = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{api.world.bea.id}/clearances")
    assert requested.status_code == 201, requested.text
    again = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{api.world.bea.id}/clearances", json={})
    assert (again.status_code, again.json()["code"]) == (409, "clearance_pending")
    declined = api.as_(Role.ONCOLOGIST).post(
        f"{V1}/clearances/{requested.json()['id']}/decline",
        json={"version": 1, "reason": "Neutropenic; reassess in May"},
    )
    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined",
        "Neutropenic; reassess in May",
    )


def test_an_expiry_before_the_signature_is_422_naming_the_field(api):
    clearance = _requested(api, api.world.ada.id)
    answer = api.as_(Role.ONCOLOGIST).post(
        f"{V1}/clearances/{clearance['id']}/sign", json=_sign(expires_on=(TODAY - timedelta(days=1)).isoformat())
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.expires_on" in {e["field"] for e in body["errors"]}


def test_only_the_oncologist_decides_and_reads_the_inbox(api):
    clearance = _requested(api, api.world.ada.id)
    for refused in (
        api.as_(Role.CLINICIAN).post(f"{V1}/clearances/{clearance['id']}/sign", json=_sign()),
        api.as_(Role.COORDINATOR).get(f"{V1}/clearances/pending"),
        api.as_(Role.ONCOLOGIST).post(f"{V1}/patients/{api.world.ada.id}/clearances", json={}),
    ):
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"


def test_a_patient_is_refused_clearances_alike_for_her_own_and_another(api):
    _requested(api, api.world.bea.id)
    ada = api.as_ada()
    own = ada.get(f"{V1}/patients/{api.world.ada.id}/clearances")
    other = ada.get(f"{V1}/patients/{api.world.bea.id}/clearances")
    missing = ada.get(f"{V1}/patients/{uuid.uuid4()}/clearances")
    assert own.status_code == other.status_code == missing.status_code == 403
    assert other.json() == missing.json()


def test_south_deciding_or_reading_norths_clearance_gets_the_answer_of_a_missing_one(api):
    clearance = _requested(api, api.world.ada.id)
    south = api.as_(Role.ONCOLOGIST, clinic="south")
    theirs = south.post(f"{V1}/clearances/{clearance['id']}/sign", json=_sign())
    missing = south.post(f"{V1}/clearances/{uuid.uuid4()}/sign", json=_sign())
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    chart, no_chart = (
        south.get(f"{V1}/patients/{api.world.ada.id}/clearances"),
        south.get(f"{V1}/patients/{uuid.uuid4()}/clearances"),
    )
    assert chart.status_code == no_chart.status_code == 404
    assert chart.json() == no_chart.json()
    assert south.get(f"{V1}/clearances/pending").json() == []


def test_revoking_from_the_version_seen_before_the_signature_is_409(api):
    clearance = _requested(api, api.world.ada.id)
    oncologist = api.as_(Role.ONCOLOGIST)
    assert oncologist.post(f"{V1}/clearances/{clearance['id']}/sign", json=_sign()).status_code == 200
    stale = oncologist.post(
        f"{V1}/clearances/{clearance['id']}/revoke", json={"version": 1, "revoked_on": TODAY.isoformat(), "reason": "x"}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    listed = oncologist.get(f"{V1}/patients/{api.world.ada.id}/clearances").json()
    assert (listed[0]["status"], listed[0]["version"]) == ("signed", 2)
