"""Outcomes and adverse-event rates per product lot: the traceability a clinic needs if a lot goes wrong.

Safety counts (sessions, adverse events) cover every patient treated, because watching a lot's harms is part of
care, not research, and the table shows counts only. Outcome rates cover the registry's patients (those whose
registry consent stands) treated with the lot, and follow the same minimum as every other rate.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from exohair.domain.deidentify import pseudonym
from exohair.domain.statistics.cohorts import MINIMUM_ASSESSED
from exohair.domain.statistics.proportions import Proportion, wilson_interval
from exohair.features.analytics import repository

RELATED = frozenset({"possible", "probable", "definite"})  # CTCAE attribution: "related" from possible upward


@dataclass(frozen=True, slots=True)
class LotSafety:
    product: str
    manufacturer: str
    lot_number: str
    expires_on: date
    patients: int  # treated with the lot
    sessions: int
    adverse_events: int  # reported against a session with the lot, or naming the lot
    grade_3_or_more: int
    serious: int
    related: int  # possibly, probably or definitely related to the therapy
    sessions_with_event: Proportion | None  # share of the lot's sessions followed by an adverse event
    preserved: Proportion | None  # the primary endpoint among registry patients treated with the lot
    preserved_assessed: int


def lot_safety(
    session: Session, clinic_id: uuid.UUID, frame: pd.DataFrame, endpoint: str, *, key: bytes
) -> list[LotSafety]:
    sessions_by_lot: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    patients_by_lot: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    lot_of_session: dict[uuid.UUID, uuid.UUID] = {}
    for patient_id, session_id, lot_id in repository.performed_sessions(session, clinic_id):
        if lot_id is not None:
            sessions_by_lot[lot_id].add(session_id)
            patients_by_lot[lot_id].add(patient_id)
            lot_of_session[session_id] = lot_id
    events: dict[uuid.UUID, list[tuple[int, bool, str]]] = defaultdict(list)
    sessions_with_event: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for _patient, during, named_lot, grade, serious, relatedness in repository.adverse_events(session, clinic_id):
        # An event names its lot, or the session it followed does.
        lot = named_lot or (lot_of_session.get(during) if during is not None else None)
        if lot is None:
            continue
        events[lot].append((grade, serious, relatedness))
        if during is not None:
            sessions_with_event[lot].add(during)
    outcome = frame.set_index("patient_key")[endpoint] if len(frame) else pd.Series(dtype=float)
    table = []
    for lot_id, product, manufacturer, lot_number, expires_on in repository.product_lots(session, clinic_id):
        n_sessions = len(sessions_by_lot[lot_id])
        treated = [pseudonym(key, str(p)) for p in patients_by_lot[lot_id]]
        assessed = outcome.reindex(treated).dropna()
        lot_events = events[lot_id]
        table.append(
            LotSafety(
                product=product,
                manufacturer=manufacturer,
                lot_number=lot_number,
                expires_on=expires_on,
                patients=len(treated),
                sessions=n_sessions,
                adverse_events=len(lot_events),
                grade_3_or_more=sum(1 for grade, _, _ in lot_events if grade >= 3),
                serious=sum(1 for _, serious, _ in lot_events if serious),
                related=sum(1 for _, _, relatedness in lot_events if relatedness in RELATED),
                sessions_with_event=(
                    wilson_interval(len(sessions_with_event[lot_id]), n_sessions) if n_sessions else None
                ),
                preserved=(
                    wilson_interval(int(assessed.sum()), len(assessed)) if len(assessed) >= MINIMUM_ASSESSED else None
                ),
                preserved_assessed=len(assessed),
            )
        )
    return table
