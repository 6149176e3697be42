"""Covariate balance between the arms, before and after weighting: did the weights make the arms comparable?

The standardised mean difference (SMD) is used rather than a p-value: it does not grow with the sample size, so a
million-patient registry is not "imbalanced" over a trivial difference, nor a small one "balanced" for lack of
power. |SMD| < 0.1 is the usual mark of negligible imbalance (Austin, Stat Med 2009;28:3083-3107).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.checks import check_same_length, checked_flags
from exohair.domain.statistics.design import coded_levels, is_categorical

BALANCED_BELOW = 0.1  # |SMD| under this counts as balanced (Austin 2009)


@dataclass(frozen=True, slots=True)
class Balance:
    """One covariate (or one level of a text covariate) in the two arms."""

    covariate: str
    level: str | None  # the level for a text covariate (its share is compared); None for a number
    mean_treated: float  # unweighted mean (a share for a level or a true/false column)
    mean_control: float
    smd_before: float
    weighted_mean_treated: float | None  # None when no weights were given
    weighted_mean_control: float | None
    smd_after: float | None
    balanced: bool  # |SMD| < 0.1 after weighting (before, without weights)


def balance_table(
    frame: pd.DataFrame,
    *,
    treated: str | ArrayLike,
    covariates: Sequence[str],
    weights: ArrayLike | None = None,
) -> list[Balance]:
    """The standardised mean difference of each covariate between the arms, before and after weighting.

        SMD = (x̄₁ − x̄₀) / √((s₁² + s₀²) / 2)

    For a number, s² is the (weighted) sample variance Σw / ((Σw)² − Σw²) · Σ w (x − x̄_w)², which is the usual
    n − 1 variance when every w = 1 (Austin & Stuart, Stat Med 2015;34:3661-3679). For a level of a text covariate
    or a true/false column, x̄ is the (weighted) share p and s² = p(1 − p) (Austin 2009). Every level is listed,
    the reference level included. An SMD is ±∞ when the means differ but neither arm varies (a level only one
    arm has): no weighting can balance that.
    """
    if isinstance(treated, str):
        if treated not in frame.columns:
            raise InvalidInput(f"The registry has no column {treated!r}.", code="unknown_column")
        treated = frame[treated].to_numpy()
    flags = checked_flags(treated, what="treatment flags")
    check_same_length(len(frame), treatment_flags=flags)
    if flags.all() or not flags.any():
        raise InvalidInput("A balance table needs patients in both arms.", code="one_arm")
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if w is not None:
        check_same_length(len(frame), weights=w)
        if not np.isfinite(w).all() or (w <= 0).any():
            raise InvalidInput("Every weight must be a positive number.", code="bad_weights")
    rows: list[Balance] = []
    for name in covariates:
        if name not in frame.columns:
            raise InvalidInput(f"The registry has no column {name!r}.", code="unknown_covariate")
        column = frame[name]
        if column.isna().any():
            raise InvalidInput(f"Some patients have no {name}; leave them out first.", code="missing_covariate")
        if is_categorical(column):
            levels, codes = coded_levels(column)
            for k in range(len(levels)):  # commonest first
                rows.append(_row(name, levels[k], (codes == k).astype(np.float64), flags, w, binary=True))
        else:
            binary = pd.api.types.is_bool_dtype(column.dtype)
            rows.append(_row(name, None, column.to_numpy(dtype=np.float64), flags, w, binary=binary))
    return rows


def standardized_difference(
    values: NDArray[np.float64], flags: NDArray[np.bool_], weights: NDArray[np.float64], *, binary: bool
) -> tuple[float, float, float]:
    """(weighted mean in the treated arm, in the comparator arm, SMD)."""
    (control_mean, treated_mean), (control_variance, treated_variance) = _means_and_variances(
        values, flags.astype(np.intp), weights, binary=binary
    )
    difference = treated_mean - control_mean
    spread = math.sqrt((treated_variance + control_variance) / 2)
    if spread > 0:
        return treated_mean, control_mean, difference / spread
    return treated_mean, control_mean, 0.0 if difference == 0 else math.copysign(math.inf, difference)


def _row(
    name: str,
    level: str | None,
    values: NDArray[np.float64],
    flags: NDArray[np.bool_],
    weights: NDArray[np.float64] | None,
    *,
    binary: bool,
) -> Balance:
    mean_treated, mean_control, before = standardized_difference(values, flags, np.ones(values.size), binary=binary)
    if weights is None:
        return Balance(name, level, mean_treated, mean_control, before, None, None, None, abs(before) < BALANCED_BELOW)
    weighted_treated, weighted_control, after = standardized_difference(values, flags, weights, binary=binary)
    return Balance(
        name,
        level,
        mean_treated,
        mean_control,
        before,
        weighted_treated,
        weighted_control,
        after,
        abs(after) < BALANCED_BELOW,
    )


def _means_and_variances(
    values: NDArray[np.float64], arm: NDArray[np.intp], weights: NDArray[np.float64], *, binary: bool
) -> tuple[tuple[float, float], tuple[float, float]]:
    """((mean, mean) and (variance, variance)) of the comparator arm (0) and the treated arm (1), each a weighted
    sum per arm in one pass (np.bincount): masking out each arm for each covariate level cost a tenth of a second
    per level at a million patients."""
    total = np.bincount(arm, weights=weights, minlength=2)
    mean = np.bincount(arm, weights=weights * values, minlength=2) / total
    if binary:
        variance = mean * (1 - mean)
    else:
        effective = total**2 - np.bincount(arm, weights=weights**2, minlength=2)
        squares = np.bincount(arm, weights=weights * (values - mean[arm]) ** 2, minlength=2)
        # A single patient in an arm has no spread to speak of (effective = 0 there).
        variance = np.where(effective > 0, total * squares / np.where(effective > 0, effective, 1), 0.0)
    return (float(mean[0]), float(mean[1])), (float(variance[0]), float(variance[1]))
