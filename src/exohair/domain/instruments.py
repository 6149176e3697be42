"""Questionnaires defined as data, in the spirit of a FHIR Questionnaire: an instrument's items (each with a
`link_id`, its text, its answer type and scale), and how its answers are scored.

Instruments are data because the validated ones that matter for hair loss (CADS, the EORTC "upset by hair loss"
item) are under copyright: exohair ships only instruments free to use (instruments.yaml), and a clinic that holds
a licence loads the licensed text itself (docs/instruments.md). This module only reads an instrument and scores
one set of answers; it never ships the words of one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.errors import InvalidInput
from exohair.domain.evidence import Basis

MAX_TEXT_CHARS = 2000  # a free-text answer; the same limit as an assessment's notes


class ItemType(StrEnum):
    CHOICE = "choice"  # one of the item's answer options
    INTEGER = "integer"  # a whole number between the item's min_value and max_value (a rating)
    DECIMAL = "decimal"  # any number between them
    BOOLEAN = "boolean"  # yes or no
    TEXT = "text"  # free text, never scored


SCORED_TYPES = frozenset({ItemType.CHOICE, ItemType.INTEGER, ItemType.DECIMAL})


class ScoreMethod(StrEnum):
    SUM = "sum"
    MEAN = "mean"


Answer = str | int | float | bool


@dataclass(frozen=True, slots=True)
class AnswerOption:
    code: str
    display: str
    score: float | None = None  # None: an answer that counts as not scored (e.g. "I'd rather not say")


@dataclass(frozen=True, slots=True)
class Item:
    link_id: str
    text: str
    type: ItemType
    required: bool = False
    options: tuple[AnswerOption, ...] = ()  # choice items only
    min_value: float | None = None  # integer and decimal items: both bounds are given
    max_value: float | None = None
    min_label: str | None = None  # what the ends of a rating mean, e.g. "none of my hair"
    max_label: str | None = None

    def option(self, code: str) -> AnswerOption | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True, slots=True)
class Band:
    """How to read a score from `at_least` up to the next band's `at_least` (the last band: to the top)."""

    at_least: float
    label: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class ScoreRule:
    id: str
    name: str
    method: ScoreMethod
    items: tuple[str, ...]  # link ids of scored items
    min_answered: int  # fewer items with a score than this: no score (a sum of part of the items misleads)
    bands: tuple[Band, ...] = ()  # in increasing order of at_least

    def band(self, value: float) -> Band | None:
        found = None
        for band in self.bands:
            if value >= band.at_least:
                found = band
        return found


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    version: int  # a changed instrument gets a higher version; a response keeps the one it was answered with
    title: str
    description: str
    licence: str  # who may use the text, and on what terms
    basis: Basis  # where the instrument comes from and how firmly it is established (D for exohair's own)
    items: tuple[Item, ...]
    scores: tuple[ScoreRule, ...] = ()

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    def score_range(self, rule: ScoreRule) -> tuple[float, float]:
        """The lowest and highest value `rule` gives when every one of its items is answered with a score: a sum
        adds the items' lowest and highest scores, a mean lies between the lowest and the highest of them."""
        ends = [_item_range(item) for link_id in rule.items if (item := self.item(link_id)) is not None]
        lows, highs = [low for low, _ in ends], [high for _, high in ends]
        if rule.method is ScoreMethod.SUM:
            return math.fsum(lows), math.fsum(highs)
        return min(lows), max(highs)


def _item_range(item: Item) -> tuple[float, float]:
    if item.type is ItemType.CHOICE:
        scores = [o.score for o in item.options if o.score is not None]
        return min(scores), max(scores)
    assert item.min_value is not None
    assert item.max_value is not None
    return item.min_value, item.max_value


@dataclass(frozen=True, slots=True)
class ScoreResult:
    id: str
    name: str
    value: float | None  # None: fewer than min_answered of its items were answered with a score
    answered: int  # its items answered with a score
    of: int  # its items
    band: Band | None


@dataclass(frozen=True, slots=True)
class ResponseScore:
    answers: tuple[tuple[str, Answer], ...]  # (link id, answer) in the instrument's order, answered items only
    scores: tuple[ScoreResult, ...]


class AnswersRefused(InvalidInput):
    """Answers that do not fit the instrument; `problems` holds (link id, sentence) for every item at fault, so a
    form can show each beside its question and the API can name them."""

    code = "answers_refused"

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"item '{link_id}': {message}" for link_id, message in self.problems))

    def extensions(self) -> dict[str, object]:
        return {"items": [{"link_id": link_id, "message": message} for link_id, message in self.problems]}


def score_response(instrument: Instrument, answers: Mapping[str, object]) -> ResponseScore:
    """Check `answers` ({link id: answer}; None or blank text: not answered) against `instrument` and score them.

    Each score rule gives sum(s_i) or mean(s_i) = sum(s_i) / n over the n of its items answered with a score
    s_i (an option's score, or a number answered), in the instrument's own units, provided n >= min_answered.
    Raises AnswersRefused naming every item at fault: an unknown item, a required one unanswered, a choice that
    is not one of the item's options, a number of the wrong kind or out of its range.
    """
    problems = [(link_id, "not a question of this questionnaire") for link_id in answers
                if instrument.item(link_id) is None]  # fmt: skip
    kept: list[tuple[str, Answer]] = []
    for item in instrument.items:
        raw = answers.get(item.link_id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if item.required:
                problems.append((item.link_id, "an answer is needed"))
            continue
        answer, problem = _checked(item, raw)
        if problem:
            problems.append((item.link_id, problem))
        elif answer is not None:
            kept.append((item.link_id, answer))
    if problems:
        raise AnswersRefused(problems)
    given = dict(kept)
    return ResponseScore(tuple(kept), tuple(_score(instrument, rule, given) for rule in instrument.scores))


def answers_from_text(instrument: Instrument, texts: Mapping[str, str]) -> dict[str, object]:
    """Answers typed into a form ({link id: text}) as score_response takes them: whole numbers, numbers (a decimal
    comma is read as a point), yes/no as booleans. Text that does not read as its item's kind is passed on as
    typed, so score_response refuses it with the item's own sentence and the form keeps what was typed."""
    answers: dict[str, object] = {}
    for item in instrument.items:
        text = texts.get(item.link_id, "").strip()
        if not text:
            continue
        answers[item.link_id] = _read(item.type, text)
    return answers


def _read(kind: ItemType, text: str) -> object:
    try:
        if kind is ItemType.INTEGER:
            return int(text) if text.lstrip("+-").isdigit() else text
        if kind is ItemType.DECIMAL:
            number = float(text.replace(",", "."))
            return number if math.isfinite(number) else text
    except ValueError:
        return text
    if kind is ItemType.BOOLEAN:
        return {"yes": True, "no": False}.get(text.lower(), text)
    return text


def _checked(item: Item, raw: object) -> tuple[Answer | None, str]:
    """The answer as kept, or an empty answer and the sentence saying what is wrong."""
    if item.type is ItemType.CHOICE:
        codes = ", ".join(o.code for o in item.options)
        if not isinstance(raw, str):
            return None, f"expects the code of one of its answers, as text ({codes})"
        if item.option(raw) is None:
            return None, f"'{raw[:40]}' is not one of its answers ({codes})"
        return raw, ""
    if item.type is ItemType.BOOLEAN:
        return (raw, "") if isinstance(raw, bool) else (None, "expects yes or no (true or false)")
    if item.type is ItemType.TEXT:
        if not isinstance(raw, str):
            return None, "expects text"
        text = raw.strip()
        return (text, "") if len(text) <= MAX_TEXT_CHARS else (None, f"at most {MAX_TEXT_CHARS} characters")
    whole = item.type is ItemType.INTEGER
    within = f"from {_number(item.min_value)} to {_number(item.max_value)}"
    if isinstance(raw, bool) or not isinstance(raw, int | float) or (whole and not isinstance(raw, int)):
        return None, f"expects {'a whole number' if whole else 'a number'} {within}"
    assert item.min_value is not None
    assert item.max_value is not None
    if not math.isfinite(raw) or not item.min_value <= raw <= item.max_value:
        return None, f"{_number(raw)} is outside its range: {within}"
    return (raw if whole else float(raw)), ""


def _score(instrument: Instrument, rule: ScoreRule, given: Mapping[str, Answer]) -> ScoreResult:
    scores = []
    for link_id in rule.items:
        item, answer = instrument.item(link_id), given.get(link_id)
        if item is not None and answer is not None and (score := _item_score(item, answer)) is not None:
            scores.append(score)
    value: float | None = None
    if scores and len(scores) >= rule.min_answered:
        total = math.fsum(scores)  # exact for the sums of small numbers scores are made of
        value = total if rule.method is ScoreMethod.SUM else total / len(scores)
    band = rule.band(value) if value is not None else None
    return ScoreResult(rule.id, rule.name, value, len(scores), len(rule.items), band)


def _item_score(item: Item, answer: Answer) -> float | None:
    if item.type is ItemType.CHOICE and isinstance(answer, str):
        option = item.option(answer)
        return option.score if option is not None else None
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL) and isinstance(answer, int | float):
        return float(answer)
    return None  # yes/no and text answers carry no score


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
