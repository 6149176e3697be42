"""A clinic (the tenant: nothing crosses between clinics) and its sites."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned


class Clinic(Identified, Versioned, Timestamped, Base):
    __tablename__ = "clinics"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")  # IANA name
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")  # ISO 4217
    closed_weekdays: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)  # 0 = Monday
    # The consent document patients sign now; an older signed version no longer passes the gate.
    consent_document_version: Mapped[str | None] = mapped_column(String(40))
    # Bumped by each protocols.yaml or tariffs.yaml the clinic publishes: read with the token on every request, it
    # says whether the clinic's knowledge cached in the worker is still the one in force (no query of its own).
    knowledge_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # The secret behind the registry's pseudonyms and date shifts (domain/deidentify); never shown, never exported.
    research_key: Mapped[str] = mapped_column(String(64), nullable=False, default=lambda: secrets.token_hex(32))


class Site(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)


class ClosedDay(Identified, ClinicScoped, Timestamped, Base):
    """A one-off closure (holiday, training day): no session or assessment is planned on it."""

    __tablename__ = "closed_days"
    __table_args__ = (UniqueConstraint("clinic_id", "day"),)

    day: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
