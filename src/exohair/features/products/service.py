"""Product lots: add, read, list for picking, edit, and move stock — scoped to the actor's clinic and audited.

Lots are stock, not patient data, so reads are not audited; every write is, with what changed. Stock moves only
by deliveries and write-offs (`adjust_stock`, with a reason) and by a performed session taking a vial
(`take_vial`), so the count on the shelf can be reconciled with the trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import ProductLot
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.audit.service import record_event
from exohair.features.charts import edit_versioned
from exohair.features.products import repository
from exohair.features.products.schemas import MAX_STOCK, LotChanges, LotIn

MAX_PAGE = 200
MAX_REASON = 500


def add_lot(session: Session, actor: Actor, data: LotIn, *, at: datetime) -> ProductLot:
    require(actor, Permission.MANAGE_PRODUCTS)
    _refuse_duplicate(session, actor, data.manufacturer, data.product, data.lot_number)
    lot = ProductLot(clinic_id=actor.clinic_id, **data.model_dump())
    session.add(lot)
    session.flush()
    changes = {field: [None, str(value)] for field, value in data.model_dump().items() if value is not None}
    _audit(session, actor, "create", lot.id, at, changes)
    return lot


def get_lot(session: Session, actor: Actor, lot_id: uuid.UUID, *, at: datetime) -> ProductLot:
    """One lot of this clinic. `at` is taken for the same call shape as every service; stock reads are not audited."""
    require(actor, Permission.READ_PRODUCTS)
    return _lot(session, actor, lot_id)


def list_lots(
    session: Session,
    actor: Actor,
    *,
    at: datetime,
    usable_on: date | None = None,
    include_empty: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> list[ProductLot]:
    """The clinic's lots, nearest expiry first. With `usable_on`: only lots in date that day with a vial left,
    which is the "pick from stock" list for a session."""
    require(actor, Permission.READ_PRODUCTS)
    return repository.lots(
        session,
        actor.clinic_id,
        usable_on=usable_on,
        include_empty=include_empty,
        limit=max(1, min(limit, MAX_PAGE)),
        offset=max(0, offset),
    )


def edit_lot(session: Session, actor: Actor, lot_id: uuid.UUID, changes: LotChanges, *, at: datetime) -> ProductLot:
    """Apply `changes` if the editor saw the current version; otherwise refuse (409) and change nothing."""
    require(actor, Permission.MANAGE_PRODUCTS)
    lot = _lot(session, actor, lot_id)
    values = changes.model_dump(exclude_unset=True, exclude={"version"})
    identity = {k: values.get(k, getattr(lot, k)) for k in ("manufacturer", "product", "lot_number")}
    if changes.version == lot.version and any(identity[k] != getattr(lot, k) for k in identity):
        _refuse_duplicate(session, actor, identity["manufacturer"], identity["product"], identity["lot_number"])
    diff = edit_versioned(session, lot, changes.version, values, what="product lot")
    if diff:
        _audit(session, actor, "update", lot.id, at, diff)
    return lot


def adjust_stock(
    session: Session, actor: Actor, lot_id: uuid.UUID, version: int, delta: int, reason: str, *, at: datetime
) -> ProductLot:
    """Add a delivery (`delta` > 0) or write vials off (`delta` < 0: broken, expired, returned), saying why."""
    require(actor, Permission.MANAGE_PRODUCTS)
    lot = _lot(session, actor, lot_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason is required: say what the delivery or write-off was.", code="reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"reason must be at most {MAX_REASON} characters.", code="reason_too_long")
    if delta == 0:
        raise InvalidInput("delta must not be 0: give the number of vials added or removed.", code="stock_delta_zero")
    after = lot.stock_on_hand + delta
    # The arithmetic only means something against the version the user saw; a stale one is refused just below.
    if version == lot.version and after < 0:
        raise InvalidInput(
            f"delta {delta} would leave {after} vials; only {lot.stock_on_hand} are on hand.", code="stock_negative"
        )
    if version == lot.version and after > MAX_STOCK:
        raise InvalidInput(f"delta {delta} would leave more than {MAX_STOCK} vials on hand.", code="stock_too_large")
    diff = edit_versioned(session, lot, version, {"stock_on_hand": after}, what="product lot")
    _audit(session, actor, "adjust_stock", lot.id, at, {**diff, "delta": delta, "reason": reason})
    return lot


def take_vial(session: Session, lot: ProductLot) -> None:
    """Take one vial for a session being performed. No permission check and no audit entry: the session service
    has checked the actor and records the lot in the session's own audit entry."""
    if lot.stock_on_hand <= 0:
        raise Conflict(
            f"Lot {lot.lot_number} of {lot.product} has no vials left; choose another lot or record a delivery.",
            code="out_of_stock",
        )
    # Through the version check, so two sessions taking the last vial at once cannot both succeed.
    edit_versioned(session, lot, lot.version, {"stock_on_hand": lot.stock_on_hand - 1}, what="product lot")


def _lot(session: Session, actor: Actor, lot_id: uuid.UUID) -> ProductLot:
    lot = repository.lot_in_clinic(session, actor.clinic_id, lot_id)
    if lot is None:
        raise NotFound("No such product lot in this clinic's stock.", code="product_lot_not_found")
    return lot


def _refuse_duplicate(session: Session, actor: Actor, manufacturer: str, product: str, lot_number: str) -> None:
    if repository.by_identity(session, actor.clinic_id, manufacturer, product, lot_number) is not None:
        raise Conflict(
            f"Lot {lot_number} of {manufacturer} {product} is already in stock here; adjust its stock instead.",
            code="lot_exists",
        )


def _audit(
    session: Session, actor: Actor, action: str, lot_id: uuid.UUID, at: datetime, changes: Mapping[str, Any]
) -> None:
    record_event(
        session,
        at=at,
        action=action,
        record_type="product_lot",
        record_id=str(lot_id),
        clinic_id=actor.clinic_id,
        actor_id=actor.user_id,
        source=actor.source,
        changes=changes,
    )
