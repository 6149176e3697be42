"""/api/v1 adverse events over HTTP: report, follow up, list; only a clinician reports; refusals reveal nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

from exohair.domain.access import Role
from personas import NOW

V1 = "/api/v1"
TODAY = NOW.date()  # the cast's clinics keep UTC


def _event(**fields: object) -> dict[str, object]:
    values = {
        "onset_on": (TODAY - timedelta(days=1)).isoformat(),
        "ctcae_term": "Scalp pain",
        "grade": 1,
        "relatedness": "possible",
        "serious": False,
    }
    return values | fields


def _reported(api, patient_id: uuid.UUID, **fields: object) -> dict:
    answer = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{patient_id}/adverse-events", json=_event(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_clinician_reports_lists_and_follows_up_an_event(api):
    event = _reported(api, api.world.ada.id, notes="Tender for a day")
    assert (event["ctcae_term"], event["grade"], event["serious"], event["version"]) == ("Scalp pain", 1, False, 1)
    assert (event["session_id"], event["product_lot_id"], event["resolved_on"]) == (None, None, None)
    assert event["reported_by"] == str(api.world.users[("North", Role.CLINICIAN)].id)
    severe = _reported(api, api.world.ada.id, grade=4, onset_on=TODAY.isoformat())
    assert severe["serious"] is True  # grade 4 is serious whatever the reporter ticked
    listed = api.as_(Role.ONCOLOGIST).get(f"{V1}/patients/{api.world.ada.id}/adverse-events")
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()] == [severe["id"], event["id"]]  # latest onset first
    resolved = api.as_(Role.CLINICIAN).patch(
        f"{V1}/adverse-events/{event['id']}", json={"version": 1, "resolved_on": TODAY.isoformat()}
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["resolved_on"], resolved.json()["version"]) == (TODAY.isoformat(), 2)


def test_a_grade_off_the_ctcae_scale_is_422_naming_the_field(api):
    answer = api.as_(Role.CLINICIAN).post(f"{V1}/patients/{api.world.ada.id}/adverse-events", json=_event(grade=6))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.grade" in {e["field"] for e in body["errors"]}


def test_a_coordinator_may_read_but_not_report_an_event(api):
    coordinator = api.as_(Role.COORDINATOR)
    assert coordinator.get(f"{V1}/patients/{api.world.ada.id}/adverse-events").status_code == 200
    answer = coordinator.post(f"{V1}/patients/{api.world.ada.id}/adverse-events", json=_event())
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_a_patient_is_refused_events_alike_for_her_own_and_another(api):
    _reported(api, api.world.bea.id)
    ada = api.as_ada()
    own = ada.get(f"{V1}/patients/{api.world.ada.id}/adverse-events")
    other = ada.get(f"{V1}/patients/{api.world.bea.id}/adverse-events")
    missing = ada.get(f"{V1}/patients/{uuid.uuid4()}/adverse-events")
    assert own.status_code == other.status_code == missing.status_code == 403
    assert other.json() == missing.json()


def test_south_reading_or_editing_norths_event_gets_the_answer_of_a_missing_one(api):
    event = _reported(api, api.world.ada.id)
    south = api.as_(Role.CLINICIAN, clinic="south")
    theirs = south.patch(f"{V1}/adverse-events/{event['id']}", json={"version": 1, "grade": 2})
    missing = south.patch(f"{V1}/adverse-events/{uuid.uuid4()}", json={"version": 1, "grade": 2})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    chart = south.get(f"{V1}/patients/{api.world.ada.id}/adverse-events")
    no_chart = south.get(f"{V1}/patients/{uuid.uuid4()}/adverse-events")
    assert chart.status_code == no_chart.status_code == 404
    assert chart.json() == no_chart.json()


def test_a_follow_up_from_an_old_version_is_409_and_changes_nothing(api):
    event = _reported(api, api.world.ada.id)
    clinician = api.as_(Role.CLINICIAN)
    assert clinician.patch(f"{V1}/adverse-events/{event['id']}", json={"version": 1, "grade": 2}).status_code == 200
    stale = clinician.patch(f"{V1}/adverse-events/{event['id']}", json={"version": 1, "grade": 3})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    listed = clinician.get(f"{V1}/patients/{api.world.ada.id}/adverse-events").json()
    assert (listed[0]["grade"], listed[0]["version"]) == (2, 2)
