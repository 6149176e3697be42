"""What performing, moving and cancelling a session accept."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field, field_validator

from exohair.domain.scales import SCALP_SITES
from exohair.features.input_model import InputModel


class PerformIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1, description="The session version the clinician saw.")
    performed_on: date
    product_lot_id: uuid.UUID
    dose_ml: float = Field(gt=0, le=50, description="Volume applied, mL.")
    scalp_sites: list[str] = Field(min_length=1, max_length=len(SCALP_SITES))
    override_reason: str | None = Field(
        default=None, min_length=10, max_length=1000,
        description="Only for a clinician going ahead although the gate refused; recorded in the audit trail.",
    )  # fmt: skip

    @field_validator("scalp_sites")
    @classmethod
    def _known_sites(cls, sites: list[str]) -> list[str]:
        unknown = sorted(set(sites) - set(SCALP_SITES))
        if unknown:
            raise ValueError(f"unknown scalp site(s) {', '.join(unknown)}; use {', '.join(SCALP_SITES)}")
        return list(dict.fromkeys(sites))


class GateCheckIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    on: date
    product_lot_id: uuid.UUID | None = None


class RescheduleIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    planned_on: date


class CancelIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)
