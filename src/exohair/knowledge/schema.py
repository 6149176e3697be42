"""The knowledge files and the pydantic model that validates each.

Each model is strict about shape (`extra="forbid"`: a misspelt field is an error, not a silently ignored
line) and converts itself into the frozen domain dataclasses with `to_domain()`. The models are split by
topic (schema_agents, schema_regimens, ...); rules that span fields or files are in `schema_rules`.
"""

from __future__ import annotations

from pydantic import BaseModel

from exohair.knowledge.schema_agents import AgentEntry, AgentsFile
from exohair.knowledge.schema_common import BasisModel, NadirModel, SourcedFractionModel, SourcedRangeModel
from exohair.knowledge.schema_endpoints import EndpointsFile
from exohair.knowledge.schema_gates import REQUIRED_CONTRAINDICATIONS, GatesFile
from exohair.knowledge.schema_instruments import InstrumentsFile
from exohair.knowledge.schema_protocols import AdjunctEntry, ProtocolEntry, ProtocolsFile
from exohair.knowledge.schema_regimens import AgentDoseEntry, PhaseEntry, RegimenEntry, RegimensFile
from exohair.knowledge.schema_risk import RiskFile
from exohair.knowledge.schema_scales import ScalesFile
from exohair.knowledge.schema_tariffs import TariffsFile

# Load order matters only for reading; agents come first because regimens refer to them.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "agents.yaml": AgentsFile,
    "regimens.yaml": RegimensFile,
    "protocols.yaml": ProtocolsFile,
    "gates.yaml": GatesFile,
    "tariffs.yaml": TariffsFile,
    "risk.yaml": RiskFile,
    "scales.yaml": ScalesFile,
    "instruments.yaml": InstrumentsFile,
    "endpoints.yaml": EndpointsFile,
}
FILE_NAMES = tuple(FILE_MODELS)

__all__ = [
    "FILE_MODELS",
    "FILE_NAMES",
    "REQUIRED_CONTRAINDICATIONS",
    "AdjunctEntry",
    "AgentDoseEntry",
    "AgentEntry",
    "AgentsFile",
    "BasisModel",
    "EndpointsFile",
    "GatesFile",
    "InstrumentsFile",
    "NadirModel",
    "PhaseEntry",
    "ProtocolEntry",
    "ProtocolsFile",
    "RegimenEntry",
    "RegimensFile",
    "RiskFile",
    "SourcedFractionModel",
    "SourcedRangeModel",
    "TariffsFile",
]
