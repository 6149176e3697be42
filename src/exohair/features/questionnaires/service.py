"""Record and list a patient's questionnaire responses — authorised, clinic-scoped, audited — as assessments are.

A patient answers the clinic's instruments for herself; a clinician may record answers given at the clinic (a
paper form, or read out). Coordinators and oncologists read them with the rest of the hair outcomes. Answers are
checked and scored by the instrument in force (domain/instruments.py), and the response keeps that instrument's
id and version, so a version the clinic publishes later never changes what an earlier response meant.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, QuestionnaireResponse
from exohair.domain.access import Actor, Permission, Role
from exohair.domain.errors import Conflict, InvalidInput
from exohair.domain.instruments import Instrument, ItemType, ResponseScore, score_response
from exohair.features.charts import audit_chart, audit_search, open_chart
from exohair.features.plans.inputs import clinic_today
from exohair.features.questionnaires import repository
from exohair.features.questionnaires.schemas import ResponseIn
from exohair.knowledge import Knowledge

RECORD_TYPE = "questionnaire_response"


def record_response(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: ResponseIn, knowledge: Knowledge, *, at: datetime
) -> QuestionnaireResponse:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_OUTCOMES)
    instrument = knowledge.instrument(data.instrument_id)
    if instrument is None:
        offered = ", ".join(i.id for i in knowledge.instruments) or "none"
        raise InvalidInput(
            f"instrument_id: '{data.instrument_id}' is not a questionnaire of this clinic (in force: {offered}).",
            code="unknown_instrument",
        )
    if data.instrument_version is not None and data.instrument_version != instrument.version:
        # The questions may have changed since the form was shown: answers to other questions would be misfiled.
        raise Conflict(
            f"{instrument.title} changed since it was opened (version {data.instrument_version}; now version "
            f"{instrument.version}). Reload it and answer again.",
            code="instrument_changed",
        )
    today = clinic_today(session.get_one(Clinic, actor.clinic_id), at)
    answered_on = data.answered_on or today
    if answered_on > today:
        raise InvalidInput(f"answered_on: {answered_on.isoformat()} has not come yet.", code="answered_in_future")
    if answered_on < patient.date_of_birth:
        raise InvalidInput("answered_on: before the patient was born; check the year.", code="answered_before_birth")
    scored = score_response(instrument, data.answers)
    if not scored.answers:
        raise InvalidInput("Answer at least one question: nothing would be recorded.", code="response_empty")
    response = QuestionnaireResponse(
        clinic_id=actor.clinic_id, patient_id=patient.id, instrument_id=instrument.id,
        instrument_version=instrument.version, instrument_title=instrument.title[:200], answered_on=answered_on,
        source="patient" if actor.role is Role.PATIENT else "clinician", recorded_by=actor.user_id,
        answers=dict(scored.answers), scores=stored_scores(instrument, scored),
    )  # fmt: skip
    session.add(response)
    session.flush()
    audit_chart(session, actor, "create", RECORD_TYPE, response.id, patient_id=patient.id, at=at,
                changes=_audited(instrument, response))  # fmt: skip
    return response


def list_responses(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 200
) -> list[QuestionnaireResponse]:
    """The patient's responses, latest first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_OUTCOMES)
    found = repository.responses_of(session, actor.clinic_id, patient.id, limit=max(1, min(limit, 500)))
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def stored_scores(instrument: Instrument, scored: ResponseScore) -> list[dict[str, Any]]:
    """Each score as recorded: its value (None when too few items were answered), how many of its items were
    answered, the range it can take, and the band it fell in."""
    ranges = {rule.id: instrument.score_range(rule) for rule in instrument.scores}
    return [
        {"id": s.id, "name": s.name, "value": s.value, "answered": s.answered, "of": s.of,
         "range": list(ranges[s.id]), "band": s.band.label if s.band else None}
        for s in scored.scores
    ]  # fmt: skip


def _audited(instrument: Instrument, response: QuestionnaireResponse) -> dict[str, Any]:
    """What the audit entry says was written; free-text answers are left out, as an assessment's notes are."""
    free_text = {item.link_id for item in instrument.items if item.type is ItemType.TEXT}
    answers = {key: value for key, value in response.answers.items() if key not in free_text}
    return {
        "instrument": [None, f"{response.instrument_id} v{response.instrument_version}"],
        "answered_on": [None, response.answered_on.isoformat()],
        "source": [None, response.source],
        "answers": [None, answers],
        "scores": [None, {s["id"]: s["value"] for s in response.scores}],
    }
