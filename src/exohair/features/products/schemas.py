"""What a product lot accepts: validated at the boundary, so services see only clean values."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from exohair.features.input_model import InputModel

MAX_STOCK = 100_000  # vials; far above any clinic's shelf, low enough to catch a mistyped delivery

_OPTIONAL_TEXT = ("regulatory_reference", "notes")
# Columns that may not be empty: a change may leave them out, but may not set them to nothing.
_REQUIRED = ("product", "source_cells", "manufacturer", "lot_number", "expires_on")


class LotIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    product: str = Field(min_length=1, max_length=200)
    source_cells: str = Field(min_length=1, max_length=200, description='e.g. "adipose-derived MSC"')
    manufacturer: str = Field(min_length=1, max_length=200)
    lot_number: str = Field(min_length=1, max_length=100)
    expires_on: date
    regulatory_reference: str | None = Field(
        default=None, max_length=200, description="IND/IRB number or marketing authorisation; none if there is none."
    )
    stock_on_hand: int = Field(default=0, ge=0, le=MAX_STOCK, description="Vials on the shelf.")
    # As the label states them; infinity is no concentration.
    particles_per_ml: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    protein_ug_per_ml: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    notes: str | None = Field(default=None, max_length=2000)

    @field_validator(*_OPTIONAL_TEXT)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        # A form's empty box means "none", and an empty regulatory reference must not pass for one on file.
        return value or None


class LotChanges(InputModel):
    """A partial update. `version` is the version the editor saw; a newer one on file means a stale edit.

    Stock is not edited here: it changes only through `adjust_stock`, which records why.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1)
    product: str | None = Field(default=None, min_length=1, max_length=200)
    source_cells: str | None = Field(default=None, min_length=1, max_length=200)
    manufacturer: str | None = Field(default=None, min_length=1, max_length=200)
    lot_number: str | None = Field(default=None, min_length=1, max_length=100)
    expires_on: date | None = None
    regulatory_reference: str | None = Field(default=None, max_length=200)
    particles_per_ml: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    protein_ug_per_ml: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    notes: str | None = Field(default=None, max_length=2000)

    @field_validator(*_OPTIONAL_TEXT)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="before")
    @classmethod
    def _required_stay_set(cls, data: Any) -> Any:
        if isinstance(data, dict):
            cleared = [name for name in _REQUIRED if name in data and data[name] is None]
            if cleared:
                raise ValueError(f"{', '.join(cleared)} cannot be removed from a lot, only changed")
        return data
