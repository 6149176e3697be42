"""What the oncologist's decisions accept. Each carries the `version` the oncologist saw, so two decisions on the
same request cannot both win."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from exohair.features.input_model import InputModel

Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class ClearanceSign(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    signed_on: date
    expires_on: date | None = None  # None: valid until revoked
    conditions: str | None = Field(default=None, max_length=2000)  # e.g. "not within 7 days of an infusion"

    @field_validator("expires_on")
    @classmethod
    def _after_signing(cls, value: date | None, info: ValidationInfo) -> date | None:
        signed_on = info.data.get("signed_on")
        if value is not None and signed_on is not None and value <= signed_on:
            raise ValueError(f"must be after signed_on ({signed_on.isoformat()})")
        return value

    @field_validator("conditions")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ClearanceDecline(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    reason: Reason  # required: the clinic has to tell the patient why, and plan around it


class ClearanceRevoke(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    revoked_on: date  # sessions from this day on are blocked
    reason: Reason
