"""/api/v1/product-lots over HTTP: add, pick from stock, read, edit, deliveries and write-offs; refusals."""

from __future__ import annotations

import uuid

from exohair.domain.access import Role
from personas import NOW

V1 = "/api/v1"
TODAY = NOW.date()


def _lot(**fields: object) -> dict[str, object]:
    values = {
        "product": "ExoScalp 5 mL",
        "source_cells": "adipose-derived MSC",
        "manufacturer": "Acme Bio",
        "lot_number": "EX-2027-001",
        "expires_on": "2027-09-30",
        "regulatory_reference": "IND 012345",
        "stock_on_hand": 12,
        "particles_per_ml": 1.5e10,
    }
    return values | fields


def _added(api, **fields: object) -> dict:
    answer = api.as_(Role.COORDINATOR).post(f"{V1}/product-lots", json=_lot(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_coordinator_adds_a_lot_picks_it_edits_it_and_records_a_delivery(api):
    lot = _added(api)
    assert (lot["lot_number"], lot["stock_on_hand"], lot["version"], lot["notes"]) == ("EX-2027-001", 12, 1, None)
    expired = _added(api, lot_number="EX-2026-009", expires_on="2027-02-28")
    empty = _added(api, lot_number="EX-2027-002", stock_on_hand=0)
    clinician = api.as_(Role.CLINICIAN)
    everything = clinician.get(f"{V1}/product-lots")
    assert [x["id"] for x in everything.json()] == [expired["id"], lot["id"], empty["id"]]  # nearest expiry first
    usable = clinician.get(f"{V1}/product-lots", params={"usable_on": TODAY.isoformat()})
    assert [x["id"] for x in usable.json()] == [lot["id"]]  # in date, with a vial left
    assert clinician.get(f"{V1}/product-lots/{lot['id']}").json()["regulatory_reference"] == "IND 012345"
    edited = clinician.patch(f"{V1}/product-lots/{lot['id']}", json={"version": 1, "notes": "Keep at -20 °C."})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["notes"], edited.json()["version"]) == ("Keep at -20 °C.", 2)
    delivered = clinician.post(
        f"{V1}/product-lots/{lot['id']}/stock", json={"version": 2, "delta": 5, "reason": "Delivery 4411"}
    )
    assert delivered.status_code == 200, delivered.text
    assert (delivered.json()["stock_on_hand"], delivered.json()["version"]) == (17, 3)
    too_many = clinician.post(
        f"{V1}/product-lots/{lot['id']}/stock", json={"version": 3, "delta": -18, "reason": "Broken"}
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "stock_negative")
    duplicate = api.as_(Role.COORDINATOR).post(f"{V1}/product-lots", json=_lot())
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "lot_exists")


def test_bad_lot_and_stock_input_is_422_naming_the_field(api):
    coordinator = api.as_(Role.COORDINATOR)
    answer = coordinator.post(f"{V1}/product-lots", json=_lot(stock_on_hand=-1))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.stock_on_hand" in {e["field"] for e in body["errors"]}
    lot = _added(api)
    no_reason = coordinator.post(f"{V1}/product-lots/{lot['id']}/stock", json={"version": 1, "delta": 2, "reason": " "})
    assert no_reason.status_code == 422
    assert "body.reason" in {e["field"] for e in no_reason.json()["errors"]}


def test_an_oncologist_may_not_add_a_lot_and_a_patient_may_not_read_stock(api):
    lot = _added(api)
    for refused in (
        api.as_(Role.ONCOLOGIST).post(f"{V1}/product-lots", json=_lot(lot_number="EX-9")),
        api.as_ada().get(f"{V1}/product-lots"),
        api.as_ada().get(f"{V1}/product-lots/{lot['id']}"),
    ):
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"


def test_south_reading_norths_lot_gets_the_answer_of_a_missing_one(api):
    lot = _added(api)
    south = api.as_(Role.COORDINATOR, clinic="south")
    theirs, missing = south.get(f"{V1}/product-lots/{lot['id']}"), south.get(f"{V1}/product-lots/{uuid.uuid4()}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert south.get(f"{V1}/product-lots").json() == []


def test_an_edit_or_stock_move_from_an_old_version_is_409_and_changes_nothing(api):
    lot = _added(api)
    clinician = api.as_(Role.CLINICIAN)
    assert (
        clinician.patch(f"{V1}/product-lots/{lot['id']}", json={"version": 1, "notes": "Fridge 2"}).status_code == 200
    )
    stale_edit = clinician.patch(f"{V1}/product-lots/{lot['id']}", json={"version": 1, "notes": "Fridge 3"})
    stale_stock = clinician.post(
        f"{V1}/product-lots/{lot['id']}/stock", json={"version": 1, "delta": -1, "reason": "Broken"}
    )
    for stale in (stale_edit, stale_stock):
        assert stale.status_code == 409
        assert stale.json()["code"] == "stale_edit"
    now = clinician.get(f"{V1}/product-lots/{lot['id']}").json()
    assert (now["notes"], now["stock_on_hand"], now["version"]) == ("Fridge 2", 12, 2)
