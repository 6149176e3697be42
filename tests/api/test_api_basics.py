"""The API's common ground: authentication, the schema's address, problem+json errors, security headers."""

from __future__ import annotations

from exohair.domain.access import Role

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
