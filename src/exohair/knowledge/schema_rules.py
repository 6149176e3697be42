"""Rules that look across fields or entries: unique ids, unambiguous names, days inside their cycle, and
references from one file to another. Each yields a Problem located at the exact field to fix."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

from pydantic import BaseModel

from exohair.domain.regimens import Named, label_key
from exohair.knowledge.problems import Loc, Problem
from exohair.knowledge.schema_agents import AgentsFile
from exohair.knowledge.schema_gates import REQUIRED_CONTRAINDICATIONS, GatesFile
from exohair.knowledge.schema_instruments import InstrumentsFile, instrument_problems
from exohair.knowledge.schema_protocols import ProtocolsFile
from exohair.knowledge.schema_regimens import PhaseEntry, RegimensFile


def _names(section: str, entries: Sequence[Named]) -> Iterator[Problem]:
    """Ids must be unique, and no id, name or synonym may also lead to another entry, since a lookup by that
    label would silently pick whichever entry came first."""
    first_with_id: dict[str, int] = {}
    owner: dict[str, int] = {}
    for index, entry in enumerate(entries):
        ident = entry.id
        if ident in first_with_id:
            yield Problem(
                (section, index, "id"), f"duplicate id '{ident}' (already used by #{first_with_id[ident] + 1})"
            )
            continue
        first_with_id[ident] = index
        labels: list[tuple[Loc, str]] = [((section, index, "id"), ident), ((section, index, "name"), entry.name)]
        labels += [((section, index, "synonyms", k), s) for k, s in enumerate(entry.synonyms)]
        for loc, label in labels:
            key = label_key(label)
            if not key:
                yield Problem(loc, f"'{label}' has no letters or digits to look it up by")
            elif owner.setdefault(key, index) != index:
                yield Problem(loc, f"'{label}' already names entry '{entries[owner[key]].id}'")


def _phase_problems(loc: Loc, phase: PhaseEntry) -> Iterator[Problem]:
    within = f"1..{phase.cycle_days}"
    if phase.infusion_days != sorted(set(phase.infusion_days)):
        yield Problem((*loc, "infusion_days"), "days must be listed in increasing order, each once")
    for k, day in enumerate(phase.infusion_days):
        if day > phase.cycle_days:
            yield Problem((*loc, "infusion_days", k), f"day {day} is outside the {phase.cycle_days}-day cycle")
    for j, agent in enumerate(phase.agents):
        for k, day in enumerate(agent.days):
            where = (*loc, "agents", j, "days", k)
            if day > phase.cycle_days:
                yield Problem(where, f"day {day} is outside the cycle ({within})")
            elif agent.route != "PO" and day not in phase.infusion_days:
                # Infusion days drive the calendar and the gate's buffer; an IV day missing from them would
                # let a session land on a chemotherapy day.
                yield Problem(where, f"{agent.route} day {day} is not one of the phase's infusion_days")


def _regimen_problems(model: RegimensFile) -> Iterator[Problem]:
    yield from _names("regimens", model.regimens)
    for i, regimen in enumerate(model.regimens):
        if all(phase.maintenance for phase in regimen.phases):
            yield Problem(("regimens", i, "phases"), "needs at least one phase that is not maintenance")
        for p, phase in enumerate(regimen.phases):
            yield from _phase_problems(("regimens", i, "phases", p), phase)


def _protocol_problems(model: ProtocolsFile) -> Iterator[Problem]:
    yield from _names("protocols", model.protocols)
    yield from _names("adjuncts", model.adjuncts)
    for i, protocol in enumerate(model.protocols):
        for j, rule in enumerate(protocol.sessions):
            if rule.count > 1 and rule.every_days < protocol.min_interval_days:
                yield Problem(
                    ("protocols", i, "sessions", j, "every_days"),
                    f"{rule.every_days} days is shorter than min_interval_days ({protocol.min_interval_days})",
                )


def _gate_problems(model: GatesFile) -> Iterator[Problem]:
    for section, codes in (
        ("lab_thresholds", [t.code for t in model.lab_thresholds]),
        ("contraindications", [c.code for c in model.contraindications]),
    ):
        for index, code in enumerate(codes):
            if code in codes[:index]:
                yield Problem((section, index, "code"), f"duplicate code '{code}'")
    present = {c.code for c in model.contraindications}
    missing = [code for code in REQUIRED_CONTRAINDICATIONS if code not in present]
    if missing:
        yield Problem(("contraindications",), f"missing required code(s): {', '.join(missing)}")


def _rxnorm_problems(model: AgentsFile) -> Iterator[Problem]:
    """An RxNorm code names one agent: a FHIR import reads the drug by it, and two owners would be a guess."""
    owner: dict[str, str] = {}
    for index, agent in enumerate(model.agents):
        for k, code in enumerate(agent.rxnorm):
            if owner.setdefault(code.code, agent.id) != agent.id:
                yield Problem(("agents", index, "rxnorm", k, "code"),
                              f"RxNorm {code.code} already names agent '{owner[code.code]}'")  # fmt: skip


def file_problems(model: BaseModel) -> list[Problem]:
    """Rules within one file (its own schema already passed)."""
    if isinstance(model, RegimensFile):
        return list(_regimen_problems(model))
    if isinstance(model, AgentsFile):
        return [*_names("agents", model.agents), *_rxnorm_problems(model)]
    if isinstance(model, ProtocolsFile):
        return list(_protocol_problems(model))
    if isinstance(model, GatesFile):
        return list(_gate_problems(model))
    if isinstance(model, InstrumentsFile):
        return list(instrument_problems(model))
    return []


@dataclass(frozen=True, slots=True)
class CrossProblem:
    """A problem found in `file` that exists because of what the files in `depends_on` contain."""

    file: str
    problem: Problem
    depends_on: tuple[str, ...]


def cross_file_problems(agents: AgentsFile, regimens: RegimensFile) -> list[CrossProblem]:
    """Every agent a regimen names must exist in agents.yaml."""
    known = [agent.id for agent in agents.agents]
    problems = []
    for i, regimen in enumerate(regimens.regimens):
        for p, phase in enumerate(regimen.phases):
            for j, dose in enumerate(phase.agents):
                if dose.agent in known:
                    continue
                close = get_close_matches(dose.agent, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                loc = ("regimens", i, "phases", p, "agents", j, "agent")
                message = f"unknown agent id '{dose.agent}' (not in agents.yaml){hint}"
                problems.append(CrossProblem("regimens.yaml", Problem(loc, message), ("agents.yaml",)))
    return problems
