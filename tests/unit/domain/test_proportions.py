"""The Wilson score interval against published reference values, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.proportions import wilson_interval

# Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods. Stat Med
# 1998;17:857-872, Table II, method 3 (score interval without continuity correction), printed to 4 decimals:
# hence the tolerance of half a unit in the 4th decimal.
NEWCOMBE_1998 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]
TOLERANCE = 0.00005


@pytest.mark.parametrize(("successes", "trials", "low", "high"), NEWCOMBE_1998)
def test_it_matches_newcombes_table(successes, trials, low, high):
    found = wilson_interval(successes, trials)
    assert found.low == pytest.approx(low, abs=TOLERANCE)
    assert found.high == pytest.approx(high, abs=TOLERANCE)
    assert found.estimate == successes / trials


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_lies_in_0_1_and_holds_the_estimate(case):
    successes, trials = case
    found = wilson_interval(successes, trials)
    assert 0.0 <= found.low <= found.estimate <= found.high <= 1.0
    assert found.low < found.high, "a count is never certainty"


@given(st.integers(0, 50), st.integers(1, 20))
def test_more_patients_at_the_same_rate_narrow_the_interval(successes, scale):
    trials = 50
    small = wilson_interval(successes, trials)
    large = wilson_interval(successes * (scale + 1), trials * (scale + 1))
    assert large.high - large.low < small.high - small.low


def test_a_higher_confidence_widens_it():
    assert wilson_interval(7, 20, confidence=0.99).low < wilson_interval(7, 20).low


@pytest.mark.parametrize(("successes", "trials"), [(0, 0), (-1, 10), (11, 10)])
def test_it_refuses_what_is_not_a_proportion(successes, trials):
    with pytest.raises(InvalidInput):
        wilson_interval(successes, trials)
