"""Failed logins, counted to slow down password guessing. The e-mail is kept only as a digest: this table is
read by the rate limiter and nothing else, and a list of mistyped addresses is not something to keep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, UTCDateTime


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_digest_at", "email_digest", "at"),
        Index("ix_login_failures_source_at", "source", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    email_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    source: Mapped[str] = mapped_column(String(64), nullable=False)  # client address
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
