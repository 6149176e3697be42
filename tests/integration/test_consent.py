"""Consent through the service layer: staff and the patient herself, withdrawal, two clinics, the trail."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from exohair.db.models import AuditEntry, ConsentRecord
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import verify_trail
from exohair.features.consent import repository, service
from exohair.features.consent.schemas import ConsentIn
from personas import NOW, World

RECORDERS = {Role.COORDINATOR, Role.CLINICIAN, Role.PATIENT}
READERS = {Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT}


def consent(scope: str = "treatment", *, days_ago: float = 1, document_version: str = "2027-01") -> ConsentIn:
    return ConsentIn.model_validate(
        {
            "scope": scope,
            "document_version": document_version,
            "signed_by": "Ada Able",
            "signed_at": NOW - timedelta(days=days_ago),
        }
    )


@pytest.fixture
def world(db_session):
    return World(db_session)


@pytest.fixture
def ada_consent(db_session, world):
    return service.record_consent(db_session, world.actor(Role.COORDINATOR), world.ada.id, consent(), at=NOW)


@pytest.fixture
def bea_consent(db_session, world):
    return service.record_consent(db_session, world.actor(Role.COORDINATOR), world.bea.id, consent(), at=NOW)


def _head(session):
    session.commit()
    return session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def _entries_after(session, seq):
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


def test_a_coordinator_records_a_paper_consent_for_each_scope(db_session, world):
    coordinator = world.actor(Role.COORDINATOR)
    treatment = service.record_consent(db_session, coordinator, world.ada.id, consent("treatment", days_ago=3), at=NOW)
    photos = service.record_consent(db_session, coordinator, world.ada.id, consent("photos", days_ago=1), at=NOW)
    assert treatment.recorded_by == coordinator.user_id
    assert treatment.clinic_id == world.north.id
    assert treatment.withdrawn_at is None
    listed = service.list_consents(db_session, coordinator, world.ada.id, at=NOW)
    assert [c.id for c in listed] == [photos.id, treatment.id]  # latest signature first
    assert service.list_consents(db_session, coordinator, world.bea.id, at=NOW) == []


@pytest.mark.parametrize("role", list(Role))
def test_who_may_record_and_withdraw_consent(db_session, world, role):
    actor = world.actor(role)  # for PATIENT: Ada, on her own chart
    if role in RECORDERS:
        recorded = service.record_consent(db_session, actor, world.ada.id, consent("registry"), at=NOW)
        withdrawn = service.withdraw_consent(db_session, actor, recorded.id, recorded.version, at=NOW)
        assert withdrawn.withdrawn_at == NOW
    else:
        with pytest.raises(Forbidden):
            service.record_consent(db_session, actor, world.ada.id, consent(), at=NOW)
        with pytest.raises(Forbidden):
            service.withdraw_consent(db_session, actor, uuid.uuid4(), 1, at=NOW)  # refused before any lookup


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_consents(db_session, world, ada_consent, role):
    actor = world.actor(role)
    if role in READERS:
        assert [c.id for c in service.list_consents(db_session, actor, world.ada.id, at=NOW)] == [ada_consent.id]
    else:
        with pytest.raises(Forbidden):
            service.list_consents(db_session, actor, world.ada.id, at=NOW)


def test_a_patient_signs_in_the_portal_for_herself_only(db_session, world):
    mine = service.record_consent(db_session, world.ada_actor, world.ada.id, consent("photos"), at=NOW)
    assert mine.recorded_by == world.ada_user.id
    with pytest.raises(NotFound) as other:
        service.record_consent(db_session, world.ada_actor, world.bea.id, consent("photos"), at=NOW)
    with pytest.raises(NotFound) as missing:
        service.record_consent(db_session, world.ada_actor, uuid.uuid4(), consent("photos"), at=NOW)
    assert (other.value.code, other.value.message) == (missing.value.code, missing.value.message)
    assert db_session.scalar(select(func.count()).select_from(ConsentRecord)) == 1


def test_a_patient_cannot_read_or_withdraw_another_patients_consent(db_session, world, bea_consent):
    with pytest.raises(NotFound):
        service.list_consents(db_session, world.ada_actor, world.bea.id, at=NOW)
    with pytest.raises(NotFound) as other:
        service.withdraw_consent(db_session, world.ada_actor, bea_consent.id, bea_consent.version, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.withdraw_consent(db_session, world.ada_actor, uuid.uuid4(), 1, at=NOW)
    assert (other.value.code, other.value.message) == (missing.value.code, missing.value.message)
    assert other.value.code == "consent_not_found"
    assert bea_consent.withdrawn_at is None
    # Bea herself may.
    service.withdraw_consent(db_session, world.bea_actor, bea_consent.id, bea_consent.version, at=NOW)
    assert bea_consent.withdrawn_at == NOW


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST])
def test_another_clinic_cannot_tell_a_consent_exists(db_session, world, ada_consent, role):
    outsider = world.actor(role, clinic="south")
    with pytest.raises(NotFound):
        service.list_consents(db_session, outsider, world.ada.id, at=NOW)
    if role is Role.ONCOLOGIST:
        return  # no RECORD_CONSENT, refused before any lookup
    with pytest.raises(NotFound) as existing:
        service.withdraw_consent(db_session, outsider, ada_consent.id, ada_consent.version, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.withdraw_consent(db_session, outsider, uuid.uuid4(), 1, at=NOW)
    assert (existing.value.code, existing.value.message) == (missing.value.code, missing.value.message)
    with pytest.raises(NotFound):
        service.record_consent(db_session, outsider, world.ada.id, consent(), at=NOW)
    assert ada_consent.withdrawn_at is None


def test_withdrawing_twice_is_a_conflict(db_session, world, ada_consent):
    coordinator = world.actor(Role.COORDINATOR)
    service.withdraw_consent(db_session, coordinator, ada_consent.id, ada_consent.version, at=NOW)
    later = NOW + timedelta(days=1)
    with pytest.raises(Conflict) as error:
        service.withdraw_consent(db_session, coordinator, ada_consent.id, ada_consent.version, at=later)
    assert error.value.code == "consent_withdrawn"
    assert ada_consent.withdrawn_at == NOW


def test_a_stale_withdrawal_is_refused_and_changes_nothing(db_session, world, ada_consent):
    seen = ada_consent.version
    ada_consent.signed_by = "Ada Able (by her daughter)"  # someone corrected the record meanwhile
    db_session.commit()
    with pytest.raises(Conflict) as error:
        service.withdraw_consent(db_session, world.actor(Role.CLINICIAN), ada_consent.id, seen, at=NOW)
    assert error.value.code == "stale_edit"
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(ConsentRecord, ada_consent.id).withdrawn_at is None


def test_it_refuses_a_signature_in_the_future(db_session, world):
    with pytest.raises(InvalidInput) as error:
        service.record_consent(db_session, world.actor(Role.COORDINATOR), world.ada.id, consent(days_ago=-1), at=NOW)
    assert error.value.code == "signed_in_future"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scope": "marketing"}, "scope"),
        ({"document_version": ""}, "document_version"),
        ({"document_version": "v" * 41}, "document_version"),
        ({"signed_by": "   "}, "signed_by"),  # stripped to nothing
        ({"signed_at": "2027-02-28T10:00:00"}, "signed_at"),  # naive: which time zone?
        ({"withdrawn_at": "2027-02-28T10:00:00Z"}, "withdrawn_at"),  # withdrawal is its own step
    ],
)
def test_it_refuses_invalid_consent_naming_the_field(changes, field):
    values = {"scope": "treatment", "document_version": "2027-01", "signed_by": "Ada Able", "signed_at": NOW}
    with pytest.raises(ValidationError) as error:
        ConsentIn.model_validate(values | changes)
    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_the_gate_reads_the_latest_signature_of_a_scope_withdrawn_or_not(db_session, world):
    coordinator = world.actor(Role.COORDINATOR)
    old = service.record_consent(db_session, coordinator, world.ada.id, consent(days_ago=30), at=NOW)
    new = service.record_consent(db_session, coordinator, world.ada.id, consent(days_ago=2), at=NOW)
    service.record_consent(db_session, coordinator, world.ada.id, consent("photos", days_ago=1), at=NOW)
    assert repository.latest(db_session, world.north.id, world.ada.id, "treatment").id == new.id
    service.withdraw_consent(db_session, coordinator, new.id, new.version, at=NOW)
    latest = repository.latest(db_session, world.north.id, world.ada.id, "treatment")
    assert latest.id == new.id  # not the older one, which her withdrawal superseded
    assert latest.withdrawn_at is not None
    assert old.withdrawn_at is None
    assert repository.latest(db_session, world.north.id, world.ada.id, "registry") is None
    assert repository.latest(db_session, world.south.id, world.ada.id, "treatment") is None


def test_every_read_and_write_of_consent_is_audited(db_session, world):
    head = _head(db_session)
    ada = world.ada_actor
    recorded = service.record_consent(db_session, ada, world.ada.id, consent("registry"), at=NOW)
    service.list_consents(db_session, ada, world.ada.id, at=NOW)
    service.withdraw_consent(db_session, ada, recorded.id, recorded.version, at=NOW)
    db_session.commit()
    entries = _entries_after(db_session, head)
    assert [(e.action, e.record_type, e.record_id) for e in entries] == [
        ("create", "consent", str(recorded.id)),
        ("search", "consent", None),
        ("withdraw", "consent", str(recorded.id)),
    ]
    assert all(e.actor_id == world.ada_user.id and e.changes["patient_id"] == str(world.ada.id) for e in entries)
    assert entries[0].changes["scope"] == [None, "registry"]
    assert entries[0].changes["document_version"] == [None, "2027-01"]
    assert entries[1].changes["disclosed"] == [str(recorded.id)]
    assert entries[2].changes["withdrawn_at"] == [None, str(NOW)]
    assert verify_trail(db_session).intact


def test_a_refused_request_leaves_no_trace_in_the_trail(db_session, world, bea_consent):
    head = _head(db_session)
    with pytest.raises(NotFound):
        service.list_consents(db_session, world.ada_actor, world.bea.id, at=NOW)
    with pytest.raises(NotFound):
        service.withdraw_consent(db_session, world.ada_actor, bea_consent.id, bea_consent.version, at=NOW)
    db_session.commit()
    assert _entries_after(db_session, head) == []
