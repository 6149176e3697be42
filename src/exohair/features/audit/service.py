"""Recording and verifying the audit trail. Services flush; the caller owns the transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import AuditEntry
from exohair.domain.audit import GENESIS, AuditFacts, ChainReport, entry_hash, verify_chain
from exohair.features.audit import repository


def record_event(
    session: Session,
    *,
    at: datetime,
    action: str,
    record_type: str,
    record_id: str | None = None,
    clinic_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    source: str = "cli",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, linked to the current head. Called in the same transaction as the change it records,
    so a change is never saved without its entry, nor an entry without its change."""
    repository.lock_for_append(session)
    last = repository.head(session)
    seq, previous = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
    # Stored exactly as hashed: JSON-native values, and the instant in UTC at microsecond precision.
    plain = json.loads(json.dumps(changes, default=str)) if changes is not None else None
    facts = AuditFacts(
        seq,
        at.astimezone(UTC),
        str(clinic_id) if clinic_id else None,
        str(actor_id) if actor_id else None,
        action,
        record_type,
        record_id,
        source,
        plain,
    )
    entry = AuditEntry(
        seq=seq,
        at=facts.at,
        clinic_id=clinic_id,
        actor_id=actor_id,
        action=action,
        record_type=record_type,
        record_id=record_id,
        source=source,
        changes=plain,
        previous_hash=previous,
        hash=entry_hash(facts, previous),
    )
    session.add(entry)
    session.flush()
    return entry


def verify_trail(session: Session) -> ChainReport:
    return verify_chain((_facts(e), e.previous_hash, e.hash) for e in repository.in_order(session))


def _facts(entry: AuditEntry) -> AuditFacts:
    return AuditFacts(
        entry.seq,
        entry.at,
        str(entry.clinic_id) if entry.clinic_id else None,
        str(entry.actor_id) if entry.actor_id else None,
        entry.action,
        entry.record_type,
        entry.record_id,
        entry.source,
        entry.changes,
    )
