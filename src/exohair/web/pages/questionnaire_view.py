"""Questionnaires on pages: an instrument as form fields, and a response as its scores and answers in words.

Shared by the portal (the patient answers) and the chart's hair tab (staff read). A response is shown with the
questions of the version it answered (features/questionnaires/definitions.py), not today's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from exohair.db.models import QuestionnaireResponse
from exohair.domain.instruments import Instrument, Item, ItemType
from exohair.features.questionnaires import service as questionnaires
from exohair.features.questionnaires.definitions import instrument_at
from exohair.web.deps import Ctx

RATING_STEPS = 11  # a whole-number rating with at most this many values is shown as one row of choices (0-10)


@dataclass(frozen=True, slots=True)
class FormField:
    item: Item
    widget: str  # "choices" (radio buttons), "rating" (a row of numbers), "number" or "text"
    choices: tuple[tuple[str, str], ...] = ()  # (value sent, what it says)
    hint: str = ""


@dataclass(frozen=True, slots=True)
class ShownResponse:
    row: QuestionnaireResponse
    scores: tuple[str, ...]  # "Hair and scalp: 3 (0 to 8)"
    answers: tuple[tuple[str, str], ...]  # (question, answer) in the instrument's order


def form_fields(instrument: Instrument) -> list[FormField]:
    return [_field(item) for item in instrument.items]


def _field(item: Item) -> FormField:
    if item.type is ItemType.CHOICE:
        return FormField(item, "choices", tuple((o.code, o.display) for o in item.options))
    if item.type is ItemType.BOOLEAN:
        return FormField(item, "choices", (("yes", "Yes"), ("no", "No")))
    if item.type is ItemType.TEXT:
        return FormField(item, "text")
    low, high = item.min_value or 0, item.max_value or 0
    ends = "; ".join(label for label in (item.min_label, item.max_label) if label)
    if item.type is ItemType.INTEGER and high - low < RATING_STEPS:
        values = tuple((str(n), str(n)) for n in range(int(low), int(high) + 1))
        return FormField(item, "rating", values, ends)
    kind = "a whole number" if item.type is ItemType.INTEGER else "a number"
    return FormField(
        item, "number", hint=f"{kind} from {number(low)} to {number(high)}" + (f"; {ends}" if ends else "")
    )


def shown_responses(ctx: Ctx, patient_id: uuid.UUID, *, limit: int = 200) -> list[ShownResponse]:
    """The patient's responses, latest first, read through the service (which checks the role and audits)."""
    rows = questionnaires.list_responses(ctx.session, ctx.actor, patient_id, at=ctx.at, limit=limit)
    shown = []
    for row in rows:
        definition = instrument_at(ctx.session, ctx.knowledge, ctx.actor.clinic_id, row.instrument_id,
                                   row.instrument_version)  # fmt: skip
        shown.append(ShownResponse(row, tuple(_score(s) for s in row.scores), _answers(definition, row.answers)))
    return shown


def _score(stored: dict[str, Any]) -> str:
    low, high = stored.get("range") or (None, None)
    span = f" ({number(low)} to {number(high)})" if low is not None and high is not None else ""
    if stored.get("value") is None:
        return f"{stored['name']}: not scored, {stored['answered']} of {stored['of']} answered"
    band = f"; {stored['band']}" if stored.get("band") else ""
    return f"{stored['name']}: {number(stored['value'])}{span}{band}"


def _answers(definition: Instrument | None, answers: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    if definition is None:  # no longer on file anywhere: the answers as filed, under their link ids
        return tuple((link_id, _plain(value)) for link_id, value in answers.items())
    shown = []
    for item in definition.items:
        if item.link_id not in answers:
            continue
        value = answers[item.link_id]
        option = item.option(value) if isinstance(value, str) and item.type is ItemType.CHOICE else None
        shown.append((item.text, option.display if option is not None else _plain(value)))
    return tuple(shown)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return number(value) if isinstance(value, int | float) else str(value)


def number(value: float) -> str:
    """A score as people write it: 3, 2.5, 1.67 (never 3.0 or 1.6666666666666667)."""
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"
