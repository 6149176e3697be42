"""Staff and patient accounts. The role decides what the service layer lets an account read and write."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned
from exohair.domain.access import Role

_ROLES = ", ".join(f"'{role.value}'" for role in Role)


class User(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("clinic_id", "email"),
        CheckConstraint(f"role IN ({_ROLES})", name="role"),
        # A patient account is tied to exactly one patient record; staff accounts to none.
        CheckConstraint("(role = 'patient') = (patient_id IS NOT NULL)", name="patient_link"),
    )

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id; None until a password is set
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    patient_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("patients.id", ondelete="RESTRICT"))
