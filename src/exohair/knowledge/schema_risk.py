"""risk.yaml: the time course of CIA, the persistent-alopecia rule and what patient factors mean, with sources."""

from __future__ import annotations

from pydantic import BaseModel, Field

from exohair.domain.evidence import Sourced
from exohair.domain.risk import RiskModel
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    ConditionNoteEntry,
    SourcedModel,
    SourcedRangeModel,
    Version,
)


class SourcedQuantityModel(SourcedModel):
    """A positive clinical quantity in the unit its field name states (days, months, mg/m²)."""

    value: float = Field(gt=0)

    def to_domain(self) -> Sourced:
        return Sourced(self.value, self.basis())


class RiskFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    onset_days: SourcedQuantityModel
    regrowth_months: SourcedQuantityModel
    docetaxel_persistent_threshold_mg_m2: SourcedQuantityModel
    docetaxel_persistent_grade2: SourcedRangeModel
    factor_notes: list[ConditionNoteEntry]

    def to_domain(self) -> RiskModel:
        return RiskModel(
            onset_days=self.onset_days.to_domain(),
            regrowth_months=self.regrowth_months.to_domain(),
            docetaxel_persistent_threshold_mg_m2=self.docetaxel_persistent_threshold_mg_m2.to_domain(),
            docetaxel_persistent_grade2=self.docetaxel_persistent_grade2.to_domain(),
            factor_notes=tuple(note.to_domain() for note in self.factor_notes),
        )
