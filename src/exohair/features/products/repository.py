"""Every query of product lots. Each takes the clinic: one clinic's stock is invisible to another."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import ProductLot


def lot_in_clinic(session: Session, clinic_id: uuid.UUID, lot_id: uuid.UUID) -> ProductLot | None:
    query = select(ProductLot).where(ProductLot.clinic_id == clinic_id, ProductLot.id == lot_id)
    return session.scalars(query).first()


def by_identity(
    session: Session, clinic_id: uuid.UUID, manufacturer: str, product: str, lot_number: str
) -> ProductLot | None:
    """The lot a manufacturer's label names: its product and lot number are unique within the clinic."""
    query = select(ProductLot).where(
        ProductLot.clinic_id == clinic_id,
        ProductLot.manufacturer == manufacturer,
        ProductLot.product == product,
        ProductLot.lot_number == lot_number,
    )
    return session.scalars(query).first()


def lots(
    session: Session,
    clinic_id: uuid.UUID,
    *,
    usable_on: date | None,
    include_empty: bool,
    limit: int,
    offset: int,
) -> list[ProductLot]:
    """Lots by nearest expiry first, so the vial picked first is the one that would expire first on the shelf."""
    query = select(ProductLot).where(ProductLot.clinic_id == clinic_id)
    if usable_on is not None:
        # In date through the expiry day itself, as the safety gate reads it (expired only when expires_on < day).
        query = query.where(ProductLot.expires_on >= usable_on, ProductLot.stock_on_hand > 0)
    elif not include_empty:
        query = query.where(ProductLot.stock_on_hand > 0)
    query = query.order_by(ProductLot.expires_on, ProductLot.product, ProductLot.lot_number, ProductLot.id)
    return list(session.scalars(query.limit(limit).offset(offset)))
