"""Every query of the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from exohair.db.models import AuditEntry

# Any fixed 64-bit number: the key of the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x65786F68_61697221


def lock_for_append(session: Session) -> None:
    """Queue appenders one behind another for the rest of the transaction (PostgreSQL); SQLite already has a
    single writer. Without it two appends could read the same head and the second would fail its insert."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})


def head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row is not None else None


def in_order(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry, oldest first, streamed in batches so verifying a long trail does not load it all."""
    return iter(session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)))
