"""The audit trail: append-only rows, each linked to the one before by hash (see domain/audit.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    # Assigned by the appender, not the database: the sequence number is part of what each hash covers.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    clinic_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    record_type: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Unique: two entries can never claim the same predecessor, so concurrent appends cannot fork the chain.
    previous_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
