"""gates.yaml: what a session must pass on the day (labs, nadir, infusion buffer, contraindications)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from exohair.domain.safety import Comparator, Contraindication, GateRules, LabAnalyte, LabThreshold
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    BasisModel,
    Code,
    NonNegativeInt,
    PositiveInt,
    SourcedModel,
    Text,
    Version,
)

# Intake records these patient facts under these codes, and the gate raises each under the same code, so a
# clinic may reword or re-source them but not drop one (an override that does is refused by schema_rules).
REQUIRED_CONTRAINDICATIONS = (
    "haematological_malignancy",
    "scalp_metastases",
    "active_scalp_infection",
    "bleeding_disorder",
    "pregnancy",
    "product_hypersensitivity",
    "product_unregistered",
    "fever",
)


class LabThresholdEntry(SourcedModel):
    code: Code
    analyte: LabAnalyte
    comparator: Comparator
    value: float = Field(strict=True, gt=0)
    unit: Text
    only_when_anticoagulated: bool = False

    def to_domain(self) -> LabThreshold:
        return LabThreshold(
            code=self.code,
            analyte=self.analyte,
            comparator=self.comparator,
            value=self.value,
            unit=self.unit,
            basis=self.basis(),
            only_when_anticoagulated=self.only_when_anticoagulated,
        )


class LabsMaxAge(SourcedModel):
    hours: PositiveInt


class NadirRule(SourcedModel):
    avoid: bool


class InfusionBuffer(SourcedModel):
    days: NonNegativeInt


class ContraindicationEntry(SourcedModel):
    code: Code
    label: Text
    message: Text

    def to_domain(self) -> Contraindication:
        return Contraindication(self.code, self.label, " ".join(self.message.split()), self.basis())


class GatesFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    lab_thresholds: list[LabThresholdEntry] = Field(min_length=1)
    labs_max_age: LabsMaxAge
    nadir: NadirRule
    infusion_buffer: InfusionBuffer
    contraindications: list[ContraindicationEntry] = Field(min_length=1)
    clearance_basis: BasisModel
    consent_basis: BasisModel

    def to_domain(self) -> GateRules:
        return GateRules(
            lab_thresholds=tuple(t.to_domain() for t in self.lab_thresholds),
            labs_max_age_hours=self.labs_max_age.hours,
            labs_max_age_basis=self.labs_max_age.basis(),
            avoid_nadir=self.nadir.avoid,
            nadir_basis=self.nadir.basis(),
            infusion_buffer_days=self.infusion_buffer.days,
            infusion_buffer_basis=self.infusion_buffer.basis(),
            contraindications=tuple(c.to_domain() for c in self.contraindications),
            clearance_basis=self.clearance_basis.to_domain(),
            consent_basis=self.consent_basis.to_domain(),
        )
