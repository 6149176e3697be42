"""What a chemo course and a recorded infusion accept."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, model_validator

from exohair.domain.calendar import MAX_DELAY_DAYS
from exohair.features.input_model import InputModel


class CourseIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    regimen: str = Field(min_length=1, max_length=100, description="Regimen id, name or synonym, e.g. 'AC-T'.")
    first_infusion: date
    protocol: str = Field(min_length=1, max_length=100, description="Protocol id or name.")
    adjuncts: list[str] = Field(default_factory=list, max_length=10)


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
