"""What a consent record accepts. Scopes are separate on purpose: photos and the registry are never implied."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from exohair.features.input_model import InputModel

ConsentScope = Literal["treatment", "registry", "photos"]


class ConsentIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    scope: ConsentScope
    document_version: str = Field(min_length=1, max_length=40)  # the version printed on the signed document
    signed_by: str = Field(min_length=1, max_length=200)  # the patient, or their representative, by name
    signed_at: AwareDatetime

    @field_validator("signed_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)
