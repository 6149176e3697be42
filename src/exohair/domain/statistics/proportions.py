"""A success rate with its confidence interval: how many of the clinic's patients kept their hair, say.

The Wilson score interval (Wilson 1927), not the Wald interval p ± z·√(p(1−p)/n): Wald's coverage collapses for
the small counts and the rates near 0 or 1 that a clinic's registry has (Newcombe 1998, Brown, Cai & DasGupta
2001), and it gives [0, 0] for 0 successes, as if zero were certain.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist

from exohair.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Proportion:
    successes: int
    trials: int
    estimate: float  # successes / trials
    low: float
    high: float
    confidence: float


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Proportion:
    """The proportion successes/trials with its Wilson score interval.

    With p = x/n and z the standard normal quantile at (1 + confidence)/2:

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z √(p(1−p)/n + z²/4n²) / (1 + z²/n)

    and the interval is centre ± half, always inside [0, 1]. Reference values: Newcombe RG, Stat Med
    1998;17:857-872, Table II, method 3 (tests/unit/domain/test_proportions.py).
    """
    if trials <= 0:
        raise InvalidInput("A rate needs at least one patient to count.", code="no_trials")
    if not 0 <= successes <= trials:
        raise InvalidInput(f"{successes} successes out of {trials} is not a proportion.", code="bad_proportion")
    if not 0 < confidence < 1:
        raise InvalidInput(f"A confidence of {confidence} is not between 0 and 1.", code="bad_confidence")
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    p, n = successes / trials, trials
    shrink = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / shrink
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / shrink
    # The exact bounds at 0 and n are 0 and 1; rounding must not put them a hair outside.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Proportion(successes, trials, p, low, high, confidence)
