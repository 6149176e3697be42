"""Success rates by cohort (regimen, risk class, protocol, adjuncts, period, age band), and "patients like you".

A rate counts the patients assessed for the endpoint: a patient not assessed is neither a success nor a failure
(her outcome is unknown, and counting her as a failure would make the clinic's record look worse the less it
measures). Each rate comes with its Wilson 95% interval (proportions.py).

Below MINIMUM_ASSESSED patients a cohort's rate is not given at all, only its count: at 20 patients and a rate of
50% the Wilson 95% interval already runs from 30% to 70%, and smaller groups give intervals too wide to guide a
decision while inviting the reader to take the point estimate at its word (D: our threshold, after Newcombe 1998's
tables; a clinic may choose a different one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exohair.domain.deidentify import AGE_BANDS
from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.proportions import Proportion, wilson_interval

MINIMUM_ASSESSED = 20
# Dimensions with an order of their own: age bands youngest first, periods oldest first.
_BAND_ORDER = {label: i for i, (_, label) in enumerate(AGE_BANDS)}
ORDERED = {"age_band": lambda value: _BAND_ORDER.get(value, len(_BAND_ORDER)), "period": lambda value: value}
COHORT_DIMENSIONS = ("regimen", "risk_class", "protocol", "adjuncts", "period", "age_band")
DIMENSION_NAMES = {
    "regimen": "Regimen",
    "risk_class": "Regimen risk class",
    "protocol": "Protocol",
    "adjuncts": "Adjuncts",
    "site": "Site",
    "period": "Period (first infusion)",
    "age_band": "Age band",
}


@dataclass(frozen=True, slots=True)
class CohortRate:
    dimension: str
    value: str
    patients: int  # in the cohort
    assessed: int  # of them, assessed for the endpoint
    rate: Proportion | None  # None below the minimum: "not enough data"


def success_rates(
    frame: pd.DataFrame, endpoint: str, dimension: str, *, minimum: int = MINIMUM_ASSESSED
) -> list[CohortRate]:
    """One rate per value of `dimension` (largest cohort first, or in order for age bands and periods), for the
    yes/no endpoint column `endpoint`."""
    for column in (endpoint, dimension):
        if column not in frame.columns:
            raise InvalidInput(f"The registry has no column '{column}'.", code="unknown_column")
    # Counted by code (np.bincount) rather than grouped by text: a million string keys copied and hashed per
    # dimension and endpoint took most of the rates' time (benchmarks/analytics.py). Each value is named as text
    # (an empty one "none"), and values whose names coincide count together.
    codes, values = pd.factorize(frame[dimension].to_numpy(), use_na_sentinel=False)
    named, names = pd.factorize(np.array([str(v) or "none" for v in values], dtype=object))
    codes = named[codes]
    outcome = frame[endpoint].to_numpy(dtype=np.float64)
    seen = ~np.isnan(outcome)
    counts = pd.DataFrame(
        {
            "patients": np.bincount(codes, minlength=len(names)),
            "assessed": np.bincount(codes, weights=seen, minlength=len(names)),
            "successes": np.bincount(codes, weights=np.where(seen, outcome, 0.0), minlength=len(names)),
        },
        index=pd.Index(names),
    ).sort_index()
    if dimension in ORDERED:  # bands and periods read in their own order
        counts = counts.sort_index(key=lambda index: index.map(ORDERED[dimension]))
    else:
        counts = counts.sort_values(by=["patients", "assessed"], ascending=False, kind="stable")
    rates = []
    for value, row in counts.iterrows():
        assessed, successes = int(row["assessed"]), int(row["successes"])
        rate = wilson_interval(successes, assessed) if assessed >= minimum else None
        rates.append(CohortRate(dimension, str(value), int(row["patients"]), assessed, rate))
    return rates


def overall_rate(frame: pd.DataFrame, endpoint: str, *, minimum: int = MINIMUM_ASSESSED) -> CohortRate:
    assessed = frame[endpoint].dropna()
    rate = wilson_interval(int(assessed.sum()), len(assessed)) if len(assessed) >= minimum else None
    return CohortRate("all", "all patients", len(frame), len(assessed), rate)


def patients_like(frame: pd.DataFrame, *, risk_class: str, protocol: str) -> pd.DataFrame:
    """The registry's patients on a regimen of the same risk class and the same protocol."""
    return frame.loc[(frame["risk_class"] == risk_class) & (frame["protocol"] == protocol)]
