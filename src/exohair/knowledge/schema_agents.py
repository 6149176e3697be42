"""agents.yaml: chemotherapy and supportive agents, their alopecia risk and their blood-count nadir."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from exohair.domain.regimens import Agent, CiaRisk, DrugCode
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    EntryId,
    NadirModel,
    SourcedFractionModel,
    SourcedModel,
    Synonyms,
    Text,
    Version,
)


class CiaRiskModel(SourcedModel):
    """The agent's alopecia risk class (clinical.md §2a); `level` because `class` is a keyword."""

    level: CiaRisk


class RxNormModel(SourcedModel):
    """An RxNorm concept for the agent, with where the code was read (RxNav is the primary source)."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}$")]
    display: Text
    tty: Literal["IN", "SCD"]

    def to_domain(self) -> DrugCode:
        return DrugCode(self.code, self.display, self.tty, self.basis())


class AgentEntry(BaseModel):
    model_config = MODEL_CONFIG

    id: EntryId
    name: Text
    synonyms: Synonyms = ()
    drug_class: Text
    cia_risk: CiaRiskModel
    incidence: SourcedFractionModel | None  # required key: null says "the reference has no number"
    nadir: NadirModel | None  # required key: null says "not myelosuppressive"
    rxnorm: list[RxNormModel] = Field(default_factory=list)

    def to_domain(self) -> Agent:
        return Agent(
            id=self.id,
            name=self.name,
            synonyms=self.synonyms,
            drug_class=self.drug_class,
            cia_risk=self.cia_risk.level,
            cia_risk_basis=self.cia_risk.basis(),
            incidence=self.incidence.to_domain() if self.incidence else None,
            nadir=self.nadir.to_domain() if self.nadir else None,
            rxnorm=tuple(code.to_domain() for code in self.rxnorm),
        )


class AgentsFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    agents: list[AgentEntry] = Field(min_length=1)

    def to_domain(self) -> tuple[Agent, ...]:
        return tuple(entry.to_domain() for entry in self.agents)
