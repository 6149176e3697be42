"""Checks at the boundary of the statistics, shared by the survival, Cox and adjusted comparisons: each bad input
becomes one sentence a person can act on (lifelines and statsmodels would raise their own errors, or worse, return
NaN)."""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from exohair.domain.errors import InvalidInput

Scalar = TypeVar("Scalar", bound=np.generic)


def checked_durations(durations_days: ArrayLike, events: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Durations as finite, non-negative days and events as booleans, one of each per patient."""
    try:
        times = np.asarray(durations_days, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidInput("Durations must be numbers of days.", code="bad_duration") from error
    raw_events = np.asarray(events)
    if times.ndim != 1 or raw_events.ndim != 1:
        raise InvalidInput("Durations and events must be flat lists, one entry per patient.", code="bad_shape")
    if times.size != raw_events.size:
        raise InvalidInput(
            f"{times.size} durations but {raw_events.size} event flags: each patient needs both.",
            code="length_mismatch",
        )
    if times.size == 0:
        raise InvalidInput("There are no patients to analyse.", code="no_patients")
    missing = int(np.isnan(times).sum())
    if missing:
        raise InvalidInput(
            f"{patients_have(missing)} no duration; leave out those never assessed after chemotherapy first.",
            code="missing_duration",
        )
    if np.isinf(times).any():
        raise InvalidInput("A duration is infinite; follow-up must end on a day.", code="bad_duration")
    if (times < 0).any():
        raise InvalidInput(
            "A duration is negative: an event cannot come before the last infusion.", code="negative_duration"
        )
    return times, checked_flags(raw_events, what="event flags")


def checked_flags(values: ArrayLike, *, what: str) -> NDArray[np.bool_]:
    """True/false (or 1/0) flags; a missing flag is refused, not read as false."""
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise InvalidInput(f"The {what} must be a flat list, one per patient.", code="bad_shape")
    if raw.dtype == np.bool_:
        return raw
    try:
        numeric = raw.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"The {what} must be true/false (or 1/0).", code="bad_flag") from error
    if np.isnan(numeric).any():
        raise InvalidInput(f"Some {what} are missing; each patient needs a true or false.", code="missing_flag")
    if not np.isin(numeric, (0.0, 1.0)).all():
        raise InvalidInput(f"The {what} must be true/false (or 1/0).", code="bad_flag")
    flags: NDArray[np.bool_] = numeric == 1.0
    return flags


def check_weights(weights: NDArray[np.float64]) -> None:
    if not np.isfinite(weights).all() or (weights <= 0).any():
        raise InvalidInput("Every weight must be a positive number.", code="bad_weights")


def check_both_arms(flags: NDArray[np.bool_]) -> None:
    treated = int(flags.sum())
    if treated == 0 or treated == flags.size:
        arm = "the comparator" if treated == 0 else "the therapy arm"
        raise InvalidInput(f"Every patient is in {arm}: a comparison needs patients in both arms.", code="one_arm")


def checked_outcomes(outcome: ArrayLike) -> NDArray[np.float64]:
    y = np.asarray(outcome, dtype=np.float64)
    if y.ndim != 1:
        raise InvalidInput("Outcomes must be a flat list, one per patient.", code="bad_shape")
    missing = int(np.isnan(y).sum())
    if missing:
        raise InvalidInput(
            f"{patients_have(missing)} no outcome recorded; leave out those not assessed (and report how many) "
            "before comparing.",
            code="missing_outcome",
        )
    if not np.isin(y, (0.0, 1.0)).all():
        raise InvalidInput("A risk difference needs outcomes of 1 (success) or 0 (not).", code="bad_outcome")
    return y


def patients_have(count: int) -> str:
    """ "1 patient has" / "3 patients have": the start of a sentence about some patients."""
    return "1 patient has" if count == 1 else f"{count} patients have"


def check_same_length(n: int, **arrays: NDArray[np.generic]) -> None:
    for name, values in arrays.items():
        if values.shape[0] != n:
            raise InvalidInput(
                f"{values.shape[0]} {name.replace('_', ' ')} for {n} patients: each patient needs one.",
                code="length_mismatch",
            )


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InvalidInput(f"A confidence of {confidence} is not between 0 and 1.", code="bad_confidence")


def finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def frozen(values: NDArray[Scalar]) -> NDArray[Scalar]:
    """A read-only copy: results are frozen dataclasses, and their arrays must not change behind their back."""
    copy = np.array(values)
    copy.flags.writeable = False
    return copy
