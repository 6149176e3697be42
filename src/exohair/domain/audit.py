"""The audit trail's tamper evidence: each entry carries the hash of the one before it.

hash_n = SHA-256(canonical JSON of entry n's fields, including hash_{n-1}); the first entry links to 64 zeros.
Editing any entry changes its hash and breaks the link from the next; deleting one breaks the link across
the gap. Truncating the newest entries leaves a valid shorter chain, so `verify` also reports the head hash and
count for an operator to compare with one recorded elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditFacts:
    """What one entry says: who did what to which record, when, from where, and what changed."""

    seq: int
    at: datetime  # aware UTC instant
    clinic_id: str | None
    actor_id: str | None  # None for the system itself (migrations, demo load)
    action: str  # read, create, update, delete, login, override, ...
    record_type: str
    record_id: str | None
    source: str  # client address, or "cli"
    changes: Mapping[str, Any] | None  # for writes: field -> [before, after]


@dataclass(frozen=True, slots=True)
class Broken:
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    count: int
    head_hash: str
    broken: tuple[Broken, ...]

    @property
    def intact(self) -> bool:
        return not self.broken


def entry_hash(facts: AuditFacts, previous_hash: str) -> str:
    payload = {
        "seq": facts.seq,
        "at": facts.at.isoformat(),
        "clinic_id": facts.clinic_id,
        "actor_id": facts.actor_id,
        "action": facts.action,
        "record_type": facts.record_type,
        "record_id": facts.record_id,
        "source": facts.source,
        "changes": facts.changes,
        "previous": previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify_chain(entries: Iterable[tuple[AuditFacts, str, str]]) -> ChainReport:
    """Check (facts, previous_hash, hash) triples in seq order; report every broken link, not only the first."""
    expected_previous = GENESIS
    broken: list[Broken] = []
    count = 0
    for facts, previous, stored in entries:
        count += 1
        if previous != expected_previous:
            broken.append(Broken(facts.seq, "links to a different entry than the one before it (deleted or reordered)"))
        if entry_hash(facts, previous) != stored:
            broken.append(Broken(facts.seq, "its contents do not match its hash (edited)"))
        expected_previous = stored
    return ChainReport(count, expected_previous, tuple(broken))
