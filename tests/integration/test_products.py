"""Product lots through the service layer: who may manage stock, two clinics, stale edits, stock that cannot go
below zero, the "pick from stock" list, and the audit trail of every write."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from exohair.db.models import AuditEntry, ProductLot
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import verify_trail
from exohair.features.products import service
from exohair.features.products.schemas import LotChanges, LotIn
from personas import NOW, World

MANAGERS = {Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN}  # READ_PRODUCTS and MANAGE_PRODUCTS alike
TODAY = NOW.date()


def lot_in(lot_number: str = "EX-2027-001", **fields: object) -> LotIn:
    values: dict[str, object] = {
        "product": "ExoScalp 5 mL",
        "source_cells": "adipose-derived MSC",
        "manufacturer": "Acme Bio",
        "lot_number": lot_number,
        "expires_on": date(2027, 9, 30),
        "regulatory_reference": "IND 012345",
        "stock_on_hand": 12,
        "particles_per_ml": 1.5e10,
        "protein_ug_per_ml": 80.0,
        "notes": "Keep at -20 °C.",
    }
    return LotIn.model_validate(values | fields)


@pytest.fixture
def session(db_session):
    return db_session


@pytest.fixture
def world(session):
    return World(session)


@pytest.fixture
def coordinator(world):
    return world.actor(Role.COORDINATOR)


def _entries_after(session, seq):
    session.commit()  # entries are linked into the chain and written when the transaction commits
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


def _head(session):
    session.commit()
    return session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0


def test_a_coordinator_adds_a_lot_with_its_full_provenance(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(), at=NOW)
    stored = session.get(ProductLot, lot.id)
    assert (stored.product, stored.source_cells, stored.manufacturer, stored.lot_number) == (
        "ExoScalp 5 mL",
        "adipose-derived MSC",
        "Acme Bio",
        "EX-2027-001",
    )
    assert stored.expires_on == date(2027, 9, 30)
    assert stored.regulatory_reference == "IND 012345"
    assert stored.stock_on_hand == 12
    assert stored.particles_per_ml == 1.5e10
    assert stored.clinic_id == coordinator.clinic_id
    assert stored.version == 1


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_and_manage_stock(session, world, role):
    actor = world.actor(role)
    existing = service.add_lot(session, world.actor(Role.COORDINATOR), lot_in("EXISTING"), at=NOW)
    if role in MANAGERS:
        added = service.add_lot(session, actor, lot_in(f"L-{role.value}"), at=NOW)
        assert service.get_lot(session, actor, added.id, at=NOW).lot_number == f"L-{role.value}"
        assert {lot.id for lot in service.list_lots(session, actor, at=NOW)} == {existing.id, added.id}
        edited = service.edit_lot(session, actor, existing.id, LotChanges(version=1, notes="Opened box"), at=NOW)
        assert edited.notes == "Opened box"
        assert service.adjust_stock(session, actor, existing.id, 2, 5, "Delivery", at=NOW).stock_on_hand == 17
        return
    for attempt in (
        lambda: service.add_lot(session, actor, lot_in("L-x"), at=NOW),
        lambda: service.get_lot(session, actor, existing.id, at=NOW),
        lambda: service.list_lots(session, actor, at=NOW),
        lambda: service.edit_lot(session, actor, existing.id, LotChanges(version=1, notes="x"), at=NOW),
        lambda: service.adjust_stock(session, actor, existing.id, 1, 5, "Delivery", at=NOW),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert session.get(ProductLot, existing.id).stock_on_hand == 12


def test_a_role_without_the_permission_is_refused_before_any_lookup(session, world):
    # A missing lot and an existing one get the same 403: the refusal reveals nothing.
    with pytest.raises(Forbidden):
        service.get_lot(session, world.actor(Role.ONCOLOGIST), uuid.uuid4(), at=NOW)


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_another_clinic_cannot_see_or_touch_a_lot(session, world, coordinator, role):
    lot = service.add_lot(session, coordinator, lot_in(), at=NOW)
    south = world.actor(role, clinic="south")
    for attempt in (
        lambda: service.get_lot(session, south, lot.id, at=NOW),
        lambda: service.edit_lot(session, south, lot.id, LotChanges(version=1, notes="mine"), at=NOW),
        lambda: service.adjust_stock(session, south, lot.id, 1, -12, "Write-off", at=NOW),
    ):
        with pytest.raises(NotFound) as error:
            attempt()
        assert error.value.code == "product_lot_not_found"
    assert service.list_lots(session, south, at=NOW) == []
    assert session.get(ProductLot, lot.id).stock_on_hand == 12


def test_the_same_lot_twice_in_a_clinic_is_a_conflict_but_another_clinic_may_stock_it(session, world, coordinator):
    service.add_lot(session, coordinator, lot_in(), at=NOW)
    with pytest.raises(Conflict) as error:
        service.add_lot(session, coordinator, lot_in(stock_on_hand=3), at=NOW)
    assert error.value.code == "lot_exists"
    service.add_lot(session, world.actor(Role.COORDINATOR, clinic="south"), lot_in(), at=NOW)


def test_editing_a_lot_into_the_identity_of_another_is_a_conflict(session, coordinator):
    service.add_lot(session, coordinator, lot_in("A"), at=NOW)
    second = service.add_lot(session, coordinator, lot_in("B"), at=NOW)
    with pytest.raises(Conflict) as error:
        service.edit_lot(session, coordinator, second.id, LotChanges(version=1, lot_number="A"), at=NOW)
    assert error.value.code == "lot_exists"
    assert session.get(ProductLot, second.id).lot_number == "B"


def test_a_stale_edit_is_refused_and_changes_nothing(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(), at=NOW)
    service.edit_lot(session, coordinator, lot.id, LotChanges(version=1, notes="First"), at=NOW)
    with pytest.raises(Conflict) as error:
        service.edit_lot(session, coordinator, lot.id, LotChanges(version=1, notes="Second"), at=NOW)
    assert error.value.code == "stale_edit"
    with pytest.raises(Conflict):
        service.adjust_stock(session, coordinator, lot.id, 1, 5, "Delivery", at=NOW)
    stored = session.get(ProductLot, lot.id)
    assert (stored.notes, stored.stock_on_hand, stored.version) == ("First", 12, 2)


def test_a_delivery_and_a_write_off_move_the_stock_by_exactly_their_count(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(stock_on_hand=0), at=NOW)
    service.adjust_stock(session, coordinator, lot.id, 1, 20, "Delivery, invoice 881", at=NOW)
    service.adjust_stock(session, coordinator, lot.id, 2, -3, "Three vials cracked in transit", at=NOW)
    assert session.get(ProductLot, lot.id).stock_on_hand == 17


def test_stock_never_goes_below_zero(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(stock_on_hand=2), at=NOW)
    with pytest.raises(InvalidInput) as error:
        service.adjust_stock(session, coordinator, lot.id, 1, -3, "Write-off", at=NOW)
    assert error.value.code == "stock_negative"
    assert "delta" in error.value.message
    assert session.get(ProductLot, lot.id).stock_on_hand == 2
    service.adjust_stock(session, coordinator, lot.id, 1, -2, "Write-off", at=NOW)
    assert session.get(ProductLot, lot.id).stock_on_hand == 0


@pytest.mark.parametrize(
    ("delta", "reason", "code"),
    [(0, "Nothing", "stock_delta_zero"), (5, "   ", "reason_missing"), (100_000, "Huge delivery", "stock_too_large")],
)
def test_a_stock_adjustment_needs_a_count_and_a_reason(session, coordinator, delta, reason, code):
    lot = service.add_lot(session, coordinator, lot_in(), at=NOW)
    with pytest.raises(InvalidInput) as error:
        service.adjust_stock(session, coordinator, lot.id, 1, delta, reason, at=NOW)
    assert error.value.code == code
    assert session.get(ProductLot, lot.id).stock_on_hand == 12


def test_a_performed_session_takes_one_vial_until_none_are_left(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(stock_on_hand=2), at=NOW)
    service.take_vial(session, lot)
    service.take_vial(session, lot)
    assert session.get(ProductLot, lot.id).stock_on_hand == 0
    with pytest.raises(Conflict) as error:
        service.take_vial(session, lot)
    assert error.value.code == "out_of_stock"
    assert session.get(ProductLot, lot.id).stock_on_hand == 0


def test_the_pick_from_stock_list_holds_in_date_lots_with_stock_nearest_expiry_first(session, coordinator):
    def add(number, expires_on, stock):
        return service.add_lot(session, coordinator, lot_in(number, expires_on=expires_on, stock_on_hand=stock), at=NOW)

    later = add("LATER", date(2027, 12, 31), 5)
    today = add("TODAY", TODAY, 1)  # usable through its expiry day, as the safety gate reads it
    add("EXPIRED", date(2027, 2, 28), 9)
    empty = add("EMPTY", date(2027, 6, 30), 0)
    sooner = add("SOONER", date(2027, 4, 30), 3)

    usable = service.list_lots(session, coordinator, at=NOW, usable_on=TODAY)
    assert [lot.lot_number for lot in usable] == ["TODAY", "SOONER", "LATER"]
    assert [lot.id for lot in usable] == [today.id, sooner.id, later.id]
    everything = service.list_lots(session, coordinator, at=NOW)
    assert [lot.lot_number for lot in everything] == ["EXPIRED", "TODAY", "SOONER", "EMPTY", "LATER"]
    stocked = service.list_lots(session, coordinator, at=NOW, include_empty=False)
    assert empty.id not in {lot.id for lot in stocked}
    assert len(stocked) == 4
    page = service.list_lots(session, coordinator, at=NOW, limit=2, offset=1)
    assert [lot.lot_number for lot in page] == ["TODAY", "SOONER"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stock_on_hand": -1}, "stock_on_hand"),
        ({"stock_on_hand": 100_001}, "stock_on_hand"),
        ({"particles_per_ml": 0}, "particles_per_ml"),
        ({"protein_ug_per_ml": float("inf")}, "protein_ug_per_ml"),
        ({"lot_number": "   "}, "lot_number"),
        ({"expires_on": "soon"}, "expires_on"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_lot_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as error:
        lot_in(**fields)
    assert field in {str(part) for e in error.value.errors() for part in e["loc"]}


def test_an_edit_may_change_a_required_field_but_not_clear_it():
    with pytest.raises(ValidationError, match="product"):
        LotChanges.model_validate({"version": 1, "product": None})
    assert LotChanges(version=1, regulatory_reference="  ").regulatory_reference is None


def test_every_write_is_audited_and_reads_are_not(session, coordinator):
    before = _head(session)
    lot = service.add_lot(session, coordinator, lot_in(), at=NOW)
    service.get_lot(session, coordinator, lot.id, at=NOW)
    service.list_lots(session, coordinator, at=NOW)
    service.edit_lot(session, coordinator, lot.id, LotChanges(version=1, regulatory_reference="IND 999"), at=NOW)
    service.adjust_stock(session, coordinator, lot.id, 2, -2, "Expired vials", at=NOW)
    entries = _entries_after(session, before)
    assert [e.action for e in entries] == ["create", "update", "adjust_stock"]
    assert all(e.record_type == "product_lot" and e.record_id == str(lot.id) for e in entries)
    assert all(e.actor_id == coordinator.user_id and e.clinic_id == coordinator.clinic_id for e in entries)
    assert all(e.source == "127.0.0.1" for e in entries)
    assert entries[0].changes["lot_number"] == [None, "EX-2027-001"]
    assert entries[1].changes == {"regulatory_reference": ["IND 012345", "IND 999"]}
    assert entries[2].changes == {"stock_on_hand": ["12", "10"], "delta": -2, "reason": "Expired vials"}
    assert verify_trail(session).intact


def test_a_refused_write_leaves_nothing_in_the_trail(session, coordinator):
    lot = service.add_lot(session, coordinator, lot_in(stock_on_hand=1), at=NOW)
    before = _head(session)
    with pytest.raises(InvalidInput):
        service.adjust_stock(session, coordinator, lot.id, 1, -5, "Write-off", at=NOW)
    assert _entries_after(session, before) == []
