"""Lab results through the service layer: who may record and read them, two clinics, corrections, the trail."""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from exohair.db.models import AuditEntry, LabResult
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import verify_trail
from exohair.features.labs import repository, service
from exohair.features.labs.schemas import LabsChanges, LabsIn
from personas import NOW, World

RECORDERS = {Role.COORDINATOR, Role.CLINICIAN}
READERS = {Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST}


def labs(hours_ago: float = 2, **values: object) -> LabsIn:
    fields = values or {"anc_per_ul": 2100, "platelets_per_ul": 210_000, "hb_g_dl": 12.4}
    return LabsIn.model_validate({"taken_at": NOW - timedelta(hours=hours_ago), **fields})


@pytest.fixture
def world(db_session):
    return World(db_session)


@pytest.fixture
def ada_labs(db_session, world):
    return service.record_labs(db_session, world.actor(Role.CLINICIAN), world.ada.id, labs(), at=NOW)


def _entries_after(session, seq):
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


def _head(session):
    session.commit()
    return session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def test_a_clinician_records_labs_and_lists_them_newest_first(db_session, world):
    clinician = world.actor(Role.CLINICIAN)
    older = service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=48), at=NOW)
    newer = service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=1, inr=1.1), at=NOW)
    service.record_labs(db_session, clinician, world.bea.id, labs(), at=NOW)
    assert newer.entered_by == clinician.user_id
    assert newer.clinic_id == world.north.id
    assert (newer.inr, newer.anc_per_ul) == (1.1, None)
    listed = service.list_labs(db_session, clinician, world.ada.id, at=NOW)
    assert [lab.id for lab in listed] == [newer.id, older.id]
    assert [lab.id for lab in service.list_labs(db_session, clinician, world.ada.id, at=NOW, limit=1, offset=1)] == [
        older.id
    ]
    assert service.get_labs(db_session, clinician, older.id, at=NOW).hb_g_dl == 12.4


@pytest.mark.parametrize("role", list(Role))
def test_who_may_record_and_correct_labs(db_session, world, ada_labs, role):
    actor = world.actor(role)
    if role in RECORDERS:
        recorded = service.record_labs(db_session, actor, world.ada.id, labs(), at=NOW)
        edited = service.edit_labs(
            db_session, actor, recorded.id, LabsChanges(version=recorded.version, hb_g_dl=11.0), at=NOW
        )
        assert edited.hb_g_dl == 11.0
    else:
        with pytest.raises(Forbidden):
            service.record_labs(db_session, actor, world.ada.id, labs(), at=NOW)
        with pytest.raises(Forbidden):
            service.edit_labs(db_session, actor, ada_labs.id, LabsChanges(version=1, hb_g_dl=11.0), at=NOW)


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_labs(db_session, world, ada_labs, role):
    actor = world.actor(role)  # for PATIENT: Ada, on her own chart
    if role in READERS:
        assert [lab.id for lab in service.list_labs(db_session, actor, world.ada.id, at=NOW)] == [ada_labs.id]
        assert service.get_labs(db_session, actor, ada_labs.id, at=NOW).id == ada_labs.id
    else:
        with pytest.raises(Forbidden):
            service.list_labs(db_session, actor, world.ada.id, at=NOW)
        with pytest.raises(Forbidden):
            service.get_labs(db_session, actor, ada_labs.id, at=NOW)


def test_it_refuses_a_role_without_permission_before_looking_the_record_up(db_session, world):
    with pytest.raises(Forbidden):
        service.get_labs(db_session, world.actor(Role.ADMIN), uuid.uuid4(), at=NOW)
    with pytest.raises(Forbidden):
        service.edit_labs(db_session, world.actor(Role.ONCOLOGIST), uuid.uuid4(), LabsChanges(version=1), at=NOW)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST])
def test_another_clinic_cannot_tell_a_lab_result_exists(db_session, world, ada_labs, role):
    outsider = world.actor(role, clinic="south")
    with pytest.raises(NotFound) as existing:
        service.get_labs(db_session, outsider, ada_labs.id, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.get_labs(db_session, outsider, uuid.uuid4(), at=NOW)
    assert (existing.value.code, existing.value.message) == (missing.value.code, missing.value.message)
    assert existing.value.code == "lab_result_not_found"
    with pytest.raises(NotFound):
        service.list_labs(db_session, outsider, world.ada.id, at=NOW)


def test_another_clinic_cannot_correct_or_add_to_a_chart(db_session, world, ada_labs):
    outsider = world.actor(Role.CLINICIAN, clinic="south")
    with pytest.raises(NotFound):
        service.edit_labs(db_session, outsider, ada_labs.id, LabsChanges(version=1, inr=3.0), at=NOW)
    with pytest.raises(NotFound):
        service.record_labs(db_session, outsider, world.ada.id, labs(), at=NOW)
    assert db_session.get(LabResult, ada_labs.id).inr is None


def test_it_refuses_a_sample_taken_in_the_future(db_session, world):
    clinician = world.actor(Role.CLINICIAN)
    with pytest.raises(InvalidInput) as error:
        service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=-0.1), at=NOW)  # 6 min ahead
    assert error.value.code == "taken_in_future"
    # A few minutes of clock drift is not an error.
    service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=-0.05), at=NOW)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"anc_per_ul": 100_001}, "anc_per_ul"),
        ({"anc_per_ul": -1}, "anc_per_ul"),
        ({"anc_per_ul": float("nan")}, "anc_per_ul"),
        ({"platelets_per_ul": 2_000_001}, "platelets_per_ul"),
        ({"hb_g_dl": 120}, "hb_g_dl"),  # g/L typed into a g/dL field
        ({"inr": 0}, "inr"),
        ({"inr": 16}, "inr"),
        ({"taken_at": "2027-03-01T08:00:00", "inr": 1.0}, "taken_at"),  # naive: which time zone?
        ({"inr": 1.0, "crp": 4}, "crp"),
    ],
)
def test_it_refuses_implausible_or_unknown_values_naming_the_field(values, field):
    with pytest.raises(ValidationError) as error:
        LabsIn.model_validate({"taken_at": NOW, **values})
    assert field in {str(part) for e in error.value.errors() for part in e["loc"]}


def test_it_refuses_labs_without_any_value():
    with pytest.raises(ValidationError, match="at least one result"):
        LabsIn(taken_at=NOW)
    with pytest.raises(ValidationError) as error:
        LabsChanges(version=1, taken_at=None)
    assert error.value.errors()[0]["loc"] == ("taken_at",)


def test_a_correction_cannot_remove_the_last_value(db_session, world):
    clinician = world.actor(Role.CLINICIAN)
    lab = service.record_labs(db_session, clinician, world.ada.id, labs(inr=2.1), at=NOW)
    with pytest.raises(InvalidInput) as error:
        service.edit_labs(db_session, clinician, lab.id, LabsChanges(version=lab.version, inr=None), at=NOW)
    assert error.value.code == "no_analytes"
    edited = service.edit_labs(
        db_session, clinician, lab.id, LabsChanges(version=lab.version, inr=None, anc_per_ul=900), at=NOW
    )
    assert (edited.inr, edited.anc_per_ul) == (None, 900)


def test_a_stale_correction_is_refused_and_changes_nothing(db_session, world, ada_labs):
    clinician = world.actor(Role.CLINICIAN)
    seen = ada_labs.version
    service.edit_labs(db_session, clinician, ada_labs.id, LabsChanges(version=seen, anc_per_ul=1800), at=NOW)
    with pytest.raises(Conflict) as error:
        service.edit_labs(db_session, clinician, ada_labs.id, LabsChanges(version=seen, anc_per_ul=400), at=NOW)
    assert error.value.code == "stale_edit"
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(LabResult, ada_labs.id).anc_per_ul == 1800


def test_the_gate_reads_the_latest_sample_drawn_by_then(db_session, world):
    clinician = world.actor(Role.CLINICIAN)
    week_old = service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=24 * 7), at=NOW)
    yesterday = service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=24), at=NOW)
    # Entered last, drawn in between: it counts by when it was drawn, so it does not hide yesterday's.
    service.record_labs(db_session, clinician, world.ada.id, labs(hours_ago=48), at=NOW)
    service.record_labs(db_session, clinician, world.bea.id, labs(hours_ago=1), at=NOW)
    north, ada = world.north.id, world.ada.id
    assert repository.latest_before(db_session, north, ada, NOW).id == yesterday.id
    assert repository.latest_before(db_session, north, ada, NOW - timedelta(days=3)).id == week_old.id
    assert repository.latest_before(db_session, north, ada, yesterday.taken_at).id == yesterday.id  # inclusive
    assert repository.latest_before(db_session, north, ada, NOW - timedelta(days=8)) is None
    assert repository.latest_before(db_session, world.south.id, ada, NOW) is None


def test_every_read_and_write_of_labs_is_audited(db_session, world):
    head = _head(db_session)
    clinician = world.actor(Role.CLINICIAN)
    lab = service.record_labs(db_session, clinician, world.ada.id, labs(inr=1.2), at=NOW)
    service.list_labs(db_session, clinician, world.ada.id, at=NOW)
    service.get_labs(db_session, clinician, lab.id, at=NOW)
    service.edit_labs(db_session, clinician, lab.id, LabsChanges(version=lab.version, inr=1.4), at=NOW)
    db_session.commit()
    entries = _entries_after(db_session, head)
    assert [(e.action, e.record_type) for e in entries] == [
        ("create", "lab_result"),
        ("search", "lab_result"),
        ("read", "lab_result"),
        ("update", "lab_result"),
    ]
    assert all(e.actor_id == clinician.user_id and e.clinic_id == world.north.id for e in entries)
    assert all(e.changes["patient_id"] == str(world.ada.id) for e in entries)
    assert entries[0].record_id == str(lab.id)
    assert entries[0].changes["inr"] == [None, "1.2"]
    assert entries[0].changes["taken_at"] == [None, str(NOW - timedelta(hours=2))]
    assert entries[1].changes["disclosed"] == [str(lab.id)]
    assert entries[3].changes == {"inr": ["1.2", "1.4"], "patient_id": str(world.ada.id)}
    assert verify_trail(db_session).intact


def test_a_refused_request_leaves_no_trace_in_the_trail(db_session, world, ada_labs):
    head = _head(db_session)
    with pytest.raises(NotFound):
        service.get_labs(db_session, world.actor(Role.CLINICIAN, clinic="south"), ada_labs.id, at=NOW)
    with pytest.raises(Forbidden):
        service.list_labs(db_session, world.ada_actor, world.ada.id, at=NOW)
    db_session.commit()
    assert _entries_after(db_session, head) == []


def test_taken_at_is_kept_in_utc_whatever_zone_it_was_entered_in(db_session, world):
    local = (NOW - timedelta(hours=3)).astimezone(ZoneInfo("America/New_York"))
    lab = service.record_labs(
        db_session, world.actor(Role.CLINICIAN), world.ada.id, LabsIn(taken_at=local, anc_per_ul=1600), at=NOW
    )
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(LabResult, lab.id).taken_at == (NOW - timedelta(hours=3)).astimezone(UTC)
