"""A regimen the catalogue does not hold, described at intake: its agents, cycle length, cycles and infusion days.

Clinics meet regimens no catalogue lists (a trial arm, a local variant). Such a regimen can still be planned
around, but nothing about it is sourced the way catalogue entries are, so the regimen says so:
- its alopecia risk class is the highest of its agents' classes, each with that agent's own basis;
- its nadir window is the widest span of its agents' catalogue windows (a design choice, tagged D);
- it has no probability of grade >= 2 alopecia: no published figure exists for an arbitrary combination, and an
  agent's any-grade incidence is not that probability, so none is invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exohair.domain.errors import InvalidInput
from exohair.domain.evidence import Basis, Evidence
from exohair.domain.regimens import Agent, AgentDose, CiaRisk, NadirWindow, Phase, Regimen

CUSTOM_REGIMEN_ID = "custom"
MAX_CYCLE_DAYS = 84
MAX_CYCLES = 52
MAX_AGENTS = 8
_RANK = {CiaRisk.LOW: 0, CiaRisk.MODERATE: 1, CiaRisk.HIGH: 2}
SCHEDULE_BASIS = Basis(
    "Custom regimen entered by the clinic at intake; not from the catalogue. Check it against the oncology order.",
    Evidence.D,
)


@dataclass(frozen=True, slots=True)
class CustomSchedule:
    """What the clinic typed: a name for the regimen, one block of identical cycles, and the agents given."""

    name: str
    cycle_days: int
    cycles: int
    infusion_days: tuple[int, ...]
    agent_ids: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "cycle_days": self.cycle_days, "cycles": self.cycles,
                "infusion_days": list(self.infusion_days), "agent_ids": list(self.agent_ids)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, object]) -> CustomSchedule:
        days = data["infusion_days"]
        agents = data["agent_ids"]
        assert isinstance(days, list), "as written by as_json"
        assert isinstance(agents, list), "as written by as_json"
        return cls(str(data["name"]), int(str(data["cycle_days"])), int(str(data["cycles"])),
                   tuple(int(d) for d in days), tuple(str(a) for a in agents))  # fmt: skip


def check_schedule(schedule: CustomSchedule) -> None:
    """Refuse a schedule that cannot be a chemotherapy calendar, naming the field that is wrong."""
    if not schedule.name.strip():
        raise InvalidInput("Give the custom regimen a name.", code="custom_regimen_name")
    if not 1 <= schedule.cycle_days <= MAX_CYCLE_DAYS:
        raise InvalidInput(f"A cycle lasts 1 to {MAX_CYCLE_DAYS} days.", code="custom_cycle_days")
    if not 1 <= schedule.cycles <= MAX_CYCLES:
        raise InvalidInput(f"Give 1 to {MAX_CYCLES} cycles.", code="custom_cycles")
    if not schedule.infusion_days:
        raise InvalidInput("Give at least one infusion day, e.g. 1 or 1, 8.", code="custom_infusion_days")
    outside = [d for d in schedule.infusion_days if not 1 <= d <= schedule.cycle_days]
    if outside:
        raise InvalidInput(f"Infusion day {outside[0]} is outside a {schedule.cycle_days}-day cycle.",
                           code="custom_infusion_days")  # fmt: skip
    if not schedule.agent_ids:
        raise InvalidInput("Choose at least one agent.", code="custom_agents")
    if len(schedule.agent_ids) > MAX_AGENTS:
        raise InvalidInput(f"At most {MAX_AGENTS} agents.", code="custom_agents")


def custom_regimen(schedule: CustomSchedule, agents: Sequence[Agent]) -> Regimen:
    """The regimen for `schedule`, given its agents as found in the catalogue (in the schedule's order)."""
    check_schedule(schedule)
    days = tuple(sorted(set(schedule.infusion_days)))
    doses = tuple(
        AgentDose(a.id, None, "mg/m2", "IV", days, note="dose not recorded for a custom regimen") for a in agents
    )
    phase = Phase("Custom", schedule.cycle_days, schedule.cycles, days, doses, _widest_nadir(agents))
    highest = max(agents, key=lambda a: _RANK[a.cia_risk])
    return Regimen(
        id=CUSTOM_REGIMEN_ID,
        name=f"{schedule.name.strip()} (custom)",
        synonyms=(),
        indication="Entered by the clinic",
        phases=(phase,),
        cia_risk=highest.cia_risk,
        schedule_basis=SCHEDULE_BASIS,
        p_grade2=None,
        scalp_cooling_success=None,
        note=f"Risk class from {highest.name}: {highest.cia_risk_basis.source}",
    )


def _widest_nadir(agents: Sequence[Agent]) -> NadirWindow | None:
    windows = [(a, a.nadir) for a in agents if a.nadir is not None]
    if not windows:
        return None
    names = ", ".join(f"{a.name} days {w.start_day}–{w.end_day}" for a, w in windows)
    basis = Basis(f"Widest span of the agents' catalogue nadir windows ({names}).", Evidence.D)
    return NadirWindow(min(w.start_day for _, w in windows), max(w.end_day for _, w in windows), basis)
