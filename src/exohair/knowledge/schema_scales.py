"""scales.yaml: how hair outcomes are scored (Dean bands, CTCAE v5.0 alopecia grades, the distress rating)."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, Field, StrictInt, model_validator

from exohair.domain.scales import CtcaeGrade, DeanScore, RatingScale, Scales
from exohair.knowledge.schema_common import MODEL_CONFIG, SourcedModel, Text, Version, rule_error


class DeanEntry(SourcedModel):
    score: StrictInt = Field(ge=0, le=4)
    above_percent: StrictInt | None = Field(ge=0, le=100)
    up_to_percent: StrictInt = Field(ge=0, le=100)
    label: Text

    def to_domain(self) -> DeanScore:
        return DeanScore(self.score, self.above_percent, self.up_to_percent, self.label, self.basis())


class CtcaeEntry(SourcedModel):
    grade: StrictInt = Field(ge=1, le=2)  # CTCAE v5.0 defines grades 1 and 2 for alopecia only
    definition: Text

    def to_domain(self) -> CtcaeGrade:
        return CtcaeGrade(self.grade, self.definition, self.basis())


class RatingEntry(SourcedModel):
    name: Text
    low: StrictInt
    high: StrictInt
    low_label: Text
    high_label: Text

    def to_domain(self) -> RatingScale:
        return RatingScale(self.name, self.low, self.high, self.low_label, self.high_label, self.basis())


class ScalesFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    dean: list[DeanEntry] = Field(min_length=5, max_length=5)
    ctcae_alopecia: list[CtcaeEntry] = Field(min_length=2, max_length=2)
    distress: RatingEntry

    @model_validator(mode="after")
    def _bands_in_order(self) -> Self:
        if [d.score for d in self.dean] != [0, 1, 2, 3, 4]:
            raise rule_error("dean: give scores 0, 1, 2, 3 and 4 in that order")
        for before, after in zip(self.dean, self.dean[1:], strict=False):
            if after.above_percent != before.up_to_percent:
                raise rule_error(f"dean: score {after.score} must start where score {before.score} ends")
        if [g.grade for g in self.ctcae_alopecia] != [1, 2]:
            raise rule_error("ctcae_alopecia: give grades 1 and 2 in that order")
        return self

    def to_domain(self) -> Scales:
        return Scales(
            dean=tuple(d.to_domain() for d in self.dean),
            ctcae_alopecia=tuple(g.to_domain() for g in self.ctcae_alopecia),
            distress=self.distress.to_domain(),
        )
