"""Cox proportional-hazards regression for the registry: which factors speed or slow an event after chemotherapy.

lifelines fits the model (Efron's handling of tied days, Newton–Raphson). Two things are ours, for speed at a
million patients: the fit runs in lifelines' batch mode, which groups patients by day (registry durations are whole
days: 1.5 s instead of about 66 s, DESIGN.md), and the robust (sandwich) variance is computed here in vectorised
form, because lifelines' own loops over patients pairwise (hours at 1,000,000). The concordance is ours for the
same reason (concordance.py).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.exceptions import ConvergenceError, ConvergenceWarning, StatisticalWarning
from numpy.typing import NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.checks import check_confidence, check_weights, checked_durations
from exohair.domain.statistics.concordance import harrell_concordance
from exohair.domain.statistics.design import design_matrix


@dataclass(frozen=True, slots=True)
class CoxTerm:
    name: str  # "age_years" (per year), or "regimen[TC]" (TC against the reference regimen)
    coefficient: float  # log hazard ratio
    standard_error: float
    hazard_ratio: float  # > 1: the event comes sooner (for regrowth, a good thing)
    hr_low: float
    hr_high: float
    p_value: float  # two-sided Wald test of HR = 1


@dataclass(frozen=True, slots=True)
class CoxFit:
    terms: tuple[CoxTerm, ...]
    n: int
    n_events: int
    concordance: float | None  # Harrell's C of the fitted risk score; None when no pair is comparable
    references: tuple[tuple[str, str], ...]  # (covariate, reference level) for text covariates
    robust: bool  # sandwich variance (Lin & Wei 1989) rather than the model's
    weighted: bool
    confidence: float
    log_likelihood: float  # Efron partial log-likelihood at the estimate
    warnings: tuple[str, ...]  # lifelines' convergence warnings, to be shown next to the numbers

    def term(self, name: str) -> CoxTerm:
        for term in self.terms:
            if term.name == name:
                return term
        raise KeyError(name)


def cox_fit(
    frame: pd.DataFrame,
    *,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    weights_col: str | None = None,
    robust: bool = False,
    reference_levels: Mapping[str, str] | None = None,
    confidence: float = 0.95,
    concordance: bool = True,
) -> CoxFit:
    """Hazard ratios from the Cox model h(t | x) = h₀(t) exp(xᵀβ) (Cox, JRSS B 1972;34:187-220).

    β maximises the partial likelihood with Efron's approximation for events on the same day (Efron, JASA
    1977;72:557-565); a weight w multiplies the patient's terms, the tied-event correction using the mean weight
    of the day's events (lifelines' and R's convention). HR = exp(β), its interval exp(β ± z·se), p from the Wald
    z = β/se. The variance is the inverse information, or with robust=True the sandwich V·(Σ_i U_i U_iᵀ)·V built
    from the weighted score residuals U_i (Lin & Wei, JASA 1989;84:1074-1078; Therneau & Grambsch, Modeling
    Survival Data, Springer 2000), which non-integer weights such as inverse-probability weights require (they
    are refused without it). Integer weights are read as frequency weights and may use the model variance (with
    Efron's correction, a weight of 2 is close to but not exactly two copies, which would tie with each other).
    Durations in days; text covariates are coded against a reference level (design.py). concordance=False
    skips Harrell's C (a sort of every patient; the fit's concordance is then None).
    """
    check_confidence(confidence)
    for name in (duration_col, event_col, *([weights_col] if weights_col else [])):
        if name not in frame.columns:
            raise InvalidInput(f"The registry has no column {name!r}.", code="unknown_column")
    times, observed = checked_durations(frame[duration_col].to_numpy(), frame[event_col].to_numpy())
    if not observed.any():
        raise InvalidInput("No patient has had the event yet, so there is no hazard to compare.", code="no_events")
    design = design_matrix(frame, covariates, reference_levels=reference_levels)
    if not design.columns:
        raise InvalidInput(
            "The covariates take a single value each in these patients: nothing to compare.", code="no_contrast"
        )
    weights = _checked_weights(frame, weights_col, robust=robust)
    beta, model_variance, log_likelihood, messages = _fit(times, observed, design.matrix, weights, design.columns)
    if robust:
        variance = robust_covariance(times, observed, design.matrix, weights, beta, model_variance)
    else:
        variance = model_variance
    standard_errors = np.sqrt(np.diag(variance))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    terms = tuple(
        CoxTerm(
            name=name,
            coefficient=float(b),
            standard_error=float(se),
            hazard_ratio=math.exp(b),
            hr_low=math.exp(b - z * se),
            hr_high=math.exp(b + z * se),
            p_value=math.erfc(abs(b / se) / math.sqrt(2)) if se > 0 else float("nan"),
        )
        for name, b, se in zip(design.columns, beta, standard_errors, strict=True)
    )
    return CoxFit(
        terms=terms,
        n=int(times.size),
        n_events=int(observed.sum()),
        concordance=harrell_concordance(times, observed, design.matrix @ beta) if concordance else None,
        references=design.references,
        robust=robust,
        weighted=weights_col is not None,
        confidence=confidence,
        log_likelihood=log_likelihood,
        warnings=messages,
    )


def _checked_weights(frame: pd.DataFrame, weights_col: str | None, *, robust: bool) -> NDArray[np.float64]:
    if weights_col is None:
        return np.ones(len(frame))
    weights = frame[weights_col].to_numpy(dtype=np.float64)
    check_weights(weights)
    if not robust and (weights != np.round(weights)).any():
        # Model-based standard errors treat a weight of 3.7 as 3.7 patients seen: far too confident for IPW.
        raise InvalidInput(
            "Non-integer weights (such as inverse-probability weights) need robust=True for honest standard errors.",
            code="weights_need_robust",
        )
    return weights


def _fit(
    times: NDArray[np.float64],
    observed: NDArray[np.bool_],
    x: NDArray[np.float64],
    weights: NDArray[np.float64],
    names: Sequence[str],
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, tuple[str, ...]]:
    # Plain column names: lifelines would try to read "regimen[TC]" as a formula were one ever passed.
    columns = [f"x{i}" for i in range(x.shape[1])]
    data = pd.DataFrame(x, columns=columns)
    data["duration"], data["event"], data["weight"] = times, observed, weights
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # The non-integer weights warning asks for robust=True; our robust variance replaces lifelines' (below).
        warnings.simplefilter("ignore", StatisticalWarning)
        try:
            fitter = CoxPHFitter().fit(
                data, "duration", "event", weights_col="weight", batch_mode=True, show_progress=False
            )
        except (ConvergenceError, np.linalg.LinAlgError) as error:
            raise InvalidInput(
                "The Cox model could not be fitted to these patients (too few events in some group, or a covariate "
                f"that predicts the outcome perfectly): {str(error).splitlines()[0]}",
                code="cox_failed",
            ) from error
    messages = tuple(
        dict.fromkeys(
            _our_names(str(item.message).strip(), names)
            for item in caught
            if issubclass(item.category, ConvergenceWarning)
        )
    )
    beta = fitter.params_.to_numpy(dtype=np.float64)
    variance = fitter.variance_matrix_.to_numpy(dtype=np.float64)
    return beta, variance, float(fitter.log_likelihood_), messages


def _our_names(message: str, names: Sequence[str]) -> str:
    return re.sub(r"\bx(\d+)\b", lambda match: names[int(match.group(1))], message)


def robust_covariance(
    times: NDArray[np.float64],
    observed: NDArray[np.bool_],
    x: NDArray[np.float64],
    weights: NDArray[np.float64],
    beta: NDArray[np.float64],
    model_variance: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The sandwich V (Σ_i U_i U_iᵀ) V with U_i = w_i L_i, L_i patient i's Efron score residual, V the model variance
    (= Σ_i D_i D_iᵀ with D_i = U_i V, the "dfbeta" form of R's coxph)."""
    scores = efron_score_residuals(times, observed, x, weights, beta)
    scores *= weights[:, None]
    meat = scores.T @ scores
    return model_variance @ meat @ model_variance


def efron_score_residuals(
    times: NDArray[np.float64],
    observed: NDArray[np.bool_],
    x: NDArray[np.float64],
    weights: NDArray[np.float64],
    beta: NDArray[np.float64],
) -> NDArray[np.float64]:
    """L_i = ∂U/∂w_i: patient i's share of the weighted Efron score U(β) = Σ_i w_i L_i (zero at the estimate).

    At an event day with d events D, risk set R, S0 = Σ_R w r, T0 = Σ_D w r (r = exp(xβ)), S1, T1 likewise with x,
    and m = Σ_D w / d, the Efron denominators are S0 − (k/d)T0 for k = 0..d−1, with means x̄_k. Then

        L_i = Σ_{days with i among D} (x_i − mean_k x̄_k) − r_i Σ_{days ≤ t_i} m Σ_k c_ik (x_i − x̄_k) / (S0 − (k/d)T0)

    with c_ik = 1 − k/d if i is among that day's events, else 1 (Therneau & Grambsch 2000; what R's
    residuals.coxph(type = "score") computes for Efron ties). Sums run per day with cumulative sums: O(n log n).
    """
    order = np.argsort(times, kind="stable")
    t, e, xs, w = times[order], observed[order], x[order], weights[order]
    events = e.astype(np.float64)
    linear = xs @ beta
    r = np.exp(linear - linear.max())  # a common factor cancels in every ratio below; this one avoids overflow
    wr = w * r
    _, first, day = np.unique(t, return_index=True, return_inverse=True)
    n_days, p = first.size, xs.shape[1]
    s0 = np.cumsum(wr[::-1])[::-1][first]
    s1 = np.cumsum((wr[:, None] * xs)[::-1], axis=0)[::-1][first]
    d = np.bincount(day, weights=events, minlength=n_days).astype(np.float64)
    t0 = np.bincount(day, weights=wr * events, minlength=n_days)
    t1 = _sum_by(day, (wr * events)[:, None] * xs, n_days)
    weight_sums = np.bincount(day, weights=w * events, minlength=n_days).astype(np.float64)
    event_days = np.flatnonzero(d > 0)
    ties = d[event_days].astype(np.int64)
    mean_weight = weight_sums[event_days] / ties
    # One row per (event day, k): the d Efron denominators of each day, laid end to end.
    owner, k = efron_terms(ties)
    fraction = k / ties[owner]
    denominator = s0[event_days][owner] - fraction * t0[event_days][owner]
    xbar = (s1[event_days][owner] - fraction[:, None] * t1[event_days][owner]) / denominator[:, None]
    step = mean_weight[owner] / denominator
    h, g = np.zeros(n_days), np.zeros(n_days)
    hx, gx, x_mean = np.zeros((n_days, p)), np.zeros((n_days, p)), np.zeros((n_days, p))
    h[event_days] = np.bincount(owner, weights=step, minlength=event_days.size)
    g[event_days] = np.bincount(owner, weights=(1 - fraction) * step, minlength=event_days.size)
    hx[event_days] = _sum_by(owner, step[:, None] * xbar, event_days.size)
    gx[event_days] = _sum_by(owner, ((1 - fraction) * step)[:, None] * xbar, event_days.size)
    x_mean[event_days] = _sum_by(owner, xbar, event_days.size) / ties[:, None]
    # Cumulative over days up to each patient's own; on the day of their own event the tied share (g) replaces h.
    cum_h = np.cumsum(h)[day] + np.where(e, g[day] - h[day], 0.0)
    cum_hx = np.cumsum(hx, axis=0)[day] + np.where(e[:, None], gx[day] - hx[day], 0.0)
    residuals = events[:, None] * (xs - x_mean[day]) - r[:, None] * (xs * cum_h[:, None] - cum_hx)
    unsorted: NDArray[np.float64] = np.empty_like(residuals)
    unsorted[order] = residuals
    return unsorted


def efron_terms(ties: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Efron's d terms of each event day laid end to end: for each term, its day's position among the event days
    and its k (0 .. d-1), from each day's number of events d."""
    owner = np.repeat(np.arange(ties.size), ties)
    return owner, np.arange(owner.size) - np.repeat(np.cumsum(ties) - ties, ties)


def _sum_by(groups: NDArray[np.intp], values: NDArray[np.float64], n_groups: int) -> NDArray[np.float64]:
    """Column sums of values per group (np.bincount column by column: faster than np.add.at)."""
    sums = np.zeros((n_groups, values.shape[1]))
    for column in range(values.shape[1]):
        sums[:, column] = np.bincount(groups, weights=values[:, column], minlength=n_groups)
    return sums
