"""The weighted Cox model on one 0/1 covariate (treated or not): the marginal hazard ratio's fit, on per-day sums.

`adjusted_hazard_ratio` fits h(t | T) = h₀(t) exp(βT) with inverse-probability weights, once per protocol compared,
on every followed patient. With a single 0/1 covariate, Efron's weighted partial likelihood depends on the data
only through, per event day: the weighted number at risk in each arm, the weighted events in each arm and the
number of events. So it is maximised on those sums (a few hundred days) instead of a million rows. lifelines'
general fit took about 1 s per comparison at a million patients (benchmarks/analytics.py). The tests check that
the two agree.

With r = e^β, A₀, A₁ the weighted risk set per arm, D₀, D₁ the weighted events per arm, d the number of events and
m = (D₀ + D₁)/d their mean weight (lifelines' and R's convention for weighted ties), the Efron denominators of a day
are (A₀ − fD₀) + r(A₁ − fD₁) = P + rQ for f = k/d, k = 0..d−1 (Efron, JASA 1977;72:557-565). Then

    ℓ(β) = Σ_days [ β D₁ − m Σ_k log(P + rQ) ]
    U(β) = Σ_days [ D₁ − m Σ_k rQ/(P + rQ) ]
    I(β) = Σ_days m Σ_k rQ·P/(P + rQ)²

and Newton–Raphson from β = 0 converges in a handful of steps (ℓ is concave).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.cox import efron_terms

_MAX_STEPS = 50
_TOLERANCE = 1e-12
_MAX_STEP = 5.0
_MAX_LOG_RATIO = 30.0  # a hazard ratio beyond e³⁰ (10¹³) is the data failing to bound it, not an estimate


def marginal_cox(
    times: NDArray[np.float64], observed: NDArray[np.bool_], treated: NDArray[np.bool_], weights: NDArray[np.float64]
) -> tuple[float, float]:
    """β and its model variance 1/I(β) for the weighted Cox model on `treated` alone (Efron ties).

    Inputs are checked by the caller: finite non-negative days, positive weights, both arms present."""
    days, day = np.unique(times, return_inverse=True)
    n_days = days.size
    control, arm = weights * ~treated, weights * treated
    events = observed.astype(np.float64)
    d = np.bincount(day, weights=events, minlength=n_days)
    died_control = np.bincount(day, weights=control * events, minlength=n_days)
    died_treated = np.bincount(day, weights=arm * events, minlength=n_days)
    if died_treated.sum() == 0 or died_control.sum() == 0:
        raise InvalidInput(
            "The Cox model could not be fitted: one arm has no events, so its hazard ratio is 0 or infinite.",
            code="cox_failed",
        )
    # At risk on a day: everyone whose follow-up lasts until that day or beyond.
    at_risk_control = np.cumsum(np.bincount(day, weights=control, minlength=n_days)[::-1])[::-1]
    at_risk_treated = np.cumsum(np.bincount(day, weights=arm, minlength=n_days)[::-1])[::-1]
    event_days = np.flatnonzero(d > 0)
    ties = d[event_days].astype(np.int64)
    term_day, k = efron_terms(ties)  # one row per (event day, k)
    owner = event_days[term_day]
    fraction = k / d[owner]
    p = at_risk_control[owner] - fraction * died_control[owner]
    q = at_risk_treated[owner] - fraction * died_treated[owner]
    m = ((died_control + died_treated)[owner]) / d[owner]
    treated_events = float(died_treated.sum())

    def likelihood(beta: float) -> float:
        return beta * treated_events - float(np.sum(m * np.log(p + math.exp(beta) * q)))

    beta, current = 0.0, likelihood(0.0)
    for _ in range(_MAX_STEPS):
        rq = math.exp(beta) * q
        share = rq / (p + rq)
        score = treated_events - float(np.sum(m * share))
        information = float(np.sum(m * share * (1 - share)))
        if not information > 0:
            break
        # At most a factor of e⁵ in the hazard ratio per step, so a diverging fit (one arm's events all where the
        # other has no one at risk) runs into the limit below instead of overflowing exp().
        step = max(-_MAX_STEP, min(_MAX_STEP, score / information))
        # Step-halving keeps the likelihood rising where a full Newton step would overshoot (far from β).
        while True:
            candidate = likelihood(beta + step)
            if candidate >= current - 1e-12 * abs(current) or abs(step) < _TOLERANCE:
                break
            step /= 2
        beta, current = beta + step, candidate
        if abs(beta) > _MAX_LOG_RATIO:
            break
        if abs(step) < _TOLERANCE * max(1.0, abs(beta)):
            rq = math.exp(beta) * q
            share = rq / (p + rq)
            information = float(np.sum(m * share * (1 - share)))
            if information > 0 and math.isfinite(beta):
                return beta, 1 / information
            break
    raise InvalidInput(
        "The Cox model could not be fitted to these patients (the arms' events do not identify a hazard ratio).",
        code="cox_failed",
    )
