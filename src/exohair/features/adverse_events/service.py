"""Adverse events: report, follow up, list — authorised, clinic-scoped, audited, and traced to the product lot.

Only a clinician reports an adverse event (grading by CTCAE is a clinical judgement). An event linked to a
session inherits that session's lot, so the registry can count events per lot without asking twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exohair.db.models import AdverseEvent, TherapySession
from exohair.domain.access import Actor, Permission
from exohair.domain.errors import InvalidInput, NotFound
from exohair.features.adverse_events import repository
from exohair.features.adverse_events.schemas import AdverseEventChanges, AdverseEventIn
from exohair.features.charts import audit_chart, audit_search, edit_versioned, open_chart, open_record

RECORD_TYPE = "adverse_event"
MAX_PAGE = 200
# CTCAE v5: grade 4 is life-threatening and grade 5 is death, both of which meet the ICH E2A definition of a
# serious adverse event whatever the reporter ticked; the flag is forced so no such event escapes SAE reporting.
FORCED_SERIOUS_GRADE = 4


def report_adverse_event(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: AdverseEventIn, *, at: datetime
) -> AdverseEvent:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_ADVERSE_EVENT)
    values = data.model_dump()
    therapy = None
    if data.session_id is not None:
        therapy = repository.therapy_session(session, actor.clinic_id, data.session_id)
        if therapy is None or therapy.patient_id != patient.id:
            raise NotFound("No such session in this patient's chart.", code="session_not_found")
        if data.product_lot_id is None:
            values["product_lot_id"] = therapy.product_lot_id
        elif therapy.product_lot_id is not None and therapy.product_lot_id != data.product_lot_id:
            # A second lot for the same session would count the event against a lot that was never injected.
            raise InvalidInput(
                "The session used a different product lot. Leave the lot out to take the session's.",
                code="product_lot_mismatch",
            )
    lot_id = values["product_lot_id"]
    if lot_id is not None and repository.product_lot(session, actor.clinic_id, lot_id) is None:
        raise NotFound("No such product lot in this clinic.", code="product_lot_not_found")
    _check_dates(_clinic_today(session, actor, at), data.onset_on, data.resolved_on, therapy)
    values["serious"] = data.serious or data.grade >= FORCED_SERIOUS_GRADE
    event = AdverseEvent(clinic_id=actor.clinic_id, patient_id=patient.id, reported_by=actor.user_id, **values)
    session.add(event)
    session.flush()
    changes = _created(values)
    audit_chart(session, actor, "create", RECORD_TYPE, event.id, patient_id=patient.id, at=at, changes=changes)
    return event


def edit_adverse_event(
    session: Session, actor: Actor, event_id: uuid.UUID, changes: AdverseEventChanges, *, at: datetime
) -> AdverseEvent:
    """Follow an event up (resolution, regrading) if the editor saw its current version; otherwise refuse (409)
    and change nothing."""
    event = _find(session, actor, event_id, Permission.RECORD_ADVERSE_EVENT)
    values = changes.model_dump(exclude_unset=True, exclude={"version"})
    therapy = None
    if event.session_id is not None and "onset_on" in values:
        therapy = repository.therapy_session(session, actor.clinic_id, event.session_id)
    onset_on = values.get("onset_on", event.onset_on)
    _check_dates(_clinic_today(session, actor, at), onset_on, values.get("resolved_on", event.resolved_on), therapy)
    if values.get("grade", event.grade) >= FORCED_SERIOUS_GRADE:
        values["serious"] = True  # see FORCED_SERIOUS_GRADE
    diff = edit_versioned(session, event, changes.version, values, what="adverse event")
    audit_chart(session, actor, "update", RECORD_TYPE, event.id, patient_id=event.patient_id, at=at, changes=diff)
    return event


def get_adverse_event(session: Session, actor: Actor, event_id: uuid.UUID, *, at: datetime) -> AdverseEvent:
    event = _find(session, actor, event_id, Permission.READ_CLINICAL)
    audit_chart(session, actor, "read", RECORD_TYPE, event.id, patient_id=event.patient_id, at=at)
    return event


def list_adverse_events(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[AdverseEvent]:
    """The patient's adverse events, latest onset first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_CLINICAL)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found = repository.for_patient(session, actor.clinic_id, patient.id, limit=limit, offset=offset)
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def _find(session: Session, actor: Actor, event_id: uuid.UUID, permission: Permission) -> AdverseEvent:
    event = repository.in_clinic(session, actor.clinic_id, event_id)
    missing = NotFound("No such adverse event.", code="adverse_event_not_found")
    return open_record(session, actor, event, permission, missing=missing)


def _check_dates(today: date, onset_on: date, resolved_on: date | None, therapy: TherapySession | None) -> None:
    if onset_on > today:
        raise InvalidInput(
            f"The onset date {onset_on.isoformat()} is after today ({today.isoformat()}).", code="onset_in_future"
        )
    if resolved_on is not None and resolved_on < onset_on:
        raise InvalidInput(
            f"The event cannot resolve ({resolved_on.isoformat()}) before its onset ({onset_on.isoformat()}).",
            code="resolved_before_onset",
        )
    if resolved_on is not None and resolved_on > today:
        raise InvalidInput(
            f"The resolution date {resolved_on.isoformat()} is after today ({today.isoformat()}).",
            code="resolved_in_future",
        )
    # An event that began before the session cannot have come from it; linking it would blame the wrong lot.
    if therapy is not None and therapy.performed_on is not None and onset_on < therapy.performed_on:
        raise InvalidInput(
            f"The onset ({onset_on.isoformat()}) is before the session was performed "
            f"({therapy.performed_on.isoformat()}). Link the event to no session, or correct the date.",
            code="onset_before_session",
        )


def _clinic_today(session: Session, actor: Actor, at: datetime) -> date:
    """Dates of care are calendar dates in the clinic's time zone."""
    return at.astimezone(ZoneInfo(repository.clinic_timezone(session, actor.clinic_id))).date()


def _created(values: Mapping[str, object]) -> dict[str, list[str | None]]:
    return {field: [None, str(value)] for field, value in values.items() if value is not None}
