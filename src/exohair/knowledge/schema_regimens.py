"""regimens.yaml: chemotherapy regimens as phases of cycles, with the alopecia and cooling figures for each.

Rules that compare one field with another (an infusion day inside its cycle, an IV agent given on an infusion
day, at least one cytotoxic phase) live in `schema_rules`, so their messages can point at the exact field.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from exohair.domain.regimens import AgentDose, CiaRisk, Phase, Regimen
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    BasisModel,
    EntryId,
    NadirModel,
    PositiveInt,
    SourcedFractionModel,
    SourcedRangeModel,
    Synonyms,
    Text,
    Version,
)

DoseUnit = Literal["mg/m2", "mg/kg", "AUC", "mg"]
Route = Literal["IV", "PO", "SC"]


class AgentDoseEntry(BaseModel):
    model_config = MODEL_CONFIG

    agent: EntryId  # an id from agents.yaml (checked across files)
    # null where the dose is individualised or not given by the reference; never a guessed number
    dose: float | None = Field(strict=True, gt=0)
    unit: DoseUnit
    route: Route
    days: list[PositiveInt] = Field(min_length=1)
    note: str = ""

    def to_domain(self) -> AgentDose:
        return AgentDose(self.agent, self.dose, self.unit, self.route, tuple(self.days), self.note.strip())


class PhaseEntry(BaseModel):
    model_config = MODEL_CONFIG

    name: Text
    cycle_days: PositiveInt
    cycles: PositiveInt
    infusion_days: list[PositiveInt] = Field(min_length=1)
    maintenance: bool = False
    agents: list[AgentDoseEntry] = Field(min_length=1)
    nadir: NadirModel | None  # required key: null for non-myelosuppressive phases (trastuzumab maintenance)

    def to_domain(self) -> Phase:
        return Phase(
            name=self.name,
            cycle_days=self.cycle_days,
            cycles=self.cycles,
            infusion_days=tuple(self.infusion_days),
            agents=tuple(agent.to_domain() for agent in self.agents),
            nadir=self.nadir.to_domain() if self.nadir else None,
            maintenance=self.maintenance,
        )


class RegimenEntry(BaseModel):
    model_config = MODEL_CONFIG

    id: EntryId
    name: Text
    synonyms: Synonyms = ()
    indication: Text
    cia_risk: CiaRisk
    schedule_basis: BasisModel
    p_grade2: SourcedFractionModel
    scalp_cooling_success: SourcedRangeModel | None  # required key: null where the reference says nothing
    note: str = ""
    phases: list[PhaseEntry] = Field(min_length=1)

    def to_domain(self) -> Regimen:
        return Regimen(
            id=self.id,
            name=self.name,
            synonyms=self.synonyms,
            indication=self.indication,
            phases=tuple(phase.to_domain() for phase in self.phases),
            cia_risk=self.cia_risk,
            schedule_basis=self.schedule_basis.to_domain(),
            p_grade2=self.p_grade2.to_domain(),
            scalp_cooling_success=self.scalp_cooling_success.to_domain() if self.scalp_cooling_success else None,
            note=" ".join(self.note.split()),
        )


class RegimensFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    regimens: list[RegimenEntry] = Field(min_length=1)

    def to_domain(self) -> tuple[Regimen, ...]:
        return tuple(entry.to_domain() for entry in self.regimens)
