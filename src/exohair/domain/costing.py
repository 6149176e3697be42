"""Prices and estimates (payment plans are in payments.py). Money is integer cents with a currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from exohair.domain.evidence import Basis
from exohair.domain.planning import TherapyPlan
from exohair.domain.problems import Problem


@dataclass(frozen=True, slots=True)
class PriceRange:
    """What one unit costs: a low, an expected and a high price, in integer cents."""

    low_cents: int
    expected_cents: int
    high_cents: int
    basis: Basis


@dataclass(frozen=True, slots=True)
class CoolingTier:
    """Scalp-cooling price for cooled infusions number first..last (1-based, inclusive)."""

    first: int
    last: int
    price_cents: int


@dataclass(frozen=True, slots=True)
class ScalpCoolingTariff:
    tiers: tuple[CoolingTier, ...]
    cap_cents: int
    basis: Basis


@dataclass(frozen=True, slots=True)
class Tariffs:
    currency: str  # ISO 4217, e.g. "USD"
    session: PriceRange  # one exosome scalp session
    prp_session: PriceRange
    minoxidil_month: PriceRange
    scalp_cooling: ScalpCoolingTariff


class EstimateLine(NamedTuple):  # a NamedTuple for speed, as calendar.DateWindow
    item: str
    quantity: int
    unit: str
    low_cents: int
    expected_cents: int
    high_cents: int
    basis: Basis | None


@dataclass(frozen=True, slots=True)
class Estimate:
    currency: str
    lines: tuple[EstimateLine, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def low_cents(self) -> int:
        return sum(line.low_cents for line in self.lines)

    @property
    def expected_cents(self) -> int:
        return sum(line.expected_cents for line in self.lines)

    @property
    def high_cents(self) -> int:
        return sum(line.high_cents for line in self.lines)


@dataclass(frozen=True, slots=True)
class EstimateChange:
    before: Estimate
    after: Estimate

    @property
    def expected_delta_cents(self) -> int:
        return self.after.expected_cents - self.before.expected_cents


def price_plan(plan: TherapyPlan, tariffs: Tariffs) -> Estimate:
    """What the plan will cost: every planned session (dated or not) and adjunct, at the clinic's tariffs.

    Sessions and adjuncts are priced per unit (session x session price; months of minoxidil x monthly price);
    scalp cooling follows the tiered per-infusion schedule with its course cap (Paxman self-pay, clinical.md §9).
    An adjunct with no tariff is reported as a problem rather than priced at zero.
    """
    sessions = len(plan.sessions)
    lines = [_per_unit("Exosome scalp session", sessions, "session", tariffs.session)]
    problems: list[Problem] = []
    for adjunct in plan.adjuncts:
        if adjunct.id == "scalp-cooling":
            cents = price_scalp_cooling(adjunct.quantity, tariffs.scalp_cooling)
            basis = tariffs.scalp_cooling.basis
            lines.append(EstimateLine(adjunct.name, adjunct.quantity, adjunct.unit, cents, cents, cents, basis))
        elif adjunct.id in _PER_UNIT:
            price = getattr(tariffs, _PER_UNIT[adjunct.id])
            lines.append(_per_unit(adjunct.name, adjunct.quantity, adjunct.unit, price))
        else:
            problems.append(Problem("no_tariff", f"No tariff for {adjunct.name}: it is not included in the estimate."))
    return Estimate(tariffs.currency, tuple(lines), tuple(problems))


def reprice_plan(previous: Estimate, plan: TherapyPlan, tariffs: Tariffs) -> EstimateChange:
    """A new estimate after the plan changed, beside the one the patient was given."""
    return EstimateChange(previous, price_plan(plan, tariffs))


def price_scalp_cooling(infusions: int, tariff: ScalpCoolingTariff) -> int:
    """Sum of the tier price of cooled infusions 1..n, capped at the course cap (integer cents)."""
    total = 0
    for number in range(1, infusions + 1):
        tier = next((t for t in tariff.tiers if t.first <= number <= t.last), None)
        total += tier.price_cents if tier is not None else tariff.tiers[-1].price_cents
    return min(total, tariff.cap_cents)


# Per-unit adjunct prices by adjunct id; the id is the contract between protocols.yaml and tariffs.yaml.
_PER_UNIT = {"prp": "prp_session", "minoxidil": "minoxidil_month"}


def _per_unit(item: str, quantity: int, unit: str, price: PriceRange) -> EstimateLine:
    return EstimateLine(
        item,
        quantity,
        unit,
        quantity * price.low_cents,
        quantity * price.expected_cents,
        quantity * price.high_cents,
        price.basis,
    )
