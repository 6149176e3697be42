"""Signing in and out, personal tokens, and the login rate limit, over HTTP, for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.accounts.logins import MAX_FAILURES_PER_EMAIL
from personas import NOW

PASSWORD = "correct horse battery staple"
ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER)


@pytest.fixture
def with_password(api):
    """A North clinician with a password (the cast's staff have tokens only)."""
    user = accounts.create_user(
        api.session, api.world.north, email="dr.pw@north.test", display_name="Dr Pw", role="clinician",
        password=PASSWORD, at=NOW,
    )  # fmt: skip
    api.session.commit()
    return user


def _login(api, email: str, password: str = PASSWORD, *, url: str = "/api/v1/auth/login"):
    # The test database holds two clinics, so the sign-in names one (a single-clinic install needs not).
    return api.client.post(url, json={"email": email, "password": password, "clinic": "North"})


def test_every_role_can_read_its_own_account(api):
    for role in ROLES:
        me = api.as_(role).get("/api/v1/me")
        assert me.status_code == 200
        assert me.json()["role"] == role.value
    assert api.as_ada().get("/api/v1/me").json()["patient_id"] == str(api.world.ada.id)


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_it_everywhere(api, with_password):
    answer = _login(api, with_password.email)
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # served over plain http here; see the https test
    assert api.client.get("/api/v1/me").json()["email"] == with_password.email  # the cookie signs requests in
    stolen = api.client.cookies.get("exohair_session")
    assert api.client.post("/api/v1/auth/logout").status_code == 204
    api.client.cookies.set("exohair_session", stolen)  # replayed, as by someone who copied it
    again = api.client.get("/api/v1/me")
    assert again.status_code == 401  # a copied cookie stops working too: the token was revoked


def test_the_cookie_is_secure_over_https(api, with_password):
    answer = _login(api, with_password.email, url="https://testserver/api/v1/auth/login")
    assert answer.status_code == 200
    assert "Secure" in answer.headers["set-cookie"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(api, with_password):
    wrong = _login(api, with_password.email, "not the password at all")
    unknown = _login(api, "nobody@north.test", "not the password at all")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_failed_logins_are_rate_limited_and_audited(api, with_password):
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert _login(api, with_password.email, "guess guess guess").status_code == 401
    limited = _login(api, with_password.email)  # even the right password, once over the limit
    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_attempts"
    assert int(limited.headers["retry-after"]) > 0
    api.session.expire_all()
    failed = api.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(failed) == MAX_FAILURES_PER_EMAIL
    assert all(with_password.email not in str(e.changes) for e in failed)  # the trail names no e-mail


def test_personal_tokens_are_shown_once_listed_without_secret_and_revocable(api):
    clinician = api.as_(Role.CLINICIAN)
    made = clinician.post("/api/v1/me/tokens", json={"name": "lab import", "expires_in_days": 30})
    assert made.status_code == 201
    plain = made.json()["token"]
    listed = clinician.get("/api/v1/me/tokens").json()
    assert any(t["id"] == made.json()["id"] for t in listed)
    assert all("token" not in t for t in listed)
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    assert clinician.delete(f"/api/v1/me/tokens/{made.json()['id']}").status_code == 204
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_nobody_revokes_someone_elses_token(api):
    made = api.as_(Role.CLINICIAN).post("/api/v1/me/tokens", json={"name": "mine"}).json()
    for caller in (api.as_(Role.ADMIN), api.as_ada(), api.as_(Role.CLINICIAN, clinic="south")):
        assert caller.delete(f"/api/v1/me/tokens/{made['id']}").status_code == 404
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 200
