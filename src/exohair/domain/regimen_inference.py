"""Which regimen a patient is on, read from the drugs she was given and their dates (a FHIR import, say).

Each catalogue regimen is laid against the dose days: the first dose day is cycle 1 day 1, and every later dose
day takes the regimen's next infusion (a regimen infusion with no dose day near it is taken as not recorded). A
regimen is scored on four things, each 0..1, multiplied:

- agents: Jaccard overlap of the agents given or ordered with the regimen's agents;
- days: for each dose day, the Jaccard overlap of its agents with the infusion's (AC → T: the AC days carry
  doxorubicin and cyclophosphamide, the T days paclitaxel);
- timing: for each interval between dose days, how it fits the regimen's interval: within 2 days 1.0; later by
  3..14 days (a delayed cycle, common) 0.6; earlier by 3..7 days 0.4; otherwise 0.1; an infusion not recorded 0.3
  (taken as not recorded only when the dose day is over half an interval plus a week past it: see `_closer`);
- coverage: more dose days than the regimen has infusions lowers it by (infusions / dose days)²; a course that has
  ended (the next dose overdue by two of its intervals at `as_of`) with infusions never given lowers it by
  0.5 + 0.5 × given / infusions.

A regimen the bundle names outright (our own regimen code, as the exohair export writes it) ranks 0.25 higher; it
still has to fit the dates (a score of 0.5 at least) to be matched. The confidence is the best rank (at most 1)
times its share of a softmax over all ranks (temperature 0.1), so two regimens that fit equally well (TC and TC ×6
four cycles in) both lose confidence.
Below a score of 0.5 no catalogue regimen matched; if the doses then form one regular block of the same agents,
a custom schedule is inferred (a custom regimen, domain/custom_regimens.py), at most "moderate" confidence.

These weights are design choices (D), tested on every catalogue regimen's own calendar
(tests/unit/properties/test_regimen_inference_properties.py); they are not clinical figures.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from exohair.domain.calendar import MAX_DELAY_DAYS, InfusionChange
from exohair.domain.custom_regimens import MAX_CYCLE_DAYS, MAX_CYCLES, CustomSchedule
from exohair.domain.regimens import Regimen

MATCH_SCORE = 0.5  # below this, no catalogue regimen matched
STATED_BONUS = 0.25
TEMPERATURE = 0.1
CUSTOM_CEILING = 0.75  # a schedule read off the dates alone is never "high"


@dataclass(frozen=True, slots=True)
class DoseDay:
    """The agents given (or recorded as not given) on one day."""

    on: date
    agents: frozenset[str]
    given: bool = True


@dataclass(frozen=True, slots=True)
class _Slot:
    cycle: int
    day: int
    offset: int  # days after cycle 1 day 1, before any delay
    agents: frozenset[str]


@dataclass(frozen=True, slots=True)
class RegimenFit:
    regimen_id: str
    name: str
    score: float  # how well the dose days fit, 0..1
    evidence: tuple[str, ...]
    changes: tuple[InfusionChange, ...]  # delays and skips the dose days show, as the calendar records them
    stated: bool = False  # the bundle names this regimen

    @property
    def rank(self) -> float:
        return self.score + (STATED_BONUS if self.stated else 0.0)


@dataclass(frozen=True, slots=True)
class InferredRegimen:
    """The regimen matched (`fit`), or a custom schedule (`custom`), or neither (`evidence` says why)."""

    fit: RegimenFit | None
    custom: CustomSchedule | None
    confidence: float
    evidence: tuple[str, ...]
    alternatives: tuple[RegimenFit, ...]
    first_infusion: date | None
    changes: tuple[InfusionChange, ...]

    @property
    def matched(self) -> bool:
        return self.fit is not None or self.custom is not None

    @property
    def confidence_label(self) -> str:
        return "high" if self.confidence >= 0.8 else "moderate" if self.confidence >= 0.5 else "low"


def infer_regimen(
    days: Sequence[DoseDay],
    regimens: Sequence[Regimen],
    *,
    as_of: date,
    ordered: frozenset[str] = frozenset(),
    stated: str | None = None,
    names: dict[str, str] | None = None,
) -> InferredRegimen:
    """Score every regimen against the dose days (see the module's docstring) and return the best, or why none."""
    names = names or {}
    in_catalogue = {dose.agent_id for regimen in regimens for phase in regimen.phases for dose in phase.agents}
    outside = sorted(({a for day in days for a in day.agents} | ordered) - in_catalogue)
    evidence: list[str] = []
    if outside:
        evidence.append(f"Left out of the match, as part of no catalogue regimen: {_names(outside, names)}.")
    merged: dict[date, DoseDay] = {}
    for day in days:
        agents = day.agents & in_catalogue
        if agents:
            known = merged.get(day.on)
            merged[day.on] = DoseDay(day.on, agents | (known.agents if known else frozenset()),
                                     day.given or (known.given if known else False))  # fmt: skip
    doses = [merged[on] for on in sorted(merged)]
    if not doses:
        evidence.append("No chemotherapy dose day with a date: nothing to infer a regimen or calendar from.")
        return InferredRegimen(None, None, 0.0, tuple(evidence), (), None, ())
    wanted = frozenset(a for day in doses for a in day.agents) | (ordered & in_catalogue)
    fits = sorted((_fit(r, doses, wanted, as_of, stated, names) for r in regimens),
                  key=lambda f: (-f.rank, f.regimen_id))  # fmt: skip
    best = fits[0]
    weights = [math.exp((f.rank - best.rank) / TEMPERATURE) for f in fits if f.rank > 0]
    share = 1 / sum(weights) if weights else 0.0
    alternatives = tuple(f for f in fits[1:4] if f.score > 0)
    first = doses[0].on
    if best.score >= MATCH_SCORE:
        confidence = min(1.0, best.rank) * share
        evidence += best.evidence
        evidence += [f"Also considered: {f.name} (score {f.score:.2f})." for f in alternatives]
        return InferredRegimen(best, None, round(confidence, 3), tuple(evidence), alternatives, first, best.changes)
    evidence.append(f"No catalogue regimen matched: the closest, {best.name}, scores {best.score:.2f} "
                    f"(a match needs {MATCH_SCORE}). " + " ".join(best.evidence))  # fmt: skip
    custom, changes, reasons = _custom(doses, names)
    evidence += reasons
    if custom is None:
        return InferredRegimen(None, None, 0.0, tuple(evidence), alternatives, first, ())
    regular = sum(1 for c in changes if abs(c.delay_days) <= 2) / max(1, len(changes))
    return InferredRegimen(None, custom, round(CUSTOM_CEILING * regular, 3), tuple(evidence), alternatives, first,
                           changes)  # fmt: skip


def regimen_slots(regimen: Regimen) -> list[_Slot]:
    """Every infusion of the regimen in order, as days after cycle 1 day 1, with the agents given that day."""
    slots: list[_Slot] = []
    phase_start, number = 0, 0
    for phase in regimen.phases:
        for phase_cycle in range(phase.cycles):
            number += 1
            for day in phase.infusion_days:
                agents = frozenset(dose.agent_id for dose in phase.agents if day in dose.days)
                slots.append(_Slot(number, day, phase_start + phase_cycle * phase.cycle_days + day - 1, agents))
        phase_start += phase.cycles * phase.cycle_days
    return slots


def _fit(
    regimen: Regimen, doses: list[DoseDay], wanted: frozenset[str], as_of: date, stated: str | None,
    names: dict[str, str],
) -> RegimenFit:  # fmt: skip
    slots = regimen_slots(regimen)
    agents = frozenset(a for slot in slots for a in slot.agents)
    agent_score = _jaccard(wanted, agents)
    first = doses[0].on
    shift, j = 0, 0
    changes: list[InfusionChange] = []
    day_scores: list[float] = []
    timing: list[float] = []
    late: list[str] = []
    extra = 0
    for k, dose in enumerate(doses):
        offset = (dose.on - first).days
        if j >= len(slots):
            extra += 1
            continue
        while j + 1 < len(slots) and k > 0 and _closer(offset - shift, dose, slots[j], slots[j + 1]):
            changes.append(InfusionChange(slots[j].cycle, slots[j].day, skipped=True))
            timing.append(0.3)
            j += 1
        slot = slots[j]
        delay = offset - (slot.offset + shift)
        if abs(delay) > MAX_DELAY_DAYS:
            return RegimenFit(regimen.id, regimen.name, 0.0,
                              (f"{regimen.name}: {dose.on.isoformat()} would be {delay} days off cycle {slot.cycle}.",),
                              ())  # fmt: skip
        if k > 0:
            timing.append(_timing_weight(delay))
        if delay or not dose.given:
            changes.append(InfusionChange(slot.cycle, slot.day, delay_days=delay, skipped=not dose.given))
            if delay > 2:
                late.append(f"cycle {slot.cycle} day {slot.day} {delay} days late")
        shift += delay
        day_scores.append(_jaccard(dose.agents, slot.agents))
        j += 1
    coverage = (len(slots) / (len(slots) + extra)) ** 2 if extra else 1.0
    given = j
    ended = False
    if j < len(slots):
        gap = slots[j].offset - slots[j - 1].offset
        ended = (as_of - doses[-1].on).days > 2 * gap
        if ended:
            coverage *= 0.5 + 0.5 * given / len(slots)
    day_score = sum(day_scores) / len(day_scores)
    timing_score = sum(timing) / len(timing) if timing else 1.0
    score = agent_score * day_score * timing_score * coverage
    said = stated == regimen.id
    evidence = [f"{regimen.name}: agents {_agreement(wanted, agents, names)} (overlap {agent_score:.2f}); "
                f"{given} of its {len(slots)} infusions matched to dose days, each day's drugs agreeing "
                f"{day_score:.2f}; intervals fit {timing_score:.2f}"
                + (f"; {extra} dose day(s) more than it has" if extra else "")
                + ("; the course looks ended early" if ended else "") + "."]  # fmt: skip
    if late:
        evidence.append("Delays read from the dates: " + ", ".join(late) + ".")
    if said:
        evidence.append(f"The bundle names {regimen.name} as the regimen (ranked {STATED_BONUS} higher for it).")
    return RegimenFit(regimen.id, regimen.name, round(score, 3), tuple(evidence), tuple(changes), said)


def _closer(offset: int, dose: DoseDay, here: _Slot, there: _Slot) -> bool:
    """Whether this dose day is the next infusion, the current one never having been recorded.

    A late dose slides the calendar (a delay) and is far more common than an omitted one, so the current infusion
    counts as not recorded only when the dose day is more than half an interval plus a week past it, and the next
    infusion's drugs fit the day at least as well."""
    interval = there.offset - here.offset
    return (
        offset - here.offset > interval / 2 + 7
        and abs(offset - there.offset) < abs(offset - here.offset)
        and (_jaccard(dose.agents, there.agents) >= _jaccard(dose.agents, here.agents))
    )


def _timing_weight(delay: int) -> float:
    if abs(delay) <= 2:
        return 1.0
    if 3 <= delay <= 14:
        return 0.6
    if -7 <= delay <= -3:
        return 0.4
    return 0.1


def _custom(doses: list[DoseDay], names: dict[str, str]) -> tuple[CustomSchedule | None, tuple[InfusionChange, ...],
                                                                   list[str]]:  # fmt: skip
    given = [d for d in doses if d.given]
    if len(given) < 2:
        return None, (), ["One dose day cannot show a cycle, so no custom schedule was inferred either."]
    sets = sorted({d.agents for d in given}, key=sorted)
    if len(sets) > 1:
        blocks = " then ".join(_names(sorted(s), names) for s in sets)
        return None, (), [f"The drugs change from day to day ({blocks}): not one block of identical cycles, so no "
                          "custom schedule was inferred either."]  # fmt: skip
    intervals = [(b.on - a.on).days for a, b in pairwise(given)]
    cycle_days = round(statistics.median(intervals))
    tolerance = max(3, cycle_days // 4)
    if not 1 <= cycle_days <= MAX_CYCLE_DAYS or len(given) > MAX_CYCLES:
        return None, (), [f"The dose days (every {cycle_days} days, {len(given)} of them) are no schedule a course "
                          "can hold."]  # fmt: skip
    if any(abs(i - cycle_days) > tolerance for i in intervals):
        spread = ", ".join(str(i) for i in intervals)
        return None, (), [f"The intervals between dose days ({spread} days) are too irregular for one cycle length, "
                          "so no custom schedule was inferred either."]  # fmt: skip
    agents = tuple(sorted(sets[0]))
    label = "/".join(names.get(a, a) for a in agents)
    schedule = CustomSchedule(f"{label} q{cycle_days}d (imported)"[:80], cycle_days, len(given), (1,), agents)
    changes = tuple(InfusionChange(n + 2, 1, delay_days=i - cycle_days) for n, i in enumerate(intervals)
                    if i != cycle_days)  # fmt: skip
    spread = f"{min(intervals)}-{max(intervals)}" if min(intervals) != max(intervals) else str(cycle_days)
    return (
        schedule,
        changes,
        [
            f"Inferred a custom schedule instead: {label} every {cycle_days} days (the median interval; intervals "
            f"{spread} days), {len(given)} cycles seen. Check it against the oncology order: a custom regimen has no "
            "published alopecia probability."
        ],
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _agreement(seen: frozenset[str], regimen: frozenset[str], names: dict[str, str]) -> str:
    parts = [f"{_names(sorted(seen & regimen), names)} in common"] if seen & regimen else ["none in common"]
    if regimen - seen:
        parts.append(f"{_names(sorted(regimen - seen), names)} not seen")
    if seen - regimen:
        parts.append(f"{_names(sorted(seen - regimen), names)} not in it")
    return ", ".join(parts)


def _names(ids: Sequence[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in ids)
