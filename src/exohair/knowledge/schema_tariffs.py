"""tariffs.yaml: the clinic's prices in integer cents of one currency, each with where the figure comes from."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from exohair.domain.costing import CoolingTier, PriceRange, ScalpCoolingTariff, Tariffs
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    NonNegativeInt,
    PositiveInt,
    SourcedModel,
    Version,
    rule_error,
)

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]  # ISO 4217


class PriceRangeEntry(SourcedModel):
    low_cents: NonNegativeInt
    expected_cents: NonNegativeInt
    high_cents: NonNegativeInt

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low_cents <= self.expected_cents <= self.high_cents:
            raise rule_error(
                f"prices must satisfy low <= expected <= high (got {self.low_cents}, "
                f"{self.expected_cents}, {self.high_cents})"
            )
        return self

    def to_domain(self) -> PriceRange:
        return PriceRange(self.low_cents, self.expected_cents, self.high_cents, self.basis())


class CoolingTierEntry(BaseModel):
    model_config = MODEL_CONFIG

    first: PositiveInt
    last: PositiveInt
    price_cents: NonNegativeInt

    @model_validator(mode="after")
    def _first_not_after_last(self) -> Self:
        if self.first > self.last:
            raise rule_error(f"first ({self.first}) is after last ({self.last})")
        return self

    def to_domain(self) -> CoolingTier:
        return CoolingTier(self.first, self.last, self.price_cents)


class ScalpCoolingEntry(SourcedModel):
    tiers: list[CoolingTierEntry] = Field(min_length=1)
    cap_cents: NonNegativeInt

    @field_validator("tiers")
    @classmethod
    def _contiguous_from_one(cls, tiers: list[CoolingTierEntry]) -> list[CoolingTierEntry]:
        # Pricing looks up the tier of the n-th cooled infusion; a gap or an overlap would make that ambiguous.
        expected_first = 1
        for number, tier in enumerate(tiers, start=1):
            if tier.first != expected_first:
                raise rule_error(f"tier #{number} starts at {tier.first}; expected {expected_first} (no gaps)")
            expected_first = tier.last + 1
        return tiers

    def to_domain(self) -> ScalpCoolingTariff:
        return ScalpCoolingTariff(tuple(t.to_domain() for t in self.tiers), self.cap_cents, self.basis())


class TariffsFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    currency: Currency
    session: PriceRangeEntry
    prp_session: PriceRangeEntry
    minoxidil_month: PriceRangeEntry
    scalp_cooling: ScalpCoolingEntry

    def to_domain(self) -> Tariffs:
        return Tariffs(
            currency=self.currency,
            session=self.session.to_domain(),
            prp_session=self.prp_session.to_domain(),
            minoxidil_month=self.minoxidil_month.to_domain(),
            scalp_cooling=self.scalp_cooling.to_domain(),
        )
