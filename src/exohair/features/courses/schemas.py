"""What a chemo course and a recorded infusion accept."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, model_validator

from exohair.domain.calendar import MAX_DELAY_DAYS
from exohair.domain.custom_regimens import MAX_AGENTS, MAX_CYCLE_DAYS, MAX_CYCLES, CustomSchedule
from exohair.features.input_model import InputModel


class CustomRegimenIn(InputModel):
    """A regimen the catalogue does not hold: one block of identical cycles of catalogue agents. Its risk has no
    published probability, and its nadir is derived from the agents' (see domain/custom_regimens)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80, description="The regimen's name, as on the oncology order.")
    cycle_days: int = Field(ge=1, le=MAX_CYCLE_DAYS)
    cycles: int = Field(ge=1, le=MAX_CYCLES)
    infusion_days: list[int] = Field(min_length=1, max_length=MAX_CYCLE_DAYS, description="Cycle days, 1-based.")
    agents: list[str] = Field(min_length=1, max_length=MAX_AGENTS, description="Agent ids, names or synonyms.")

    @model_validator(mode="after")
    def _days_in_cycle(self) -> CustomRegimenIn:
        outside = [d for d in self.infusion_days if not 1 <= d <= self.cycle_days]
        if outside:
            raise ValueError(f"infusion day {outside[0]} is outside a {self.cycle_days}-day cycle")
        return self

    def schedule(self) -> CustomSchedule:
        return CustomSchedule(self.name, self.cycle_days, self.cycles, tuple(sorted(set(self.infusion_days))),
                              tuple(self.agents))  # fmt: skip


class CourseIn(InputModel):
    """A course follows a catalogue `regimen`, or a `custom_regimen` described here: exactly one of the two."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    regimen: str | None = Field(
        default=None, min_length=1, max_length=100, description="Regimen id, name or synonym, e.g. 'AC-T'."
    )
    custom_regimen: CustomRegimenIn | None = None
    first_infusion: date
    protocol: str = Field(min_length=1, max_length=100, description="Protocol id or name.")
    adjuncts: list[str] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _one_regimen(self) -> CourseIn:
        if (self.regimen is None) == (self.custom_regimen is None):
            raise ValueError("give exactly one of regimen and custom_regimen")
        return self


class InfusionRecordIn(InputModel):
    """What happened to one planned infusion: given on a date, given `delay_days` late, or skipped.

    `version` is the course version the user saw; a course changed since is a stale edit (409)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    cycle: int = Field(ge=1, le=100)
    day: int = Field(default=1, ge=1, le=366)
    given_on: date | None = None
    delay_days: int | None = Field(default=None, ge=-MAX_DELAY_DAYS, le=MAX_DELAY_DAYS)
    skipped: bool = False
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_outcome(self) -> InfusionRecordIn:
        given = sum((self.given_on is not None, self.delay_days is not None, self.skipped))
        if given != 1:
            raise ValueError("give exactly one of given_on, delay_days or skipped=true")
        return self


class PlanChangeIn(InputModel):
    """A new protocol or set of adjuncts for the current course; files a new plan version."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    protocol: str = Field(min_length=1, max_length=100)
    adjuncts: list[str] = Field(default_factory=list, max_length=10)
    reason: str = Field(min_length=1, max_length=500)
