"""/api/v1/product-lots: the clinic's exosome stock — add a lot, pick from stock, read, edit, move stock.

Stock changes only through POST /product-lots/{id}/stock (a delivery or a write-off, with a reason) and by a
performed session taking a vial, so the shelf can be reconciled with the trail.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from exohair.features.input_model import InputModel
from exohair.features.products import service
from exohair.features.products.schemas import MAX_STOCK, LotChanges, LotIn
from exohair.web.deps import Signed

router = APIRouter(prefix="/product-lots", tags=["products"])


class LotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    product: str
    source_cells: str
    manufacturer: str
    lot_number: str
    expires_on: date
    regulatory_reference: str | None
    stock_on_hand: int
    particles_per_ml: float | None
    protein_ug_per_ml: float | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


class StockIn(InputModel):
    # The products feature takes these as arguments, not a schema; the bounds are its own limits.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1, description="The lot version the user saw.")
    delta: int = Field(
        ge=-MAX_STOCK, le=MAX_STOCK, description="Vials added (a delivery) or, negative, removed (a write-off)."
    )
    reason: str = Field(min_length=1, max_length=service.MAX_REASON, description="What the delivery or write-off was.")


@router.get("", response_model=list[LotOut], summary="The clinic's lots, nearest expiry first")
def list_lots(
    ctx: Signed,
    usable_on: Annotated[
        date | None, Query(description="Only lots in date that day with a vial left: the pick list for a session")
    ] = None,
    include_empty: Annotated[bool, Query(description="Include lots with no vial left")] = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[LotOut]:
    found = service.list_lots(
        ctx.session, ctx.actor, at=ctx.at, usable_on=usable_on, include_empty=include_empty, limit=limit, offset=offset
    )
    return ctx.commit([LotOut.model_validate(lot) for lot in found])


@router.post("", response_model=LotOut, status_code=201, summary="Add a product lot to stock")
def add_lot(ctx: Signed, data: LotIn) -> LotOut:
    return ctx.commit(LotOut.model_validate(service.add_lot(ctx.session, ctx.actor, data, at=ctx.at)))


@router.get("/{lot_id}", response_model=LotOut, summary="Read a product lot")
def get_lot(ctx: Signed, lot_id: uuid.UUID) -> LotOut:
    return ctx.commit(LotOut.model_validate(service.get_lot(ctx.session, ctx.actor, lot_id, at=ctx.at)))


@router.patch("/{lot_id}", response_model=LotOut, summary="Edit a lot's details (send the version you saw)")
def edit_lot(ctx: Signed, lot_id: uuid.UUID, changes: LotChanges) -> LotOut:
    return ctx.commit(LotOut.model_validate(service.edit_lot(ctx.session, ctx.actor, lot_id, changes, at=ctx.at)))


@router.post("/{lot_id}/stock", response_model=LotOut, summary="Record a delivery or a write-off of vials, saying why")
def adjust_stock(ctx: Signed, lot_id: uuid.UUID, data: StockIn) -> LotOut:
    lot = service.adjust_stock(ctx.session, ctx.actor, lot_id, data.version, data.delta, data.reason, at=ctx.at)
    return ctx.commit(LotOut.model_validate(lot))
