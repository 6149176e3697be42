"""The loaded knowledge base: every catalogue as frozen domain objects, with lookups by id, name or synonym."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from exohair.domain.costing import Tariffs
from exohair.domain.endpoints import Endpoint
from exohair.domain.instruments import Instrument
from exohair.domain.protocols import Adjunct, Protocol
from exohair.domain.regimens import Agent, Named, Regimen, find_by_name, label_key
from exohair.domain.risk import RiskModel
from exohair.domain.safety import GateRules
from exohair.domain.scales import Scales

N = TypeVar("N", bound=Named)


def _index(entries: Iterable[N]) -> dict[str, N]:
    index: dict[str, N] = {}
    for entry in entries:
        for label in (entry.id, entry.name, *entry.synonyms):
            index.setdefault(label_key(label), entry)
            # The label as written, too, so an exact id skips normalising. A written label can only equal a
            # normalised key when it is already normalised, i.e. the same key of the same entry.
            index.setdefault(label, entry)
    return index


@dataclass(frozen=True)
class Knowledge:
    """Agents, regimens, protocols, adjuncts, gate rules, tariffs, the risk model, the outcome scales and the
    questionnaire instruments in force, and file versions.

    Lookups answer exactly as `find_by_name` does (the loader refuses ambiguous labels, so "first wins" never
    decides anything); a dictionary built once makes the common hit cheap, because planning looks regimens up
    thousands of times a second. A miss goes to `find_by_name`, which raises UnknownName with suggestions.
    """

    agents: tuple[Agent, ...]
    regimens: tuple[Regimen, ...]
    protocols: tuple[Protocol, ...]
    adjuncts: tuple[Adjunct, ...]
    gates: GateRules
    tariffs: Tariffs
    risk_model: RiskModel
    scales: Scales
    versions: Mapping[str, str]  # file name -> that file's `version:`
    instruments: tuple[Instrument, ...] = ()  # questionnaires patients and clinicians answer (instruments.yaml)
    endpoints: tuple[Endpoint, ...] = ()  # what the registry counts as success and as events (endpoints.yaml)
    _agents_by_label: dict[str, Agent] = field(init=False, repr=False, compare=False)
    _regimens_by_label: dict[str, Regimen] = field(init=False, repr=False, compare=False)
    _protocols_by_label: dict[str, Protocol] = field(init=False, repr=False, compare=False)
    _adjuncts_by_label: dict[str, Adjunct] = field(init=False, repr=False, compare=False)
    _hash: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A frozen dataclass sets its own derived fields through object.__setattr__.
        object.__setattr__(self, "versions", MappingProxyType(dict(self.versions)))
        object.__setattr__(self, "_agents_by_label", _index(self.agents))
        object.__setattr__(self, "_regimens_by_label", _index(self.regimens))
        object.__setattr__(self, "_protocols_by_label", _index(self.protocols))
        object.__setattr__(self, "_adjuncts_by_label", _index(self.adjuncts))
        object.__setattr__(self, "_hash", [])

    def __hash__(self) -> int:
        # Hashable by value so callers may cache results per knowledge base; computed once, on first use.
        if not self._hash:
            catalogues = (
                self.agents,
                self.regimens,
                self.protocols,
                self.adjuncts,
                self.gates,
                self.tariffs,
                self.risk_model,
                self.scales,
                self.instruments,
                self.endpoints,
            )
            self._hash.append(hash((catalogues, tuple(sorted(self.versions.items())))))
        return self._hash[0]

    def agent(self, name: str) -> Agent:
        found = self._agents_by_label.get(name) or self._agents_by_label.get(label_key(name))
        return found if found is not None else find_by_name("agent", self.agents, name)

    def regimen(self, name: str) -> Regimen:
        found = self._regimens_by_label.get(name) or self._regimens_by_label.get(label_key(name))
        return found if found is not None else find_by_name("regimen", self.regimens, name)

    def protocol(self, name: str) -> Protocol:
        found = self._protocols_by_label.get(name) or self._protocols_by_label.get(label_key(name))
        return found if found is not None else find_by_name("protocol", self.protocols, name)

    def instrument(self, instrument_id: str) -> Instrument | None:
        """The instrument in force with this id, or None (answers name instruments by id only)."""
        return next((i for i in self.instruments if i.id == instrument_id), None)

    def adjunct(self, name: str) -> Adjunct:
        found = self._adjuncts_by_label.get(name) or self._adjuncts_by_label.get(label_key(name))
        return found if found is not None else find_by_name("adjunct", self.adjuncts, name)


@dataclass(frozen=True)
class LoadedKnowledge:
    """The knowledge in force, one sentence for each override file (or directory) that was refused, and the text
    of each file a clinic may edit in the app (CLINIC_EDITABLE) as it is in force."""

    knowledge: Knowledge
    refusals: tuple[str, ...] = ()
    texts: Mapping[str, str] = field(default_factory=dict)
