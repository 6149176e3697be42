"""Chemotherapy agents and regimens: what is given, on which days of which cycle, and when counts fall."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from exohair.domain.errors import NotFound
from exohair.domain.evidence import Basis, Sourced, SourcedRange


class CiaRisk(StrEnum):
    """Chemotherapy-induced alopecia risk class (clinical.md §2a)."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class NadirWindow:
    """Neutrophil nadir, as whole days after a dose: dose date + start_day .. dose date + end_day."""

    start_day: int
    end_day: int
    basis: Basis


@dataclass(frozen=True, slots=True)
class DrugCode:
    """An RxNorm concept that names this agent: the ingredient itself (term type IN) or a clinical drug made of it
    alone (SCD, e.g. "10 ML Doxorubicin Hydrochloride 2 MG/ML Injection", as EHRs and Synthea code orders)."""

    code: str
    display: str
    term_type: str  # "IN" or "SCD"
    basis: Basis


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    synonyms: tuple[str, ...]
    drug_class: str
    cia_risk: CiaRisk
    cia_risk_basis: Basis
    incidence: Sourced | None  # any-grade alopecia, fraction 0..1, where known
    nadir: NadirWindow | None  # None for agents that are not myelosuppressive (e.g. trastuzumab)
    rxnorm: tuple[DrugCode, ...] = ()  # how FHIR imports recognise the agent (interop/fhir/reading.py)


@dataclass(frozen=True, slots=True)
class AgentDose:
    agent_id: str
    dose: float | None  # None where the dose is individualised (e.g. "AUC 6", or weight-based)
    unit: str  # "mg/m2", "mg/kg", "AUC", "mg"
    route: str  # "IV", "PO", "SC"
    days: tuple[int, ...]  # cycle days on which this agent is given (1-based)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Phase:
    """One sequential block of a regimen: `cycles` cycles of `cycle_days`, with infusions on `infusion_days`.

    A maintenance phase (e.g. trastuzumab to complete one year) still occupies infusion days, but it is not
    cytotoxic: hair regrowth is anchored to the last infusion of the last non-maintenance phase.
    """

    name: str
    cycle_days: int
    cycles: int
    infusion_days: tuple[int, ...]
    agents: tuple[AgentDose, ...]
    nadir: NadirWindow | None
    maintenance: bool = False


@dataclass(frozen=True, slots=True)
class Regimen:
    id: str
    name: str
    synonyms: tuple[str, ...]
    indication: str
    phases: tuple[Phase, ...]
    cia_risk: CiaRisk
    schedule_basis: Basis  # where the drugs, doses and schedule come from
    # Probability of CTCAE grade >= 2 alopecia without intervention; None for a custom regimen, which has no
    # published figure (custom_regimens.py).
    p_grade2: Sourced | None
    scalp_cooling_success: SourcedRange | None  # P(keeping >= 50% of hair with cooling), where known
    note: str = ""

    @property
    def total_cycles(self) -> int:
        return sum(p.cycles for p in self.phases)

    def cumulative_dose(self, agent_id: str) -> float:
        """Planned cumulative dose of one agent in its own unit (e.g. mg/m2), over every phase and dose day."""
        total = 0.0
        for phase in self.phases:
            for agent in phase.agents:
                if agent.agent_id == agent_id and agent.dose is not None:
                    total += agent.dose * len(agent.days) * phase.cycles
        return total


class UnknownName(NotFound):
    """A name that matches no catalogue entry; `suggestions` holds the closest ids."""

    code = "unknown_name"

    def __init__(self, kind: str, name: str, suggestions: Sequence[str], known: Sequence[str] = ()) -> None:
        if suggestions:
            hint = f" Did you mean: {', '.join(suggestions)}?"
        elif known:
            hint = f" Known {kind}s: {', '.join(known[:12])}{', …' if len(known) > 12 else ''}."
        else:
            hint = ""
        super().__init__(f"Unknown {kind} '{name}'.{hint}")
        self.kind = kind
        self.name = name
        self.suggestions = tuple(suggestions)


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def synonyms(self) -> tuple[str, ...]: ...


N = TypeVar("N", bound=Named)


def label_key(name: str) -> str:
    """How names are compared: case, spaces and punctuation ignored ("dd-AC" == "ddac")."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def find_by_name(kind: str, entries: Iterable[N], name: str) -> N:
    """Find an entry by id, name or synonym, ignoring case, spaces and punctuation ("dd-AC" == "ddac").

    Raises UnknownName with up to three close matches when nothing matches exactly.
    """
    by_key: dict[str, N] = {}
    label_of: dict[str, str] = {}
    for entry in entries:
        for label in (entry.id, entry.name, *entry.synonyms):
            key = label_key(label)
            by_key.setdefault(key, entry)
            label_of.setdefault(key, entry.id)
    wanted = label_key(name)
    if wanted in by_key:
        return by_key[wanted]
    close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.5)
    suggestions = list(dict.fromkeys(label_of[k] for k in close))[:3]
    raise UnknownName(kind, name, suggestions, list(dict.fromkeys(label_of.values())))
