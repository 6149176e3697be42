"""Accounts and API tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from exohair.db.models import ApiToken, AuditEntry, User
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.accounts import service
from exohair.features.audit.service import verify_trail
from factories import patient_row

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def session(db_session):
    return db_session


@pytest.fixture
def clinic(session):
    return service.create_clinic(session, "North", at=NOW, timezone="Europe/London")


def _patient(session, clinic, mrn="MRN-1"):
    patient = patient_row(clinic.id, mrn)
    session.add(patient)
    session.flush()
    return patient


def test_a_password_is_stored_as_argon2id_and_checked(session, clinic):
    user = service.create_user(
        session, clinic, email="Ada@North.org", display_name="Dr Ada", role="clinician", at=NOW, password=PASSWORD
    )
    assert user.email == "ada@north.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert service.authenticate_password(session, clinic, "ADA@north.org", PASSWORD, at=NOW) == user
    assert service.authenticate_password(session, clinic, "ada@north.org", PASSWORD + "!", at=NOW) is None
    assert service.authenticate_password(session, clinic, "nobody@north.org", PASSWORD, at=NOW) is None


def test_it_refuses_a_second_account_for_the_same_email_in_any_case(session, clinic):
    service.create_user(session, clinic, email="ada@north.org", display_name="", role="admin", at=NOW)
    with pytest.raises(Conflict, match="already has an account"):
        service.create_user(session, clinic, email="ADA@north.org", display_name="", role="admin", at=NOW)


def test_the_same_email_may_hold_accounts_at_two_clinics(session, clinic):
    south = service.create_clinic(session, "South", at=NOW)
    north_ada = service.create_user(session, clinic, email="ada@north.org", display_name="", role="admin", at=NOW)
    south_ada = service.create_user(session, south, email="ada@north.org", display_name="", role="admin", at=NOW)
    assert north_ada.id != south_ada.id
    assert service.find_user(session, south, "ada@north.org") == south_ada


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"email": "not-an-email"}, "bad_email"),
        ({"role": "surgeon"}, "bad_role"),
        ({"password": "short"}, "weak_password"),
        ({"role": "patient"}, "patient_link"),
    ],
)
def test_it_refuses_bad_account_details_with_a_reason(session, clinic, changes, code):
    values = {"email": "ada@north.org", "display_name": "", "role": "clinician", "at": NOW} | changes
    with pytest.raises(InvalidInput) as error:
        service.create_user(session, clinic, **values)
    assert error.value.code == code


def test_a_patient_account_is_tied_to_a_patient_of_its_own_clinic(session, clinic):
    south = service.create_clinic(session, "South", at=NOW)
    theirs = _patient(session, south)
    with pytest.raises(NotFound):
        service.create_user(
            session, clinic, email="p@north.org", display_name="", role="patient", at=NOW, patient_id=theirs.id
        )
    mine = _patient(session, clinic, "MRN-2")
    user = service.create_user(
        session, clinic, email="p@north.org", display_name="", role="patient", at=NOW, patient_id=mine.id
    )
    assert user.patient_id == mine.id


def test_a_token_is_shown_once_stored_hashed_and_authenticates(session, clinic):
    user = service.create_user(session, clinic, email="api@north.org", display_name="", role="coordinator", at=NOW)
    token, plain = service.create_token(session, user, "laptop", at=NOW)
    assert plain.startswith("exo_")
    assert len(plain) > 40
    stored = session.execute(select(ApiToken.token_hash, ApiToken.prefix, ApiToken.name)).one()
    assert plain not in stored.token_hash
    assert stored.prefix == plain[:12]
    assert service.authenticate_token(session, plain, at=NOW + timedelta(hours=1)) == user
    assert token.last_used_at == NOW + timedelta(hours=1)
    assert service.authenticate_token(session, plain + "x", at=NOW) is None


def test_revoked_and_expired_tokens_and_inactive_users_are_refused(session, clinic):
    user = service.create_user(session, clinic, email="api@north.org", display_name="", role="coordinator", at=NOW)
    _, revoked = service.create_token(session, user, "old", at=NOW)
    service.revoke_token(session, clinic, revoked[:12], at=NOW)
    assert service.authenticate_token(session, revoked, at=NOW) is None
    _, expiring = service.create_token(session, user, "short", at=NOW, expires_at=NOW + timedelta(days=1))
    assert service.authenticate_token(session, expiring, at=NOW) == user
    assert service.authenticate_token(session, expiring, at=NOW + timedelta(days=1)) is None
    _, live = service.create_token(session, user, "live", at=NOW)
    user.active = False
    assert service.authenticate_token(session, live, at=NOW) is None


def test_account_changes_are_audited_without_secrets(session, clinic):
    user = service.create_user(
        session, clinic, email="ada@north.org", display_name="", role="clinician", at=NOW, password=PASSWORD
    )
    _, plain = service.create_token(session, user, "laptop", at=NOW)
    service.revoke_token(session, clinic, plain[:12], at=NOW)
    session.commit()  # entries are linked into the chain and written when the transaction commits
    actions = session.execute(select(AuditEntry.record_type, AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert [tuple(a) for a in actions] == [
        ("clinic", "create"),
        ("user", "create"),
        ("api_token", "create"),
        ("api_token", "revoke"),
    ]
    dumped = " ".join(str(row) for row in session.execute(text("SELECT * FROM audit_entries")).all())
    assert PASSWORD not in dumped
    assert plain not in dumped
    assert user.password_hash not in dumped
    assert verify_trail(session).intact


def test_the_only_clinic_is_chosen_and_several_must_be_named(session, clinic):
    assert service.choose_clinic(session, None) == clinic
    service.create_clinic(session, "South", at=NOW)
    with pytest.raises(InvalidInput, match="several clinics"):
        service.choose_clinic(session, None)
    assert service.choose_clinic(session, "south").name == "South"


def test_users_of_one_clinic_are_not_found_from_another(session, clinic):
    south = service.create_clinic(session, "South", at=NOW)
    service.create_user(session, clinic, email="ada@north.org", display_name="", role="admin", at=NOW)
    with pytest.raises(NotFound):
        service.find_user(session, south, "ada@north.org")
    assert session.scalars(select(User)).one().clinic_id == clinic.id
