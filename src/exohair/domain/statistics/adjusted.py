"""Adjusted comparisons of a protocol with its comparator: propensity scores, inverse-probability weights, and the
weighted risk difference and hazard ratio.

In a registry the therapy is not randomised: patients on milder regimens, or younger ones, may be offered it more
often and would also keep their hair more often without it. A naive comparison then credits the therapy with their
better prognosis. Weighting each patient by the inverse probability of the arm they were in (given the recorded
covariates) builds a pseudo-population in which those covariates no longer predict the arm (Rosenbaum & Rubin,
Biometrika 1983;70:41-55; Austin & Stuart, Stat Med 2015;34:3661-3679). It removes only the confounding by what was
recorded; balance_table (balance.py) shows whether it did.

Missing outcomes are refused, not dropped: a patient whose hair was never assessed cannot be silently left out,
because who goes unassessed may depend on the arm. The caller leaves them out and the report says how many.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike, NDArray
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError, PerfectSeparationWarning

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.balance import Balance, balance_table
from exohair.domain.statistics.checks import (
    check_both_arms,
    check_confidence,
    check_same_length,
    check_weights,
    checked_durations,
    checked_flags,
    checked_outcomes,
)
from exohair.domain.statistics.cox import robust_covariance
from exohair.domain.statistics.design import coded_levels, design_matrix, is_categorical
from exohair.domain.statistics.marginal_cox import marginal_cox

__all__ = [
    "Balance",
    "Comparison",
    "adjusted_hazard_ratio",
    "adjusted_risk_difference",
    "balance_table",
    "ipw_weights",
    "naive_risk_difference",
    "propensity_scores",
    "treatment_flags",
]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The therapy arm against its comparator on one outcome."""

    measure: str  # "risk difference" (treated − comparator, in probability) or "hazard ratio" (treated / comparator)
    estimate: float
    low: float
    high: float
    standard_error: float  # of the estimate for a difference; of its logarithm for a ratio
    confidence: float
    n_treated: int
    n_control: int
    method: str  # one sentence for the report: how the number was made


def treatment_flags(frame: pd.DataFrame, treatment: str | ArrayLike) -> NDArray[np.bool_]:
    """The treated/comparator flag per patient, from a boolean column name or an array aligned with the frame."""
    if isinstance(treatment, str):
        if treatment not in frame.columns:
            raise InvalidInput(f"The registry has no column {treatment!r}.", code="unknown_column")
        treatment = frame[treatment].to_numpy()
    flags = checked_flags(treatment, what="treatment flags")
    check_same_length(len(frame), treatment_flags=flags)
    check_both_arms(flags)
    return flags


def propensity_scores(
    frame: pd.DataFrame,
    *,
    treatment: str | ArrayLike,
    covariates: Sequence[str],
    reference_levels: Mapping[str, str] | None = None,
) -> NDArray[np.float64]:
    """e(x) = P(treated | x), from the logistic model logit e(x) = α + xᵀγ fitted by maximum likelihood.

    Text covariates are one-hot coded against a reference level (design.py), numbers enter linearly (Rosenbaum &
    Rubin 1983). Fitted by statsmodels' Logit (Newton–Raphson): about 2 s at 1,000,000 patients and 8 columns.
    A level of a text covariate whose patients are all in one arm is refused before fitting (the model would
    chase an infinite coefficient): there is no comparator for those patients, and weighting cannot invent one.
    """
    flags = treatment_flags(frame, treatment)
    design = design_matrix(frame, covariates, reference_levels=reference_levels)
    _check_overlap(frame, covariates, flags)
    x = np.column_stack([np.ones(len(frame)), design.matrix])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fitted = sm.Logit(flags.astype(np.float64), x).fit(disp=0)
        except (PerfectSeparationError, PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError) as error:
            raise InvalidInput(
                "The propensity model could not be fitted: some group of patients is all in one arm, or the "
                "covariates repeat each other. Compare only patients who could have been in either arm.",
                code="propensity_failed",
            ) from error
    scores = np.asarray(fitted.predict(x), dtype=np.float64)
    if not fitted.mle_retvals.get("converged", True) or not np.isfinite(scores).all():
        raise InvalidInput("The propensity model did not converge.", code="propensity_failed")
    return scores


def ipw_weights(
    treated: ArrayLike,
    scores: ArrayLike,
    *,
    stabilized: bool = True,
    trim: tuple[float, float] | None = (0.01, 0.99),
) -> NDArray[np.float64]:
    """Inverse-probability-of-treatment weights for the average treatment effect (ATE).

        w = 1/e for treated patients, 1/(1 − e) for comparators;  stabilised: × P(T = 1), resp. × P(T = 0)

    with e the propensity score and P(T = 1) the share treated (Robins, Hernán & Brumback, Epidemiology
    2000;11:550-560). Stabilising scales each arm's weights by one constant, so the weighted risk difference is
    unchanged (a weighted Cox estimate almost so), and keeps the weights near 1 on average in each arm when the
    propensity model is right. trim = (low, high) truncates the scores into [low, high] before weighting, so no
    patient counts for more than 1/low (here 100) patients: it keeps everyone but caps the few with an extreme
    score, whose weights would otherwise dominate the estimate, at the price of a small bias (Cole & Hernán, Am J
    Epidemiol 2008;168:656-664). trim=None uses the scores as they are.
    """
    flags = checked_flags(treated, what="treatment flags")
    check_both_arms(flags)
    e = np.asarray(scores, dtype=np.float64)
    check_same_length(flags.size, propensity_scores=e)
    if not np.isfinite(e).all() or (e < 0).any() or (e > 1).any():
        raise InvalidInput("Propensity scores must be probabilities between 0 and 1.", code="bad_scores")
    if trim is not None:
        low, high = trim
        if not 0 < low < high < 1:
            raise InvalidInput(f"Trimming bounds {trim} must satisfy 0 < low < high < 1.", code="bad_trim")
        e = np.clip(e, low, high)
    if ((e == 0) | (e == 1)).any():
        raise InvalidInput(
            "A propensity score of exactly 0 or 1 gives an infinite weight; trim the scores.", code="bad_scores"
        )
    weights = np.where(flags, 1 / e, 1 / (1 - e))
    if stabilized:
        share = flags.mean()
        weights *= np.where(flags, share, 1 - share)
    return weights


def naive_risk_difference(outcome: ArrayLike, treated: ArrayLike, *, confidence: float = 0.95) -> Comparison:
    """The unadjusted difference in proportions p₁ − p₀ with its Wald interval ± z √(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀).

    The same estimator as adjusted_risk_difference with every weight 1, so the two can be shown side by side.
    """
    flags = checked_flags(treated, what="treatment flags")
    return _weighted_difference(
        outcome,
        flags,
        np.ones(flags.size),
        confidence,
        method="Unadjusted difference in proportions, Wald interval (no adjustment for who got the therapy).",
    )


def adjusted_risk_difference(
    outcome: ArrayLike, treated: ArrayLike, weights: ArrayLike, *, confidence: float = 0.95
) -> Comparison:
    """The IPW risk difference Σ_T w y / Σ_T w − Σ_C w y / Σ_C w, with a robust (sandwich, HC0) standard error.

        var = Σ_T w²(y − μ₁)² / (Σ_T w)² + Σ_C w²(y − μ₀)² / (Σ_C w)²

    which is the HC0 variance (White, Econometrica 1980;48:817-838) of the treatment coefficient in the weighted
    least-squares regression of y on [1, T] (statsmodels WLS, cov_type="HC0"; checked in the tests). It treats
    the weights as known: ignoring that the propensity scores were estimated makes the interval conservative
    for the ATE (Lunceford & Davidian, Stat Med 2004;23:2937-2960), i.e. a little wider than it needs to be.
    """
    flags = checked_flags(treated, what="treatment flags")
    return _weighted_difference(
        outcome,
        flags,
        np.asarray(weights, dtype=np.float64),
        confidence,
        method=(
            "Inverse-probability-weighted difference in proportions (ATE), robust sandwich (HC0) interval that "
            "treats the weights as known (conservative)."
        ),
    )


def adjusted_hazard_ratio(
    frame: pd.DataFrame,
    *,
    duration_col: str,
    event_col: str,
    treated: str | ArrayLike,
    weights: ArrayLike,
    confidence: float = 0.95,
) -> Comparison:
    """The marginal hazard ratio: a Cox model on treatment alone, each patient weighted by w, robust variance.

    HR = exp(β) from h(t | T) = h₀(t) exp(βT) fitted with weights (Efron ties; on per-day sums, marginal_cox.py:
    the same β as lifelines, about ten times faster at a million patients), its interval from the sandwich
    variance (Lin & Wei 1989), which is conservative with estimated weights (Austin, Stat Med 2016;35:5642-5655).
    This is a marginal (population-average) hazard ratio: because hazard ratios are not collapsible it differs from
    the conditional one a Cox model with the covariates reports, even without any confounding.
    """
    check_confidence(confidence)
    flags = treatment_flags(frame, treated)
    w = np.asarray(weights, dtype=np.float64)
    check_same_length(flags.size, weights=w)
    check_weights(w)
    for name in (duration_col, event_col):
        if name not in frame.columns:
            raise InvalidInput(f"The registry has no column {name!r}.", code="unknown_column")
    times, observed = checked_durations(frame[duration_col].to_numpy(), frame[event_col].to_numpy())
    if not observed.any():
        raise InvalidInput("No patient has had the event yet, so there is no hazard to compare.", code="no_events")
    beta, model_variance = marginal_cox(times, observed, flags, w)
    x = flags.astype(np.float64)[:, None]
    variance = robust_covariance(times, observed, x, w, np.array([beta]), np.array([[model_variance]]))
    standard_error = math.sqrt(variance[0, 0])
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    return Comparison(
        measure="hazard ratio",
        estimate=math.exp(beta),
        low=math.exp(beta - z * standard_error),
        high=math.exp(beta + z * standard_error),
        standard_error=standard_error,
        confidence=confidence,
        n_treated=int(flags.sum()),
        n_control=int((~flags).sum()),
        method=(
            "Inverse-probability-weighted Cox model on treatment alone (Efron ties), robust sandwich interval: "
            "a marginal hazard ratio."
        ),
    )


def _weighted_difference(
    outcome: ArrayLike, flags: NDArray[np.bool_], w: NDArray[np.float64], confidence: float, *, method: str
) -> Comparison:
    check_confidence(confidence)
    check_both_arms(flags)
    y = checked_outcomes(outcome)
    check_same_length(flags.size, outcomes=y, weights=w)
    check_weights(w)
    halves = []
    for arm in (flags, ~flags):
        total = w[arm].sum()
        mean = float((w[arm] * y[arm]).sum() / total)
        variance = float((w[arm] ** 2 * (y[arm] - mean) ** 2).sum() / total**2)
        halves.append((mean, variance))
    (treated_mean, treated_variance), (control_mean, control_variance) = halves
    estimate = treated_mean - control_mean
    standard_error = math.sqrt(treated_variance + control_variance)
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    return Comparison(
        measure="risk difference",
        estimate=estimate,
        low=estimate - z * standard_error,
        high=estimate + z * standard_error,
        standard_error=standard_error,
        confidence=confidence,
        n_treated=int(flags.sum()),
        n_control=int((~flags).sum()),
        method=method,
    )


def _check_overlap(frame: pd.DataFrame, covariates: Sequence[str], flags: NDArray[np.bool_]) -> None:
    for name in covariates:
        if not is_categorical(frame[name]):
            continue
        levels, codes = coded_levels(frame[name])
        in_arm = np.bincount(codes[flags], minlength=len(levels))
        in_other = np.bincount(codes[~flags], minlength=len(levels))
        for level, treated, control in zip(levels, in_arm, in_other, strict=True):
            if treated == 0 or control == 0:
                arm = "the therapy" if treated else "the comparator"
                raise InvalidInput(
                    f"Every patient with {name} {level} is in {arm} arm, so there is no one to compare them with; "
                    "leave them out or compare within the others.",
                    code="no_overlap",
                )
