"""The API's common ground: authentication, the schema's address, problem+json errors, security headers."""

from __future__ import annotations

from sqlalchemy import select

from exohair.db.models import AuditEntry
from exohair.domain.access import Role
from exohair.features.audit.service import verify_trail
from personas import NOW

PROBLEM = "application/problem+json"


def test_the_openapi_schema_is_served_at_api_v1(api):
    schema = api.anonymous().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/patients/{patient_id}/plan" in schema.json()["paths"]


def test_no_token_is_401_problem_json(api):
    answer = api.anonymous().get("/api/v1/patients")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "unauthenticated"
    assert answer.headers["www-authenticate"] == "Bearer"
    forged = api.anonymous().get("/api/v1/patients", headers={"Authorization": "Bearer exo_not_a_real_token"})
    assert forged.status_code == 401


def test_validation_errors_name_the_field(api):
    answer = api.as_(Role.COORDINATOR).post("/api/v1/patients", json={"mrn": "X-1", "date_of_birth": "2027-02-30"})
    assert answer.status_code == 422
    body = answer.json()
    assert (body["code"], body["status"]) == ("invalid_request", 422)
    fields = {e["field"] for e in body["errors"]}
    assert "body.date_of_birth" in fields  # an impossible date, named
    assert "body.family_name" in fields  # a missing field, named


def test_every_answer_carries_the_security_headers(api):
    answer = api.as_(Role.CLINICIAN).get(f"/api/v1/patients/{api.world.ada.id}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_a_read_and_a_write_over_http_are_audited_with_who_when_what_and_where(api):
    clinician = api.as_(Role.CLINICIAN)
    patient = api.world.ada
    assert clinician.get(f"/api/v1/patients/{patient.id}").status_code == 200
    edited = clinician.patch(f"/api/v1/patients/{patient.id}", json={"version": patient.version, "hair_type": "wavy"})
    assert edited.status_code == 200
    api.session.expire_all()
    entries = api.session.scalars(
        select(AuditEntry).where(AuditEntry.record_id == str(patient.id)).order_by(AuditEntry.seq.desc()).limit(2)
    ).all()
    update, read = entries
    clinician_id = api.world.users[("North", Role.CLINICIAN)].id
    assert (read.action, read.actor_id, read.source, read.at) == ("read", clinician_id, "testclient", NOW)
    assert (update.action, update.record_type) == ("update", "patient")
    assert update.changes["hair_type"] == [None, "wavy"]
    assert verify_trail(api.session).intact


def test_a_nul_character_is_refused_naming_the_field_on_every_database(api):
    # PostgreSQL cannot store U+0000 in text; without this check the insert failed as a 500.
    coordinator = api.as_(Role.COORDINATOR)
    body = {"mrn": "N-9", "family_name": "Nul\u0000l", "given_name": "Ann", "date_of_birth": "1970-01-01",
            "sex": "female", "cancer_type": "breast"}  # fmt: skip
    answer = coordinator.post("/api/v1/patients", json=body)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["body.family_name"]
    searched = coordinator.get("/api/v1/patients", params={"q": "Ab\u0000le"})
    assert searched.status_code == 422
    assert [e["field"] for e in searched.json()["errors"]] == ["query.q"]
    names = [p["family_name"] for p in coordinator.get("/api/v1/patients").json()["items"]]
    assert "Nul\u0000l" not in names
