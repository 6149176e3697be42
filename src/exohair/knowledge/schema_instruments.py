"""instruments.yaml: questionnaires defined as data (items, answer scales, scoring), shipped or a clinic's own.

exohair ships only instruments free to use; a clinic holding a licence (e.g. for CADS) publishes the licensed
text itself from the admin pages, and the same rules check it (docs/instruments.md). The shape follows a FHIR
Questionnaire loosely: an item's `link_id` is FHIR's linkId, `options` its answerOption, and an option's `score`
its ordinalValue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Self

from pydantic import BaseModel, Field, StrictBool, StringConstraints, model_validator

from exohair.domain.instruments import (
    SCORED_TYPES,
    AnswerOption,
    Band,
    Instrument,
    Item,
    ItemType,
    ScoreMethod,
    ScoreRule,
)
from exohair.knowledge.problems import Problem
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    EntryId,
    PositiveInt,
    SourcedModel,
    Text,
    Version,
    flowed,
    rule_error,
)

# What an answer is filed under for years: letters, digits, ".", "_" and "-" (FHIR linkIds such as "1.2" fit).
LinkId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class OptionEntry(BaseModel):
    model_config = MODEL_CONFIG

    code: LinkId
    display: Text
    score: Number | None = None  # omitted: this answer carries no score


class ItemEntry(BaseModel):
    model_config = MODEL_CONFIG

    link_id: LinkId
    text: Text
    type: ItemType
    required: StrictBool = False
    options: list[OptionEntry] = []
    min_value: Number | None = None
    max_value: Number | None = None
    min_label: Text | None = None
    max_label: Text | None = None

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Self:
        numeric = self.type in (ItemType.INTEGER, ItemType.DECIMAL)
        if (self.type is ItemType.CHOICE) != bool(self.options):
            raise rule_error(f"options are given for choice items only, and required there ({self.type.value})")
        if self.type is ItemType.CHOICE and len(self.options) < 2:
            raise rule_error("a choice needs at least two options")
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise rule_error(f"option codes must differ: {', '.join(codes)}")
        bounds = (self.min_value, self.max_value, self.min_label, self.max_label)
        if not numeric and any(b is not None for b in bounds):
            raise rule_error("min_value, max_value and their labels are for integer and decimal items only")
        if numeric and (self.min_value is None or self.max_value is None):
            raise rule_error(f"an {self.type.value} item needs min_value and max_value")
        if numeric and self.min_value is not None and self.max_value is not None:
            if self.min_value >= self.max_value:
                raise rule_error(f"min_value ({self.min_value:g}) must be below max_value ({self.max_value:g})")
            if self.type is ItemType.INTEGER and not (self.min_value.is_integer() and self.max_value.is_integer()):
                raise rule_error("an integer item's min_value and max_value are whole numbers")
        return self

    def to_domain(self) -> Item:
        return Item(
            link_id=self.link_id, text=flowed(self.text), type=self.type, required=self.required,
            options=tuple(AnswerOption(o.code, o.display, o.score) for o in self.options),
            min_value=self.min_value, max_value=self.max_value, min_label=self.min_label, max_label=self.max_label,
        )  # fmt: skip


class BandEntry(SourcedModel):
    """How to read a score from `at_least` up to the next band; a cut-off is a clinical number, so it cites."""

    at_least: Number
    label: Text


class ScoreEntry(BaseModel):
    model_config = MODEL_CONFIG

    id: EntryId
    name: Text
    method: ScoreMethod
    items: list[LinkId] = Field(min_length=1)
    min_answered: PositiveInt | None = None  # omitted: every item
    bands: list[BandEntry] = []

    @model_validator(mode="after")
    def _counts_and_order(self) -> Self:
        if len(set(self.items)) != len(self.items):
            raise rule_error("items: name each item once")
        if self.min_answered is not None and self.min_answered > len(self.items):
            raise rule_error(f"min_answered ({self.min_answered}) is more than its {len(self.items)} items")
        cuts = [band.at_least for band in self.bands]
        if cuts != sorted(set(cuts)):
            raise rule_error("bands: give them in increasing order of at_least, each cut-off once")
        return self

    def to_domain(self) -> ScoreRule:
        bands = tuple(Band(b.at_least, b.label, b.basis()) for b in self.bands)
        minimum = self.min_answered if self.min_answered is not None else len(self.items)
        return ScoreRule(self.id, self.name, self.method, tuple(self.items), minimum, bands)


class InstrumentEntry(SourcedModel):
    id: EntryId
    version: PositiveInt
    title: Text
    description: Text
    licence: Text
    items: list[ItemEntry] = Field(min_length=1, max_length=200)
    scores: list[ScoreEntry] = Field(default_factory=list)

    def to_domain(self) -> Instrument:
        return Instrument(
            id=self.id, version=self.version, title=self.title, description=flowed(self.description),
            licence=flowed(self.licence), basis=self.basis(), items=tuple(i.to_domain() for i in self.items),
            scores=tuple(s.to_domain() for s in self.scores),
        )  # fmt: skip


class InstrumentsFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    instruments: list[InstrumentEntry] = []  # a clinic may offer none

    def to_domain(self) -> tuple[Instrument, ...]:
        return tuple(entry.to_domain() for entry in self.instruments)


def instrument_problems(model: InstrumentsFile) -> Iterator[Problem]:
    """Unique ids and link ids, and scores that name scored items of their own instrument."""
    seen: dict[str, int] = {}
    for i, instrument in enumerate(model.instruments):
        if instrument.id in seen:
            yield Problem(
                ("instruments", i, "id"), f"duplicate id '{instrument.id}' (already #{seen[instrument.id] + 1})"
            )
        seen.setdefault(instrument.id, i)
        items: dict[str, ItemEntry] = {}
        for j, item in enumerate(instrument.items):
            if item.link_id in items:
                yield Problem(("instruments", i, "items", j, "link_id"), f"duplicate link_id '{item.link_id}'")
            items.setdefault(item.link_id, item)
        score_ids: set[str] = set()
        for k, score in enumerate(instrument.scores):
            if score.id in score_ids:
                yield Problem(("instruments", i, "scores", k, "id"), f"duplicate score id '{score.id}'")
            score_ids.add(score.id)
            for m, link_id in enumerate(score.items):
                where = ("instruments", i, "scores", k, "items", m)
                found = items.get(link_id)
                if found is None:
                    yield Problem(where, f"'{link_id}' is not an item of this instrument")
                elif found.type not in SCORED_TYPES:
                    yield Problem(where, f"'{link_id}' is a {found.type.value} item, which carries no score")
                elif found.type is ItemType.CHOICE and all(o.score is None for o in found.options):
                    yield Problem(where, f"'{link_id}': none of its options has a score")
