"""Oncologist clearance through the service layer: request, sign, decline, revoke, the inbox, and the trail."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from exohair.db.models import AuditEntry, Clearance
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import verify_trail
from exohair.features.clearances import repository, service
from exohair.features.clearances.schemas import ClearanceDecline, ClearanceRevoke, ClearanceSign
from personas import NOW, World

REQUESTERS = {Role.COORDINATOR, Role.CLINICIAN}
READERS = {Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST}
TODAY = NOW.date()  # the cast's clinics keep UTC


def sign(clearance: Clearance, **fields: object) -> ClearanceSign:
    values = {"version": clearance.version, "signed_on": TODAY, "expires_on": TODAY + timedelta(days=180)}
    return ClearanceSign.model_validate(values | fields)


@pytest.fixture
def world(db_session):
    return World(db_session)


@pytest.fixture
def requested(db_session, world):
    return service.request_clearance(db_session, world.actor(Role.COORDINATOR), world.ada.id, at=NOW)


@pytest.fixture
def oncologist(world):
    return world.actor(Role.ONCOLOGIST)


def _head(session):
    session.commit()
    return session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def _entries_after(session, seq):
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


def test_the_clinic_requests_and_the_oncologist_signs_with_conditions(db_session, world, oncologist):
    coordinator = world.actor(Role.COORDINATOR)
    clearance = service.request_clearance(db_session, coordinator, world.ada.id, at=NOW, note="AC-T from 1 April")
    assert (clearance.status, clearance.requested_by, clearance.requested_at) == ("requested", coordinator.user_id, NOW)
    assert service.pending_clearances(db_session, oncologist, at=NOW) == [clearance]
    later = NOW + timedelta(hours=3)
    signed = service.sign_clearance(
        db_session, oncologist, clearance.id, sign(clearance, conditions="Not within 7 days of an infusion"), at=later
    )
    assert signed.status == "signed"
    assert (signed.oncologist_id, signed.decided_at) == (oncologist.user_id, later)
    assert (signed.signed_on, signed.expires_on) == (TODAY, TODAY + timedelta(days=180))
    assert signed.conditions == "Not within 7 days of an infusion"
    assert service.pending_clearances(db_session, oncologist, at=later) == []
    assert repository.current(db_session, world.north.id, world.ada.id) == signed
    assert service.list_clearances(db_session, coordinator, world.ada.id, at=later) == [signed]


def test_the_oncologist_declines_with_a_reason_and_the_clinic_may_ask_again(db_session, world, requested, oncologist):
    declined = service.decline_clearance(
        db_session,
        oncologist,
        requested.id,
        ClearanceDecline(version=requested.version, reason="Scalp metastases"),
        at=NOW,
    )
    assert (declined.status, declined.decline_reason, declined.oncologist_id) == (
        "declined",
        "Scalp metastases",
        oncologist.user_id,
    )
    assert declined.decided_at == NOW
    assert repository.current(db_session, world.north.id, world.ada.id) is None  # a decline clears nothing
    again = service.request_clearance(db_session, world.actor(Role.CLINICIAN), world.ada.id, at=NOW)
    assert again.status == "requested"


@pytest.mark.parametrize("role", list(Role))
def test_who_may_request_a_clearance(db_session, world, role):
    actor = world.actor(role)
    if role in REQUESTERS:
        assert service.request_clearance(db_session, actor, world.ada.id, at=NOW).status == "requested"
    else:
        with pytest.raises(Forbidden):
            service.request_clearance(db_session, actor, world.ada.id, at=NOW)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_oncologist_decides(db_session, world, requested, role):
    actor = world.actor(role)
    if role is Role.ONCOLOGIST:
        assert service.pending_clearances(db_session, actor, at=NOW) == [requested]
        service.sign_clearance(db_session, actor, requested.id, sign(requested), at=NOW)
        revoke = ClearanceRevoke(version=requested.version, revoked_on=TODAY, reason="Regimen changed")
        assert service.revoke_clearance(db_session, actor, requested.id, revoke, at=NOW).status == "revoked"
        return
    # Refused before any lookup: an existing id and a made-up one get the same answer.
    for clearance_id in (requested.id, uuid.uuid4()):
        with pytest.raises(Forbidden):
            service.sign_clearance(db_session, actor, clearance_id, sign(requested), at=NOW)
        with pytest.raises(Forbidden):
            service.decline_clearance(db_session, actor, clearance_id, ClearanceDecline(version=1, reason="x"), at=NOW)
        with pytest.raises(Forbidden):
            service.revoke_clearance(
                db_session, actor, clearance_id, ClearanceRevoke(version=1, revoked_on=TODAY, reason="x"), at=NOW
            )
    with pytest.raises(Forbidden):
        service.pending_clearances(db_session, actor, at=NOW)
    assert requested.status == "requested"


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_clearances(db_session, world, requested, role):
    actor = world.actor(role)  # for PATIENT: Ada, on her own chart
    if role in READERS:
        assert service.list_clearances(db_session, actor, world.ada.id, at=NOW) == [requested]
    else:
        with pytest.raises(Forbidden):
            service.list_clearances(db_session, actor, world.ada.id, at=NOW)


def test_it_refuses_a_second_request_while_one_is_pending(db_session, world, requested):
    with pytest.raises(Conflict) as error:
        service.request_clearance(db_session, world.actor(Role.CLINICIAN), world.ada.id, at=NOW)
    assert error.value.code == "clearance_pending"
    service.request_clearance(db_session, world.actor(Role.CLINICIAN), world.bea.id, at=NOW)  # another patient


def test_it_refuses_to_decide_a_clearance_twice(db_session, requested, oncologist):
    service.sign_clearance(db_session, oncologist, requested.id, sign(requested), at=NOW)
    with pytest.raises(Conflict) as signed_again:
        service.sign_clearance(db_session, oncologist, requested.id, sign(requested), at=NOW)
    with pytest.raises(Conflict) as declined_after:
        service.decline_clearance(
            db_session, oncologist, requested.id, ClearanceDecline(version=requested.version, reason="No"), at=NOW
        )
    assert signed_again.value.code == declined_after.value.code == "clearance_not_pending"
    assert requested.status == "signed"


def test_it_revokes_only_a_signed_clearance(db_session, world, requested, oncologist):
    def revoke(clearance):
        data = ClearanceRevoke(version=clearance.version, revoked_on=TODAY, reason="Radiotherapy added")
        return service.revoke_clearance(db_session, oncologist, clearance.id, data, at=NOW)

    with pytest.raises(Conflict) as pending:
        revoke(requested)
    assert pending.value.code == "clearance_not_signed"
    service.decline_clearance(
        db_session, oncologist, requested.id, ClearanceDecline(version=requested.version, reason="No"), at=NOW
    )
    with pytest.raises(Conflict):
        revoke(requested)
    signed = service.request_clearance(db_session, world.actor(Role.COORDINATOR), world.ada.id, at=NOW)
    service.sign_clearance(db_session, oncologist, signed.id, sign(signed), at=NOW)
    revoked = revoke(signed)
    assert (revoked.status, revoked.revoked_on, revoked.revoked_by) == ("revoked", TODAY, oncologist.user_id)
    assert revoked.revoke_reason == "Radiotherapy added"
    with pytest.raises(Conflict):
        revoke(revoked)


def test_a_revocation_cannot_predate_the_signature(db_session, requested, oncologist):
    service.sign_clearance(db_session, oncologist, requested.id, sign(requested), at=NOW)
    data = ClearanceRevoke(version=requested.version, revoked_on=TODAY - timedelta(days=1), reason="Mistake")
    with pytest.raises(InvalidInput) as error:
        service.revoke_clearance(db_session, oncologist, requested.id, data, at=NOW)
    assert error.value.code == "revoked_before_signed"
    assert requested.status == "signed"


def test_it_refuses_a_signature_dated_after_today(db_session, requested, oncologist):
    data = sign(requested, signed_on=TODAY + timedelta(days=1), expires_on=None)
    with pytest.raises(InvalidInput) as error:
        service.sign_clearance(db_session, oncologist, requested.id, data, at=NOW)
    assert error.value.code == "signed_in_future"
    assert requested.status == "requested"


def test_the_gate_reads_the_latest_decision_and_a_revocation_is_not_skipped(db_session, world, oncologist):
    coordinator = world.actor(Role.COORDINATOR)
    first = service.request_clearance(db_session, coordinator, world.ada.id, at=NOW - timedelta(days=90))
    service.sign_clearance(
        db_session, oncologist, first.id, sign(first, signed_on=TODAY - timedelta(days=89)), at=NOW - timedelta(days=89)
    )
    renewal = service.request_clearance(db_session, coordinator, world.ada.id, at=NOW - timedelta(days=2))
    service.sign_clearance(
        db_session, oncologist, renewal.id, sign(renewal, signed_on=TODAY - timedelta(days=1)), at=NOW
    )
    assert repository.current(db_session, world.north.id, world.ada.id) == renewal
    revoke = ClearanceRevoke(version=renewal.version, revoked_on=TODAY, reason="Cycle 3 moved to dose-dense")
    service.revoke_clearance(db_session, oncologist, renewal.id, revoke, at=NOW)
    current = repository.current(db_session, world.north.id, world.ada.id)
    assert current == renewal  # the revoked one, not the older signature it replaced
    assert current.status == "revoked"
    # A later request that is still open, or declined, changes nothing the gate reads.
    open_request = service.request_clearance(db_session, coordinator, world.ada.id, at=NOW)
    service.decline_clearance(
        db_session, oncologist, open_request.id, ClearanceDecline(version=1, reason="Wait for cycle 4"), at=NOW
    )
    assert repository.current(db_session, world.north.id, world.ada.id) == renewal
    assert repository.current(db_session, world.north.id, world.bea.id) is None
    assert repository.current(db_session, world.south.id, world.ada.id) is None


def test_a_stale_decision_is_refused_and_changes_nothing(db_session, requested, oncologist):
    seen = requested.version
    requested.conditions = "edited meanwhile"  # another oncologist touched the record
    db_session.commit()
    with pytest.raises(Conflict) as error:
        service.sign_clearance(db_session, oncologist, requested.id, sign(requested, version=seen), at=NOW)
    assert error.value.code == "stale_edit"
    db_session.commit()
    db_session.expire_all()
    on_file = db_session.get(Clearance, requested.id)
    assert (on_file.status, on_file.oncologist_id, on_file.signed_on) == ("requested", None, None)


def test_another_clinic_cannot_tell_a_clearance_exists(db_session, world, requested):
    outsider = world.actor(Role.ONCOLOGIST, clinic="south")
    assert service.pending_clearances(db_session, outsider, at=NOW) == []
    with pytest.raises(NotFound) as existing:
        service.sign_clearance(db_session, outsider, requested.id, sign(requested), at=NOW)
    with pytest.raises(NotFound) as missing:
        service.sign_clearance(db_session, outsider, uuid.uuid4(), sign(requested), at=NOW)
    assert (existing.value.code, existing.value.message) == (missing.value.code, missing.value.message)
    assert existing.value.code == "clearance_not_found"
    with pytest.raises(NotFound):
        service.list_clearances(db_session, outsider, world.ada.id, at=NOW)
    with pytest.raises(NotFound):
        service.request_clearance(db_session, world.actor(Role.COORDINATOR, clinic="south"), world.ada.id, at=NOW)
    assert requested.status == "requested"


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [
        (ClearanceSign, {"version": 1, "signed_on": "2027-03-01", "expires_on": "2027-03-01"}, "expires_on"),
        (ClearanceSign, {"version": 1, "signed_on": "2027-03-01", "expires_on": "2027-02-01"}, "expires_on"),
        (ClearanceSign, {"version": 0, "signed_on": "2027-03-01"}, "version"),
        (ClearanceSign, {"version": 1, "signed_on": "2027-03-01", "conditions": "x" * 2001}, "conditions"),
        (ClearanceSign, {"version": 1, "signed_on": "2027-03-01", "status": "signed"}, "status"),
        (ClearanceDecline, {"version": 1, "reason": "   "}, "reason"),
        (ClearanceDecline, {"version": 1}, "reason"),
        (ClearanceRevoke, {"version": 1, "revoked_on": "2027-03-01"}, "reason"),
        (ClearanceRevoke, {"version": 1, "reason": "Regimen changed"}, "revoked_on"),
    ],
)
def test_it_refuses_invalid_decisions_naming_the_field(model, values, field):
    with pytest.raises(ValidationError) as error:
        model.model_validate(values)
    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_blank_conditions_mean_none():
    assert ClearanceSign(version=1, signed_on=date(2027, 3, 1), conditions="  ").conditions is None


def test_it_refuses_an_overlong_note(db_session, world):
    with pytest.raises(InvalidInput) as error:
        service.request_clearance(db_session, world.actor(Role.COORDINATOR), world.ada.id, at=NOW, note="x" * 2001)
    assert error.value.code == "note_too_long"


def test_every_step_is_audited(db_session, world, oncologist):
    head = _head(db_session)
    coordinator = world.actor(Role.COORDINATOR)
    ada = service.request_clearance(db_session, coordinator, world.ada.id, at=NOW, note="Starts AC-T 1 April")
    bea = service.request_clearance(db_session, coordinator, world.bea.id, at=NOW + timedelta(minutes=1))
    service.pending_clearances(db_session, oncologist, at=NOW)
    service.sign_clearance(db_session, oncologist, ada.id, sign(ada), at=NOW)
    service.decline_clearance(
        db_session, oncologist, bea.id, ClearanceDecline(version=1, reason="Platelets low"), at=NOW
    )
    revoke = ClearanceRevoke(version=ada.version, revoked_on=TODAY, reason="Regimen changed")
    service.revoke_clearance(db_session, oncologist, ada.id, revoke, at=NOW)
    service.list_clearances(db_session, coordinator, world.ada.id, at=NOW)
    db_session.commit()
    entries = _entries_after(db_session, head)
    assert [(e.action, e.record_id) for e in entries] == [
        ("create", str(ada.id)),
        ("create", str(bea.id)),
        ("search", None),
        ("sign", str(ada.id)),
        ("decline", str(bea.id)),
        ("revoke", str(ada.id)),
        ("search", None),
    ]
    assert {e.record_type for e in entries} == {"clearance"}
    assert [e.actor_id for e in entries] == [coordinator.user_id] * 2 + [oncologist.user_id] * 4 + [coordinator.user_id]
    assert entries[0].changes == {
        "status": [None, "requested"],
        "request_note": [None, "Starts AC-T 1 April"],
        "patient_id": str(world.ada.id),
    }
    assert entries[2].changes == {"disclosed": [str(world.ada.id), str(world.bea.id)]}  # the inbox names patients
    assert entries[3].changes["status"] == ["requested", "signed"]
    assert entries[3].changes["oncologist_id"] == [None, str(oncologist.user_id)]
    assert entries[3].changes["patient_id"] == str(world.ada.id)
    assert entries[4].changes["decline_reason"] == [None, "Platelets low"]
    assert entries[5].changes["status"] == ["signed", "revoked"]
    assert entries[5].changes["revoked_on"] == [None, str(TODAY)]
    assert entries[6].changes == {"disclosed": [str(ada.id)], "patient_id": str(world.ada.id)}
    assert verify_trail(db_session).intact


def test_a_refused_request_leaves_no_trace_in_the_trail(db_session, world, requested):
    head = _head(db_session)
    with pytest.raises(NotFound):
        service.sign_clearance(
            db_session, world.actor(Role.ONCOLOGIST, clinic="south"), requested.id, sign(requested), at=NOW
        )
    with pytest.raises(Forbidden):
        service.pending_clearances(db_session, world.actor(Role.CLINICIAN), at=NOW)
    db_session.commit()
    assert _entries_after(db_session, head) == []
