"""What an assessment accepts. Scores are checked against the scales in force by the service (scales.yaml)."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from exohair.domain.scales import HeadCover, ScalpView
from exohair.features.input_model import InputModel


class MeasurementIn(InputModel):
    """A trichoscopy reading at one named scalp site."""

    model_config = ConfigDict(extra="forbid")

    site: ScalpView
    density_per_cm2: float | None = Field(default=None, ge=0, le=1000)  # hairs/cm²; healthy scalps ~150-300
    diameter_um: float | None = Field(default=None, ge=0, le=250)  # shaft diameter in µm


class AssessmentIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assessed_on: date
    ctcae_grade: int | None = Field(default=None, ge=0, le=2)
    dean_score: int | None = Field(default=None, ge=0, le=4)
    distress: int | None = Field(default=None, ge=0, le=10)
    head_cover: HeadCover | None = None
    measurements: list[MeasurementIn] = Field(default_factory=list, max_length=10)
    notes: str | None = Field(default=None, max_length=2000)
