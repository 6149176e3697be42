"""What a lab result accepts. Units are in the field names; values outside them are refused at the boundary.

The upper bounds are far above any real value and exist to catch typing slips and wrong units (haemoglobin in g/L
instead of g/dL: 120 is refused). A count entered in 10⁹/L instead of cells/µL (1.5 for 1,500) comes out a
thousand times too low, which the safety gate refuses, so that mistake fails safe and is not guessed at here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, field_validator, model_validator

from exohair.features.input_model import InputModel

ANALYTES = ("anc_per_ul", "platelets_per_ul", "hb_g_dl", "inr")

AncPerUl = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]  # absolute neutrophils, cells/µL
PlateletsPerUl = Annotated[float, Field(ge=0, le=2_000_000, allow_inf_nan=False)]  # cells/µL
HbGDl = Annotated[float, Field(ge=0, le=25, allow_inf_nan=False)]  # g/dL
Inr = Annotated[float, Field(gt=0, le=15, allow_inf_nan=False)]  # a ratio, no unit


class LabsIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    taken_at: AwareDatetime  # when the sample was drawn, not when it was typed in
    anc_per_ul: AncPerUl | None = None
    platelets_per_ul: PlateletsPerUl | None = None
    hb_g_dl: HbGDl | None = None
    inr: Inr | None = None

    @field_validator("taken_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _at_least_one_analyte(self) -> LabsIn:
        if all(getattr(self, name) is None for name in ANALYTES):
            raise ValueError(f"enter at least one result ({', '.join(ANALYTES)})")
        return self


class LabsChanges(InputModel):
    """A correction. `version` is the version the editor saw; a newer one on file means a stale edit.
    An analyte set to null is removed; the service refuses a change that would leave no result at all."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    taken_at: AwareDatetime | None = None
    anc_per_ul: AncPerUl | None = None
    platelets_per_ul: PlateletsPerUl | None = None
    hb_g_dl: HbGDl | None = None
    inr: Inr | None = None

    @field_validator("taken_at")
    @classmethod
    def _kept_and_in_utc(cls, value: datetime | None) -> datetime:
        if value is None:
            raise ValueError("cannot be removed; give the instant the sample was drawn")
        return value.astimezone(UTC)
