"""What an adverse event accepts: a CTCAE v5 term and grade, and how related the reporter judges it to the
exosome therapy (the usual five-step causality scale)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from exohair.features.input_model import InputModel

Relatedness = Literal["unrelated", "unlikely", "possible", "probable", "definite"]


class AdverseEventIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    onset_on: date
    ctcae_term: str = Field(min_length=1, max_length=200)  # e.g. "Scalp pain", "Injection site reaction"
    grade: int = Field(ge=1, le=5)
    relatedness: Relatedness
    serious: bool  # asked, not defaulted: whether an event is serious is the reporter's judgement to make
    session_id: uuid.UUID | None = None
    product_lot_id: uuid.UUID | None = None  # taken from the session when a session is named without one
    resolved_on: date | None = None
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("resolved_on")
    @classmethod
    def _not_before_onset(cls, value: date | None, info: ValidationInfo) -> date | None:
        onset_on = info.data.get("onset_on")
        if value is not None and onset_on is not None and value < onset_on:
            raise ValueError(f"cannot be before onset_on ({onset_on.isoformat()})")
        return value

    @field_validator("notes")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class AdverseEventChanges(InputModel):
    """A follow-up or correction. `version` is the version the editor saw; a newer one on file means a stale
    edit. The session and lot are not editable here: a wrong link is a wrong report, entered again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    onset_on: date | None = None
    ctcae_term: str | None = Field(default=None, min_length=1, max_length=200)
    grade: int | None = Field(default=None, ge=1, le=5)
    relatedness: Relatedness | None = None
    serious: bool | None = None
    resolved_on: date | None = None  # null reopens an event recorded as resolved by mistake
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("onset_on", "ctcae_term", "grade", "relatedness", "serious")
    @classmethod
    def _required_fields_stay(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be removed; give the corrected value")
        return value

    @field_validator("notes")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
