"""Recognising a chemotherapy agent in a FHIR medication concept: by RxNorm code (agents.yaml `rxnorm`), by our own
agent code system (the exohair export), or — a fallback the import report names — by the drug's name in words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from exohair.domain.regimens import Agent, label_key
from exohair.interop.fhir import codes
from exohair.interop.fhir.reading import codings, words_of

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Recognised:
    agent_id: str
    via: str  # "rxnorm", "exohair" or "name"
    said: str  # what the entry called it


@dataclass(frozen=True, slots=True)
class DrugCatalogue:
    by_rxnorm: dict[str, str]
    by_id: dict[str, str]
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # (words of a name or synonym, agent id), longest first
    words: dict[str, frozenset[str]]  # agent id -> every word of its labels ("nab-paclitaxel" holds "paclitaxel")

    @classmethod
    def of(cls, agents: Sequence[Agent]) -> DrugCatalogue:
        phrases: dict[tuple[str, ...], str] = {}
        for agent in agents:
            for label in (agent.id, agent.name, *agent.synonyms):
                words = tuple(_WORD.findall(label.casefold()))
                if words:
                    phrases.setdefault(words, agent.id)
        ordered = tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))
        vocabulary = {a.id: frozenset(w for p, owner in phrases.items() if owner == a.id for w in p) for a in agents}
        return cls({c.code: a.id for a in agents for c in a.rxnorm}, {label_key(a.id): a.id for a in agents}, ordered,
                   vocabulary)  # fmt: skip

    def recognise(self, concept: object) -> Recognised | str | None:
        """The agent the concept names, None if it names none we know, or a sentence if it names several."""
        said = words_of(concept) or "an unnamed drug"
        for coding in codings(concept):
            system, code = coding.get("system"), str(coding.get("code", ""))
            if system == RXNORM and code in self.by_rxnorm:
                return Recognised(self.by_rxnorm[code], "rxnorm", said)
            if system == codes.AGENT and label_key(code) in self.by_id:
                return Recognised(self.by_id[label_key(code)], "exohair", said)
        found = self._by_name(said.casefold())
        # "Abraxane (paclitaxel protein-bound)" names nab-paclitaxel twice over, not nab-paclitaxel and paclitaxel:
        # an agent whose own name is part of another found agent's labels is that agent's variant, not a second drug.
        found = {a for a in found if not any(b != a and self._names_in(a, b) for b in found)}
        if len(found) > 1:
            return f"'{said}' names several agents ({', '.join(sorted(found))}); a combination product is not read."
        return Recognised(found.pop(), "name", said) if found else None

    def _names_in(self, agent: str, other: str) -> bool:
        own = {p for p, owner in self.phrases if owner == agent}
        return any(set(p) <= self.words[other] for p in own)

    def _by_name(self, text: str) -> set[str]:
        words = _WORD.findall(text)
        found: set[str] = set()
        taken = [False] * len(words)
        for phrase, agent_id in self.phrases:  # longest first: "nab paclitaxel" before "paclitaxel"
            n = len(phrase)
            for start in range(len(words) - n + 1):
                if tuple(words[start : start + n]) == phrase and not any(taken[start : start + n]):
                    found.add(agent_id)
                    taken[start : start + n] = [True] * n
        return found
