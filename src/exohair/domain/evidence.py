"""How firmly a clinical number is established, and where it comes from.

The tags follow `shared/reference/clinical.md`: V (primary or official source), V2 (secondary or commercial page),
R (literature, not confirmed against the primary) and D (a design suggestion derived from the facts). R and D values
are editable defaults that need verification; the software shows that flag wherever it shows the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Evidence(StrEnum):
    V = "V"
    V2 = "V2"
    R = "R"
    D = "D"

    @property
    def needs_verification(self) -> bool:
        return self in (Evidence.R, Evidence.D)


@dataclass(frozen=True, slots=True)
class Basis:
    """The source of one clinical statement and its evidence tag."""

    source: str
    evidence: Evidence

    @property
    def needs_verification(self) -> bool:
        return self.evidence.needs_verification


@dataclass(frozen=True, slots=True)
class Sourced:
    """A clinical number with its basis, e.g. an incidence of 0.94 from Watanabe 2019 (V)."""

    value: float
    basis: Basis


@dataclass(frozen=True, slots=True)
class SourcedRange:
    """A clinical range (low..high) with its basis, e.g. cooling success 0.50-0.66 for TC."""

    low: float
    high: float
    basis: Basis

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2
