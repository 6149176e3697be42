"""The marginal hazard ratio's fit on per-day sums: it maximises Efron's weighted partial likelihood as written
plainly, patient by patient, and agrees with lifelines' general fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.cox import cox_fit
from exohair.domain.statistics.marginal_cox import marginal_cox


def _efron_log_likelihood(beta, times, observed, treated, weights):  # type: ignore[no-untyped-def]
    """Efron's weighted log partial likelihood, one event day at a time (the tied-event terms weighted by the mean
    weight of the day's events, as lifelines and R's coxph do)."""
    x = treated.astype(float)
    total = 0.0
    for day in np.unique(times[observed]):
        at_risk, died = times >= day, (times == day) & observed
        d = int(died.sum())
        mean_weight = weights[died].sum() / d
        s0 = (weights[at_risk] * np.exp(beta * x[at_risk])).sum()
        t0 = (weights[died] * np.exp(beta * x[died])).sum()
        total += beta * (weights[died] * x[died]).sum()
        total -= mean_weight * sum(math.log(s0 - k / d * t0) for k in range(d))
    return total


def _registry(seed: int, n: int, longest: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    treated = rng.random(n) < 0.4
    times = np.minimum(np.ceil(rng.exponential(np.where(treated, 0.4, 0.6) * longest)), longest).astype(float)
    observed = (rng.random(n) < 0.75) & (times < longest)
    return times, observed, treated, rng.uniform(0.3, 4.0, n)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_maximises_efrons_weighted_likelihood_as_written(seed):
    print(f"seed {seed}")
    data = _registry(seed, 300, 40)  # 40 days: many ties on each event day
    beta, variance = marginal_cox(*data)
    h = 1e-4
    here, left, right = (_efron_log_likelihood(b, *data) for b in (beta, beta - h, beta + h))
    assert here >= max(left, right)
    assert (right - left) / (2 * h) == pytest.approx(0, abs=1e-6)
    # The model variance is the inverse of the observed information, -1/ℓ''(β).
    assert variance == pytest.approx(-(h * h) / (left - 2 * here + right), rel=1e-3)


@pytest.mark.parametrize("seed", [4, 5])
def test_it_agrees_with_lifelines_on_a_larger_registry(seed):
    print(f"seed {seed}")
    times, observed, treated, weights = _registry(seed, 20_000, 120)
    beta, _ = marginal_cox(times, observed, treated, weights)
    frame = pd.DataFrame({"days": times, "event": observed, "t": treated, "w": weights})
    term = cox_fit(frame, duration_col="days", event_col="event", covariates=["t"], weights_col="w", robust=True)
    assert beta == pytest.approx(term.term("t").coefficient, rel=1e-4)


def test_an_arm_without_events_is_refused_rather_than_given_an_infinite_ratio():
    times = np.array([5.0, 9.0, 12.0, 20.0])
    with pytest.raises(InvalidInput) as refused:
        marginal_cox(times, np.array([True, True, False, False]), np.array([False, False, True, True]), np.ones(4))
    assert refused.value.code == "cox_failed"


def test_arms_whose_events_never_overlap_are_refused_rather_than_overflowing():
    # Every treated patient has her event before any comparator's: the likelihood rises forever with β.
    rng = np.random.default_rng(6)
    print("seed 6")
    treated = np.repeat([True, False], 500)
    times = np.where(treated, rng.integers(1, 10, 1000), rng.integers(20, 60, 1000)).astype(float)
    with pytest.raises(InvalidInput) as refused:
        marginal_cox(times, np.ones(1000, dtype=bool), treated, rng.uniform(0.5, 2, 1000))
    assert refused.value.code == "cox_failed"
