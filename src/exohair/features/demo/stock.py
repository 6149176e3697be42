"""The demo clinic's shelf: product lots delivered over the past year, and picking a lot for a session.

Two traceable product lines (fictitious makers, regulatory references marked DEMO), one lot that has expired
with vials still on the shelf, one about to expire, and one delivered without any regulatory reference, which
the safety gate refuses — so each stock state a clinician should recognise is on screen.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import ProductLot
from exohair.domain.access import Actor
from exohair.features.demo.timeline import DemoClock, Story
from exohair.features.products import service as products
from exohair.features.products.schemas import LotIn

# The product lines, by the index a chart names in `product`.
_LINES = (
    {"product": "DemoEV Scalp 10", "source_cells": "adipose-derived MSC", "manufacturer": "Demo Biologics Ltd",
     "particles_per_ml": 1.0e10},
    {"product": "ExampleVes UC", "source_cells": "umbilical-cord MSC", "manufacturer": "Example Cell Labs",
     "protein_ug_per_ml": 50.0},
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Delivery:
    line: int | None  # None: the unregistered product
    lot_number: str
    delivered: int  # days from today
    expires: int  # days from today
    vials: int
    regulatory_reference: str | None
    notes: str | None = None
    broken: int = 0  # vials written off the day after delivery


# Sized for the forty current patients and the ninety past ones (demo/history.py).
DELIVERIES = (
    Delivery(0, "SEV-23208", -540, -200, 160, "DEMO-IND-000101", "The clinic's first lot; expired."),
    Delivery(1, "UCV-1102", -260, 160, 120, "DEMO-IRB-2025-017"),
    Delivery(0, "SEV-24117", -330, -10, 300, "DEMO-IND-000101", "Expired: write off the vials left on the shelf."),
    Delivery(0, "SEV-25031", -150, 20, 160, "DEMO-IND-000101", "Expires within the month: use first."),
    Delivery(0, "SEV-25088", -40, 300, 40, "DEMO-IND-000101", broken=1),
    Delivery(None, "X-0001", -5, 200, 4, None, "Arrived without an IND or IRB reference: the safety gate blocks it."),
)


def deliveries(session: Session, admin: Actor, clock: DemoClock) -> Story:
    """Receive each lot on its day (and write off what broke in transit the next day)."""
    for delivery in sorted(DELIVERIES, key=lambda d: d.delivered):
        at = clock.at(clock.day(delivery.delivered), 8, 0)
        yield at
        lot = products.add_lot(session, admin, _lot_in(delivery, clock), at=at)
        if delivery.broken:
            at = clock.at(clock.day(delivery.delivered + 1), 9, 0)
            yield at
            products.adjust_stock(
                session, admin, lot.id, lot.version, -delivery.broken, "Vial broken in transit; supplier informed.",
                at=at,
            )  # fmt: skip


def pick_lot(session: Session, actor: Actor, line: int, on: date, *, at: datetime) -> uuid.UUID:
    """First expiry, first out: the in-date lot with vials left that expires soonest, of the patient's product
    line if it has one, else of any traceable line. Never a lot without a regulatory reference."""
    usable = [
        lot
        for lot in products.list_lots(session, actor, at=at, usable_on=on, include_empty=False, limit=200)
        if lot.regulatory_reference
    ]
    preferred = [lot for lot in usable if lot.product == _LINES[line]["product"]] or usable
    if not preferred:
        raise RuntimeError(f"the demo shelf has no usable lot on {on.isoformat()}: add vials to DELIVERIES")
    return min(preferred, key=_fefo).id


def _fefo(lot: ProductLot) -> tuple[date, str]:
    return lot.expires_on, lot.lot_number


def _lot_in(delivery: Delivery, clock: DemoClock) -> LotIn:
    line = _LINES[delivery.line] if delivery.line is not None else {
        "product": "Exosome Serum (unbranded)", "source_cells": "not stated", "manufacturer": "Unverified supplier",
    }  # fmt: skip
    return LotIn.model_validate(
        line
        | {
            "lot_number": delivery.lot_number,
            "expires_on": clock.day(delivery.expires),
            "regulatory_reference": delivery.regulatory_reference,
            "stock_on_hand": delivery.vials,
            "notes": delivery.notes,
        }
    )
