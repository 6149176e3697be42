"""Product lots in the clinic's stock: every session names one, so an adverse event can be traced to its lot."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned


class ProductLot(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "product_lots"
    __table_args__ = (
        UniqueConstraint("clinic_id", "manufacturer", "product", "lot_number"),
        CheckConstraint("stock_on_hand >= 0", name="stock"),
    )

    product: Mapped[str] = mapped_column(String(200), nullable=False)
    source_cells: Mapped[str] = mapped_column(String(200), nullable=False)  # e.g. "adipose-derived MSC"
    manufacturer: Mapped[str] = mapped_column(String(200), nullable=False)
    lot_number: Mapped[str] = mapped_column(String(100), nullable=False)
    expires_on: Mapped[date] = mapped_column(Date, nullable=False)
    # IND/IRB number or marketing authorisation; None when there is none (the gate then refuses the lot).
    regulatory_reference: Mapped[str | None] = mapped_column(String(200))
    stock_on_hand: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # vials
    # As the label states them; many products state neither, and then no dose in those units is derived.
    particles_per_ml: Mapped[float | None] = mapped_column(Float)
    protein_ug_per_ml: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
