"""What a patient record accepts: validated at the boundary, so services see only clean values."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from exohair.domain.patients import Condition
from exohair.features.input_model import InputModel

Sex = Literal["female", "male", "other", "unknown"]


class PatientIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    mrn: str = Field(min_length=1, max_length=64)
    family_name: str = Field(min_length=1, max_length=200)
    given_name: str = Field(min_length=1, max_length=200)
    date_of_birth: date
    sex: Sex
    cancer_type: str = Field(min_length=1, max_length=200)
    cancer_stage: str | None = Field(default=None, max_length=20)
    baseline_density_per_cm2: float | None = Field(default=None, gt=0, le=1000)  # hairs/cm²; normal 175-300
    aga_stage: str | None = Field(default=None, max_length=40)
    aga_family_history: bool = False
    hair_type: str | None = Field(default=None, max_length=60)
    conditions: list[str] = Field(default_factory=list, max_length=20, description="Condition codes that gate care")
    anticoagulated: bool = False
    site_id: uuid.UUID | None = Field(default=None, description="Where she is treated: one of GET /api/v1/sites")

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, codes: list[str]) -> list[str]:
        return _check_conditions(codes)

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth_date(cls, value: date) -> date:
        if not date(1900, 1, 1) <= value <= date.today():  # noqa: DTZ011 - a bound, not a date of care
            raise ValueError("must be a past date after 1900-01-01")
        return value


class PatientChanges(InputModel):
    """A partial update. `version` is the version the editor saw; a newer one on file means a stale edit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    family_name: str | None = Field(default=None, min_length=1, max_length=200)
    given_name: str | None = Field(default=None, min_length=1, max_length=200)
    cancer_type: str | None = Field(default=None, min_length=1, max_length=200)
    cancer_stage: str | None = Field(default=None, max_length=20)
    baseline_density_per_cm2: float | None = Field(default=None, gt=0, le=1000)
    aga_stage: str | None = Field(default=None, max_length=40)
    aga_family_history: bool | None = None
    hair_type: str | None = Field(default=None, max_length=60)
    conditions: list[str] | None = Field(default=None, max_length=20)
    anticoagulated: bool | None = None
    site_id: uuid.UUID | None = Field(default=None, description="One of GET /api/v1/sites; null clears it")

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else _check_conditions(codes)


def _check_conditions(codes: list[str]) -> list[str]:
    known = {v for k, v in vars(Condition).items() if k.isupper() and isinstance(v, str)}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ValueError(f"unknown condition code(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return sorted(set(codes))
