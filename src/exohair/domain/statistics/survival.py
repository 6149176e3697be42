"""Time to an event after chemotherapy (hair regrowth, going without a head cover): Kaplan–Meier and log-rank.

Durations are days from the last infusion to the event or to the last time the patient was seen without it
(censoring). Patients never assessed after chemotherapy have no duration: the caller leaves them out, and these
functions refuse a missing value rather than guess one. The fitting is lifelines' (Davidson-Pilon, JOSS 2019);
this module checks inputs at the boundary and returns plain frozen results. The Cox model lives in `cox.py` and is
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times
from numpy.typing import ArrayLike, NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.checks import check_confidence, checked_durations, finite_or_none, frozen
from exohair.domain.statistics.cox import CoxFit, CoxTerm, cox_fit

__all__ = ["CoxFit", "CoxTerm", "LogRankTest", "SurvivalCurve", "cox_fit", "kaplan_meier", "log_rank"]


@dataclass(frozen=True, slots=True, eq=False)
class SurvivalCurve:
    """A Kaplan–Meier curve: one entry per distinct follow-up time, from day 0 (survival 1 unless events on day 0).

    "Survival" is the probability of not yet having had the event (not yet regrown, still covering the head).
    """

    label: str
    times_days: NDArray[np.float64]
    survival: NDArray[np.float64]
    ci_low: NDArray[np.float64]  # pointwise, exponential Greenwood (log(−log) scale)
    ci_high: NDArray[np.float64]
    at_risk: NDArray[np.int64]  # patients still followed and without the event just before each time
    events: NDArray[np.int64]  # events at each time
    censored: NDArray[np.int64]  # patients whose follow-up ends at each time without the event
    n: int
    n_events: int
    median_days: float | None  # None while the curve has not fallen to 0.5
    median_low: float | None  # None when the interval's bound is not reached either
    median_high: float | None
    confidence: float

    def survival_at(self, day: float) -> float:
        """S(day): the curve is a step function, right-continuous, so S holds from one time to the next."""
        index = int(np.searchsorted(self.times_days, day, side="right")) - 1
        return float(self.survival[max(index, 0)])


@dataclass(frozen=True, slots=True)
class LogRankTest:
    """Are the curves of 2..k groups the same? Chi-square with k−1 degrees of freedom."""

    statistic: float
    degrees_of_freedom: int
    p_value: float
    groups: tuple[str, ...]  # sorted
    patients: tuple[int, ...]  # per group, same order
    events: tuple[int, ...]


def kaplan_meier(
    durations_days: ArrayLike, events: ArrayLike, *, label: str, confidence: float = 0.95
) -> SurvivalCurve:
    """The product-limit estimate of the probability of being event-free beyond t, with its pointwise interval.

        S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)

    with d_i events and n_i at risk at time t_i (Kaplan & Meier, JASA 1958;53:457-481). The interval is Greenwood's
    variance on the log(−log S) scale ("exponential Greenwood"; Kalbfleisch & Prentice, 2nd ed., Wiley 2002), so
    it stays inside [0, 1]: S^exp(±z·σ), σ² = Σ d_i / (n_i (n_i − d_i)) / (log S)². The median is the first time
    S ≤ 0.5 and its interval the times where the pointwise bounds cross 0.5, as R's survfit reports it. Durations
    in days; lifelines' KaplanMeierFitter does the arithmetic (under 0.2 s at 1,000,000 patients).
    """
    times, observed = checked_durations(durations_days, events)
    check_confidence(confidence)
    fitter = KaplanMeierFitter(alpha=1 - confidence).fit(times, observed, label=label)
    table = fitter.event_table
    bounds = fitter.confidence_interval_survival_function_
    median = float(fitter.median_survival_time_)
    median_bounds = median_survival_times(fitter.confidence_interval_survival_function_)
    # The lower survival bound crosses 0.5 first, so it gives the earlier (low) end of the median's interval.
    median_low, median_high = (float(value) for value in median_bounds.iloc[0])
    return SurvivalCurve(
        label=label,
        times_days=frozen(table.index.to_numpy(dtype=np.float64)),
        survival=frozen(fitter.survival_function_.iloc[:, 0].to_numpy(dtype=np.float64)),
        ci_low=frozen(bounds.iloc[:, 0].to_numpy(dtype=np.float64)),
        ci_high=frozen(bounds.iloc[:, 1].to_numpy(dtype=np.float64)),
        at_risk=frozen(table["at_risk"].to_numpy(dtype=np.int64)),
        events=frozen(table["observed"].to_numpy(dtype=np.int64)),
        censored=frozen(table["censored"].to_numpy(dtype=np.int64)),
        n=int(times.size),
        n_events=int(observed.sum()),
        median_days=finite_or_none(median),
        median_low=finite_or_none(median_low),
        median_high=finite_or_none(median_high),
        confidence=confidence,
    )


def log_rank(durations_days: ArrayLike, events: ArrayLike, groups: ArrayLike) -> LogRankTest:
    """The log-rank test that 2..k groups share one survival curve.

    At each event time, the events expected in group g are E_g = Σ_i d_i n_gi / n_i; with O the observed events,
    the statistic is (O − E)ᵀ V⁻¹ (O − E) over k−1 groups, V the hypergeometric covariance, chi-square with k−1
    degrees of freedom under the null (Mantel 1966; Peto & Peto 1972; Klein & Moeschberger 2003, §7.3).
    Computed by lifelines' multivariate_logrank_test.
    """
    times, observed = checked_durations(durations_days, events)
    labels = pd.Series(np.asarray(groups, dtype=object))
    if len(labels) != times.size:
        raise InvalidInput(
            f"{len(labels)} group labels for {times.size} durations: each patient needs one.", code="length_mismatch"
        )
    if labels.isna().any():
        raise InvalidInput("Some patients have no group; leave them out before comparing.", code="missing_group")
    labels = labels.astype(str)
    names = tuple(sorted(labels.unique()))
    if len(names) < 2:
        raise InvalidInput("A comparison needs patients in at least two groups.", code="one_group")
    if observed.sum() == 0:
        raise InvalidInput("No patient has had the event yet, so there is nothing to compare.", code="no_events")
    codes = pd.Categorical(labels, categories=names).codes
    result = multivariate_logrank_test(times, codes, observed)
    return LogRankTest(
        statistic=float(result.test_statistic),
        degrees_of_freedom=int(result.degrees_of_freedom),
        p_value=float(result.p_value),
        groups=names,
        patients=tuple(int(count) for count in np.bincount(codes, minlength=len(names))),
        events=tuple(int(count) for count in np.bincount(codes, weights=observed, minlength=len(names))),
    )
