"""/api/v1: the questionnaire instruments in force for the caller's clinic, and a patient's responses.

Any account of the clinic may read the instruments (definitions, no patient data). A patient answers for herself;
a clinician records answers given at the clinic; coordinators and oncologists read them. Answers that do not fit
the instrument are refused with 422 `answers_refused`, whose `items` name each question at fault.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from exohair.domain.instruments import Instrument, Item
from exohair.features.questionnaires import service
from exohair.features.questionnaires.schemas import ResponseIn
from exohair.web.deps import Signed

router = APIRouter(tags=["questionnaires"])


class OptionOut(BaseModel):
    code: str
    display: str
    score: float | None


class ItemOut(BaseModel):
    link_id: str
    text: str
    type: str  # choice, integer, decimal, boolean or text
    required: bool
    options: list[OptionOut]
    min_value: float | None
    max_value: float | None
    min_label: str | None
    max_label: str | None


class BandOut(BaseModel):
    at_least: float
    label: str
    source: str
    evidence: str


class ScoreRuleOut(BaseModel):
    id: str
    name: str
    method: str  # sum or mean
    items: list[str]
    min_answered: int
    range: list[float]  # [lowest, highest] with every item answered
    bands: list[BandOut]


class InstrumentOut(BaseModel):
    id: str
    version: int
    title: str
    description: str
    licence: str
    source: str
    evidence: str  # V, V2, R or D (clinical.md); exohair's own instruments are D
    items: list[ItemOut]
    scores: list[ScoreRuleOut]


class ScoreOut(BaseModel):
    id: str
    name: str
    value: float | None  # null: too few of its items were answered
    answered: int
    of: int
    range: list[float]
    band: str | None


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    instrument_id: str
    instrument_version: int  # the version answered; a later version of the instrument does not change it
    instrument_title: str
    answered_on: date
    source: str  # "patient" or "clinician": who answered
    answers: dict[str, bool | int | float | str]
    scores: list[ScoreOut]
    recorded_by: uuid.UUID | None
    created_at: datetime


@router.get("/instruments", response_model=list[InstrumentOut],
            summary="The questionnaire instruments in force for my clinic")  # fmt: skip
def list_instruments(ctx: Signed) -> list[InstrumentOut]:
    return ctx.commit([_instrument_out(i) for i in ctx.knowledge.instruments])


@router.get("/patients/{patient_id}/questionnaire-responses", response_model=list[ResponseOut],
            summary="A patient's questionnaire responses, latest first")  # fmt: skip
def list_responses(
    ctx: Signed, patient_id: uuid.UUID, limit: Annotated[int, Query(ge=1, le=500)] = 200
) -> list[ResponseOut]:
    found = service.list_responses(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit)
    return ctx.commit([ResponseOut.model_validate(row) for row in found])


@router.post("/patients/{patient_id}/questionnaire-responses", response_model=ResponseOut, status_code=201,
             summary="Answer a questionnaire (a patient: for herself); the answers are checked and scored")  # fmt: skip
def record_response(ctx: Signed, patient_id: uuid.UUID, data: ResponseIn) -> ResponseOut:
    row = service.record_response(ctx.session, ctx.actor, patient_id, data, ctx.knowledge, at=ctx.at)
    return ctx.commit(ResponseOut.model_validate(row))


def _instrument_out(instrument: Instrument) -> InstrumentOut:
    return InstrumentOut(
        id=instrument.id, version=instrument.version, title=instrument.title, description=instrument.description,
        licence=instrument.licence, source=instrument.basis.source, evidence=instrument.basis.evidence.value,
        items=[_item_out(item) for item in instrument.items],
        scores=[
            ScoreRuleOut(
                id=rule.id, name=rule.name, method=rule.method.value, items=list(rule.items),
                min_answered=rule.min_answered, range=list(instrument.score_range(rule)),
                bands=[BandOut(at_least=b.at_least, label=b.label, source=b.basis.source,
                               evidence=b.basis.evidence.value) for b in rule.bands],
            )
            for rule in instrument.scores
        ],
    )  # fmt: skip


def _item_out(item: Item) -> ItemOut:
    return ItemOut(
        link_id=item.link_id, text=item.text, type=item.type.value, required=item.required,
        options=[OptionOut(code=o.code, display=o.display, score=o.score) for o in item.options],
        min_value=item.min_value, max_value=item.max_value, min_label=item.min_label, max_label=item.max_label,
    )  # fmt: skip
