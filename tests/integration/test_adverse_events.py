"""Adverse events through the service layer: reporting, tracing to the session and lot, follow-up, the trail."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from exohair.db.models import AdverseEvent, AuditEntry, ChemoCourse, ProductLot, TherapySession
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.adverse_events import repository, service
from exohair.features.adverse_events.schemas import AdverseEventChanges, AdverseEventIn
from exohair.features.audit.service import verify_trail
from personas import NOW, World

READERS = {Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST}
TODAY = NOW.date()  # the cast's clinics keep UTC
SESSION_DAY = TODAY - timedelta(days=3)


def event(**fields: object) -> AdverseEventIn:
    values = {
        "onset_on": TODAY - timedelta(days=1),
        "ctcae_term": "Injection site reaction",
        "grade": 1,
        "relatedness": "probable",
        "serious": False,
    }
    return AdverseEventIn.model_validate(values | fields)


def _lot(clinic_id: uuid.UUID, number: str) -> ProductLot:
    return ProductLot(
        clinic_id=clinic_id,
        product="Exo-Scalp 10",
        source_cells="adipose-derived MSC",
        manufacturer="Example Biologics",
        lot_number=number,
        expires_on=date(2027, 12, 31),
        regulatory_reference="IRB-2026-114",
        stock_on_hand=10,
    )


def _performed_session(session, clinic_id: uuid.UUID, patient_id: uuid.UUID, lot: ProductLot) -> TherapySession:
    """A priming session three days ago, in a plausible AC-T course starting next week."""
    course = ChemoCourse(
        clinic_id=clinic_id,
        patient_id=patient_id,
        regimen_id="ac-t",
        first_infusion=date(2027, 3, 8),
        end_of_chemo=date(2027, 8, 30),
        last_cytotoxic_infusion=date(2027, 8, 16),
    )
    session.add(course)
    session.flush()
    therapy = TherapySession(
        clinic_id=clinic_id,
        patient_id=patient_id,
        course_id=course.id,
        key="priming-1",
        kind="priming",
        label="Priming 1",
        planned_on=SESSION_DAY,
        status="performed",
        performed_on=SESSION_DAY,
        product_lot_id=lot.id,
        dose_ml=2.0,
    )
    session.add(therapy)
    session.flush()
    return therapy


class Stock:
    """What events point to: two lots in North and one in South, and a performed session for Ada and for Bea."""

    def __init__(self, session, world: World) -> None:
        self.lot = _lot(world.north.id, "L-001")
        self.other_lot = _lot(world.north.id, "L-002")
        self.south_lot = _lot(world.south.id, "S-001")
        session.add_all([self.lot, self.other_lot, self.south_lot])
        session.flush()
        self.ada_session = _performed_session(session, world.north.id, world.ada.id, self.lot)
        self.bea_session = _performed_session(session, world.north.id, world.bea.id, self.lot)


@pytest.fixture
def world(db_session):
    return World(db_session)


@pytest.fixture
def stock(db_session, world):
    return Stock(db_session, world)


@pytest.fixture
def clinician(world):
    return world.actor(Role.CLINICIAN)


@pytest.fixture
def reported(db_session, world, stock, clinician):
    data = event(session_id=stock.ada_session.id)
    return service.report_adverse_event(db_session, clinician, world.ada.id, data, at=NOW)


def _head(session):
    session.commit()
    return session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def _entries_after(session, seq):
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


def test_an_event_linked_to_a_session_is_traced_to_its_lot(db_session, world, stock, reported, clinician):
    assert reported.product_lot_id == stock.lot.id  # taken from the session
    assert reported.session_id == stock.ada_session.id
    assert (reported.reported_by, reported.clinic_id, reported.serious) == (clinician.user_id, world.north.id, False)
    alone = service.report_adverse_event(
        db_session, clinician, world.ada.id, event(ctcae_term="Headache", relatedness="unlikely"), at=NOW
    )
    assert (alone.session_id, alone.product_lot_id) == (None, None)
    by_lot = service.report_adverse_event(
        db_session, clinician, world.bea.id, event(product_lot_id=stock.other_lot.id, onset_on=TODAY), at=NOW
    )
    assert repository.for_lot(db_session, world.north.id, stock.lot.id) == [reported]
    assert repository.for_lot(db_session, world.north.id, stock.other_lot.id) == [by_lot]
    assert repository.for_lot(db_session, world.south.id, stock.lot.id) == []
    listed = service.list_adverse_events(db_session, clinician, world.ada.id, at=NOW)
    assert {e.id for e in listed} == {reported.id, alone.id}


def test_the_list_puts_the_latest_onset_first(db_session, world, clinician):
    older = service.report_adverse_event(
        db_session, clinician, world.ada.id, event(onset_on=TODAY - timedelta(days=20)), at=NOW
    )
    newer = service.report_adverse_event(db_session, clinician, world.ada.id, event(onset_on=TODAY), at=NOW)
    assert service.list_adverse_events(db_session, clinician, world.ada.id, at=NOW) == [newer, older]
    assert service.list_adverse_events(db_session, clinician, world.ada.id, at=NOW, limit=1, offset=1) == [older]


@pytest.mark.parametrize("role", list(Role))
def test_only_a_clinician_reports_and_follows_up(db_session, world, reported, role):
    actor = world.actor(role)
    if role is Role.CLINICIAN:
        service.report_adverse_event(db_session, actor, world.bea.id, event(), at=NOW)
        changes = AdverseEventChanges(version=reported.version, resolved_on=TODAY)
        assert service.edit_adverse_event(db_session, actor, reported.id, changes, at=NOW).resolved_on == TODAY
        return
    with pytest.raises(Forbidden):
        service.report_adverse_event(db_session, actor, world.ada.id, event(), at=NOW)
    for event_id in (reported.id, uuid.uuid4()):  # refused before any lookup
        with pytest.raises(Forbidden):
            service.edit_adverse_event(db_session, actor, event_id, AdverseEventChanges(version=1, grade=2), at=NOW)
    assert reported.grade == 1


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_adverse_events(db_session, world, reported, role):
    actor = world.actor(role)  # for PATIENT: Ada, on her own chart
    if role in READERS:
        assert service.list_adverse_events(db_session, actor, world.ada.id, at=NOW) == [reported]
    else:
        with pytest.raises(Forbidden):
            service.list_adverse_events(db_session, actor, world.ada.id, at=NOW)


@pytest.mark.parametrize(
    ("grade", "ticked", "serious"),
    [(1, False, False), (3, False, False), (3, True, True), (4, False, True), (5, False, True)],
)
def test_grade_4_and_5_are_always_serious(db_session, world, clinician, grade, ticked, serious):
    data = event(grade=grade, serious=ticked)
    assert service.report_adverse_event(db_session, clinician, world.ada.id, data, at=NOW).serious is serious


def test_an_event_regraded_to_life_threatening_becomes_serious(db_session, reported, clinician):
    changes = AdverseEventChanges(version=reported.version, grade=4, serious=False)
    assert service.edit_adverse_event(db_session, clinician, reported.id, changes, at=NOW).serious is True


def test_it_refuses_a_session_of_another_patient_or_none_at_all(db_session, world, stock, clinician):
    with pytest.raises(NotFound) as other:
        service.report_adverse_event(
            db_session, clinician, world.ada.id, event(session_id=stock.bea_session.id), at=NOW
        )
    with pytest.raises(NotFound) as missing:
        service.report_adverse_event(db_session, clinician, world.ada.id, event(session_id=uuid.uuid4()), at=NOW)
    assert (other.value.code, other.value.message) == (missing.value.code, missing.value.message)
    assert other.value.code == "session_not_found"


def test_it_refuses_a_lot_of_another_clinic_or_none_at_all(db_session, world, stock, clinician):
    with pytest.raises(NotFound) as other:
        service.report_adverse_event(
            db_session, clinician, world.ada.id, event(product_lot_id=stock.south_lot.id), at=NOW
        )
    with pytest.raises(NotFound) as missing:
        service.report_adverse_event(db_session, clinician, world.ada.id, event(product_lot_id=uuid.uuid4()), at=NOW)
    assert (other.value.code, other.value.message) == (missing.value.code, missing.value.message)
    assert other.value.code == "product_lot_not_found"
    assert db_session.scalar(select(func.count()).select_from(AdverseEvent)) == 0


def test_it_refuses_a_lot_the_session_did_not_use(db_session, world, stock, clinician):
    data = event(session_id=stock.ada_session.id, product_lot_id=stock.other_lot.id)
    with pytest.raises(InvalidInput) as error:
        service.report_adverse_event(db_session, clinician, world.ada.id, data, at=NOW)
    assert error.value.code == "product_lot_mismatch"
    same = event(session_id=stock.ada_session.id, product_lot_id=stock.lot.id)
    assert (
        service.report_adverse_event(db_session, clinician, world.ada.id, same, at=NOW).product_lot_id == stock.lot.id
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"onset_on": TODAY + timedelta(days=1)}, "onset_in_future"),
        ({"resolved_on": TODAY + timedelta(days=1)}, "resolved_in_future"),
        ({"onset_on": SESSION_DAY - timedelta(days=1), "link": True}, "onset_before_session"),
    ],
)
def test_it_refuses_impossible_dates(db_session, world, stock, clinician, fields, code):
    fields = dict(fields)  # the parameter is shared by the SQLite and PostgreSQL runs
    if fields.pop("link", False):
        fields["session_id"] = stock.ada_session.id
    with pytest.raises(InvalidInput) as error:
        service.report_adverse_event(db_session, clinician, world.ada.id, event(**fields), at=NOW)
    assert error.value.code == code


def test_a_follow_up_cannot_resolve_an_event_before_it_began(db_session, reported, clinician):
    changes = AdverseEventChanges(version=reported.version, resolved_on=reported.onset_on - timedelta(days=1))
    with pytest.raises(InvalidInput) as error:
        service.edit_adverse_event(db_session, clinician, reported.id, changes, at=NOW)
    assert error.value.code == "resolved_before_onset"
    moved = AdverseEventChanges(version=reported.version, onset_on=SESSION_DAY - timedelta(days=1))
    with pytest.raises(InvalidInput) as error:
        service.edit_adverse_event(db_session, clinician, reported.id, moved, at=NOW)
    assert error.value.code == "onset_before_session"
    assert reported.resolved_on is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"grade": 0}, "grade"),
        ({"grade": 6}, "grade"),
        ({"relatedness": "maybe"}, "relatedness"),
        ({"ctcae_term": "  "}, "ctcae_term"),
        ({"ctcae_term": "x" * 201}, "ctcae_term"),
        ({"onset_on": "2027-02-10", "resolved_on": "2027-02-09"}, "resolved_on"),
        ({"session_id": "not-a-uuid"}, "session_id"),
        ({"notes": "x" * 4001}, "notes"),
        ({"reported_by": str(uuid.uuid4())}, "reported_by"),
    ],
)
def test_it_refuses_invalid_reports_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as error:
        event(**fields)
    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_it_asks_whether_the_event_is_serious_rather_than_assuming():
    with pytest.raises(ValidationError) as error:
        AdverseEventIn(onset_on=TODAY, ctcae_term="Alopecia", grade=1, relatedness="unrelated")
    assert [e["loc"] for e in error.value.errors()] == [("serious",)]


@pytest.mark.parametrize("field", ["onset_on", "ctcae_term", "grade", "relatedness", "serious"])
def test_a_follow_up_cannot_erase_a_required_fact(field):
    with pytest.raises(ValidationError) as error:
        AdverseEventChanges.model_validate({"version": 1, field: None})
    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_a_stale_follow_up_is_refused_and_changes_nothing(db_session, reported, clinician):
    seen = reported.version
    service.edit_adverse_event(db_session, clinician, reported.id, AdverseEventChanges(version=seen, grade=2), at=NOW)
    with pytest.raises(Conflict) as error:
        service.edit_adverse_event(
            db_session, clinician, reported.id, AdverseEventChanges(version=seen, notes="resolved"), at=NOW
        )
    assert error.value.code == "stale_edit"
    db_session.commit()
    db_session.expire_all()
    on_file = db_session.get(AdverseEvent, reported.id)
    assert (on_file.grade, on_file.notes) == (2, None)


def test_another_clinic_cannot_tell_an_event_exists(db_session, world, reported):
    outsider = world.actor(Role.CLINICIAN, clinic="south")
    changes = AdverseEventChanges(version=reported.version, grade=3)
    with pytest.raises(NotFound) as existing:
        service.edit_adverse_event(db_session, outsider, reported.id, changes, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.edit_adverse_event(db_session, outsider, uuid.uuid4(), changes, at=NOW)
    assert (existing.value.code, existing.value.message) == (missing.value.code, missing.value.message)
    assert existing.value.code == "adverse_event_not_found"
    with pytest.raises(NotFound):
        service.list_adverse_events(db_session, world.actor(Role.ONCOLOGIST, clinic="south"), world.ada.id, at=NOW)
    with pytest.raises(NotFound):
        service.report_adverse_event(db_session, outsider, world.ada.id, event(), at=NOW)
    assert reported.grade == 1


def test_every_report_follow_up_and_list_is_audited(db_session, world, stock, clinician):
    head = _head(db_session)
    reported = service.report_adverse_event(
        db_session, clinician, world.ada.id, event(session_id=stock.ada_session.id, grade=4), at=NOW
    )
    changes = AdverseEventChanges(version=reported.version, resolved_on=TODAY, notes="Settled with cold packs")
    service.edit_adverse_event(db_session, clinician, reported.id, changes, at=NOW)
    service.list_adverse_events(db_session, world.actor(Role.ONCOLOGIST), world.ada.id, at=NOW)
    db_session.commit()
    entries = _entries_after(db_session, head)
    assert [(e.action, e.record_type, e.record_id) for e in entries] == [
        ("create", "adverse_event", str(reported.id)),
        ("update", "adverse_event", str(reported.id)),
        ("search", "adverse_event", None),
    ]
    assert all(e.changes["patient_id"] == str(world.ada.id) for e in entries)
    created = entries[0].changes
    assert created["grade"] == [None, "4"]
    assert created["serious"] == [None, "True"]  # forced by the grade, and the trail says so
    assert created["product_lot_id"] == [None, str(stock.lot.id)]
    assert created["session_id"] == [None, str(stock.ada_session.id)]
    assert entries[1].changes == {
        "resolved_on": [None, str(TODAY)],
        "notes": [None, "Settled with cold packs"],
        "patient_id": str(world.ada.id),
    }
    assert entries[2].changes["disclosed"] == [str(reported.id)]
    assert verify_trail(db_session).intact
