"""A clinic (the tenant: nothing crosses between clinics) and its sites."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned


class Clinic(Identified, Versioned, Timestamped, Base):
    __tablename__ = "clinics"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")  # IANA name
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")  # ISO 4217


class Site(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
