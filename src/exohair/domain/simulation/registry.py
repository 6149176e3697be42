"""A synthetic registry with KNOWN true effects, for testing that the analytics find what is there and only that.

    ┌──────────────────────────────────────────────────────────────────────────────────────────────────────────┐
    │ SYNTHETIC DATA. The "effects" below are parameters of a random generator, chosen to exercise the methods. │
    │ They are NOT estimates of what exosome therapy does. Human evidence for exosomes in chemotherapy-induced  │
    │ alopecia is thin; nothing generated here may be shown to anyone as evidence that the therapy works.       │
    └──────────────────────────────────────────────────────────────────────────────────────────────────────────┘

The generator builds in the confounding a real registry would have: patients on high-alopecia-risk regimens, and
older patients, are offered the therapy less often and keep their hair less often. A naive comparison of a therapy
protocol with observation therefore overstates its effect; an adjusted one should recover the true value.

How the outcomes are made:

- preserved ~ Bernoulli(p), p = base(risk class) − 0.03 per decade of age over 55 + site offset
  + `preservation_risk_difference` if the protocol has priming sessions (regrowth-only starts after chemotherapy,
  so it cannot preserve hair). The effect is additive and the same for everyone, so the marginal risk difference
  equals the parameter exactly in any subgroup; p stays inside (0, 1) without clipping (parameters that would push
  it out are refused). 5% of patients are not assessed at the end of chemotherapy (NaN), completely at random.
- regrowth: Weibull proportional hazards (shape 2, median 79 days for a 55-year-old on a low-risk regimen), slower
  on higher-risk regimens and with age, with hazard ratio `regrowth_hazard_ratio` for any therapy protocol. That
  is a CONDITIONAL hazard ratio (given the covariates): a Cox model with regimen (or risk class) and age recovers
  it, while a weighted Cox on treatment alone estimates a marginal one, which differs because hazard ratios are
  not collapsible. Times are whole days (rounded up); follow-up ends uniformly between day 30 and day 365
  (censoring); 3% are never assessed after chemotherapy (NaN days, no event).
- cover-free: regrowth plus a Weibull delay (shape 1.5, scale 45 days) that the therapy does not change, with the
  same follow-up.
- adjuncts: drawn independently of the outcome (they carry no effect here), more often with a therapy protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from exohair.domain.errors import InvalidInput

COMPARATOR: Final = "observation-only"
PROTOCOLS: Final = ("priming-regrowth", "priming-in-cycle-regrowth", "regrowth-only", COMPARATOR)
PRIMING_PROTOCOLS: Final = frozenset({"priming-regrowth", "priming-in-cycle-regrowth"})

# The registry frame every analysis reads (one row per patient whose chemotherapy has ended): column, kind.
REGISTRY_COLUMNS: Final = (
    ("patient_key", "str"),
    ("regimen", "str"),
    ("risk_class", "str"),
    ("protocol", "str"),
    ("adjuncts", "str"),  # "" or "+"-joined sorted ids: "minoxidil", "prp", "scalp-cooling"
    ("site", "str"),
    ("period", "str"),
    ("age_years", "float"),
    ("age_band", "str"),
    ("preserved", "float"),  # 1.0 kept, 0.0 lost, NaN not assessed
    ("regrowth_days", "float"),  # from the last infusion; NaN if never assessed after chemotherapy
    ("regrowth_event", "bool"),
    ("cover_free_days", "float"),
    ("cover_free_event", "bool"),
)

_REGIMENS = ("AC", "AC-T", "TC", "FEC-D", "paclitaxel-weekly", "CMF", "FOLFOX")
_REGIMEN_RISK = ("high", "high", "high", "high", "moderate", "moderate", "low")
_REGIMEN_SHARE = (0.18, 0.20, 0.15, 0.12, 0.15, 0.10, 0.10)
_SITES = ("site-A", "site-B", "site-C")
_SITE_SHARE = (0.5, 0.3, 0.2)
_PERIODS = ("2025-H1", "2025-H2", "2026-H1", "2026-H2")
_AGE_BANDS = ("<40", "40–49", "50–59", "60–69", "≥70")
_ADJUNCT_SETS = tuple(  # index = bit 0 minoxidil, bit 1 prp, bit 2 scalp-cooling; ids already in sorted order
    "+".join(name for bit, name in enumerate(("minoxidil", "prp", "scalp-cooling")) if code >> bit & 1)
    for code in range(8)
)

# Preservation without therapy: base by risk class (high, moderate, low), age slope per decade over 55, site offsets.
_BASE_PRESERVATION = np.array([0.22, 0.45, 0.70])
_AGE_SLOPE_PER_DECADE = -0.03
_AGE_RANGE = (25.0, 85.0)
_SITE_PRESERVATION = np.array([0.0, 0.02, -0.02])
# The extremes of p without therapy (oldest on the worst; youngest on the best), which bound the risk difference.
_LOWEST_P = float(
    _BASE_PRESERVATION.min() + _AGE_SLOPE_PER_DECADE * (_AGE_RANGE[1] - 55) / 10 + _SITE_PRESERVATION.min()
)
_HIGHEST_P = float(
    _BASE_PRESERVATION.max() + _AGE_SLOPE_PER_DECADE * (_AGE_RANGE[0] - 55) / 10 + _SITE_PRESERVATION.max()
)

# Protocol choice, multinomial logit against observation-only: intercept, high risk, moderate risk, per decade.
_UPTAKE = np.array(
    [
        [0.6, -1.4, -0.6, -0.35],  # priming-regrowth
        [-0.4, -1.4, -0.6, -0.35],  # priming-in-cycle-regrowth
        [-0.5, -0.5, -0.2, -0.20],  # regrowth-only
    ]
)
_SITE_UPTAKE = np.array([0.0, 0.3, -0.3])

# Regrowth: Weibull shape and scale (days), log hazard ratios for high and moderate risk and per decade over 55.
_REGROWTH_SHAPE, _REGROWTH_SCALE_DAYS = 2.0, 95.0
_REGROWTH_LOG_HR = np.array([np.log(0.8), np.log(0.9), -0.10])
_COVER_DELAY_SHAPE, _COVER_DELAY_SCALE_DAYS = 1.5, 45.0
_FOLLOW_UP_DAYS = (30, 365)
_NOT_ASSESSED_AT_END, _NEVER_ASSESSED_AFTER = 0.05, 0.03


@dataclass(frozen=True, slots=True)
class TrueEffects:
    """The effects the generator builds in (SYNTHETIC: parameters for testing methods, not facts about exosomes)."""

    preservation_risk_difference: float = 0.10  # P(preserved), priming protocols − observation-only, additive
    regrowth_hazard_ratio: float = 1.3  # conditional HR of regrowth, any therapy protocol vs observation (>1 sooner)


def synthetic_registry(
    rng: np.random.Generator, n_patients: int, *, effects: TrueEffects | None = None
) -> pd.DataFrame:
    """A registry frame of n_patients synthetic patients (columns: REGISTRY_COLUMNS), reproducible from the rng.

    The generating model is in the module docstring; its true effects are `effects`. Vectorised: under 2 s for
    1,000,000 patients. Raises InvalidInput for a risk difference that would push a probability out of (0, 1) or a
    hazard ratio that is not positive.
    """
    effects = effects or TrueEffects()
    _check(rng, n_patients, effects)
    n = n_patients
    regimen = rng.choice(len(_REGIMENS), size=n, p=_REGIMEN_SHARE)
    risk = np.array([("high", "moderate", "low").index(r) for r in _REGIMEN_RISK])[regimen]  # 0 high .. 2 low
    high, moderate = (risk == 0).astype(np.float64), (risk == 1).astype(np.float64)
    site = rng.choice(len(_SITES), size=n, p=_SITE_SHARE)
    period = rng.integers(0, len(_PERIODS), size=n)
    age = np.floor(np.clip(rng.normal(55.0, 11.0, size=n), *_AGE_RANGE))  # whole years completed, as the clinic
    decades = ((age - 55.0) / 10.0).astype(np.float64)

    protocol = _choose_protocol(rng, high, moderate, decades, site)
    therapy = protocol != PROTOCOLS.index(COMPARATOR)
    priming = np.isin(protocol, [PROTOCOLS.index(name) for name in PRIMING_PROTOCOLS])

    p_preserved = _BASE_PRESERVATION[risk] + _AGE_SLOPE_PER_DECADE * decades + _SITE_PRESERVATION[site]
    p_preserved = p_preserved + effects.preservation_risk_difference * priming
    preserved = (rng.random(n) < p_preserved).astype(np.float64)
    preserved[rng.random(n) < _NOT_ASSESSED_AT_END] = np.nan

    log_hazard = (
        _REGROWTH_LOG_HR @ np.vstack([high, moderate, decades]) + np.log(effects.regrowth_hazard_ratio) * therapy
    )
    # Inverse of S(t) = exp(−(t/scale)^shape · e^lp): t = scale · (E · e^−lp)^(1/shape) with E ~ Exp(1).
    regrowth = _REGROWTH_SCALE_DAYS * (rng.exponential(size=n) * np.exp(-log_hazard)) ** (1 / _REGROWTH_SHAPE)
    cover_free = regrowth + _COVER_DELAY_SCALE_DAYS * rng.weibull(_COVER_DELAY_SHAPE, size=n)
    follow_up = rng.integers(_FOLLOW_UP_DAYS[0], _FOLLOW_UP_DAYS[1] + 1, size=n).astype(np.float64)
    never_assessed = rng.random(n) < _NEVER_ASSESSED_AFTER
    regrowth_days, regrowth_event = _censor(np.ceil(regrowth), follow_up, never_assessed)
    cover_free_days, cover_free_event = _censor(np.ceil(cover_free), follow_up, never_assessed)

    adjunct_code = (
        (rng.random(n) < np.where(therapy, 0.45, 0.30)).astype(np.int64)
        | (rng.random(n) < np.where(therapy, 0.20, 0.10)).astype(np.int64) << 1
        | (rng.random(n) < 0.25).astype(np.int64) << 2
    )
    return pd.DataFrame(
        {
            "patient_key": [f"syn-{i:07d}" for i in range(1, n + 1)],
            "regimen": _labels(_REGIMENS, regimen),
            "risk_class": _labels(("high", "moderate", "low"), risk),
            "protocol": _labels(PROTOCOLS, protocol),
            "adjuncts": _labels(_ADJUNCT_SETS, adjunct_code),
            "site": _labels(_SITES, site),
            "period": _labels(_PERIODS, period),
            "age_years": age,
            "age_band": _labels(_AGE_BANDS, np.digitize(age, [40.0, 50.0, 60.0, 70.0])),
            "preserved": preserved,
            "regrowth_days": regrowth_days,
            "regrowth_event": regrowth_event,
            "cover_free_days": cover_free_days,
            "cover_free_event": cover_free_event,
        }
    )


def _check(rng: np.random.Generator, n_patients: int, effects: TrueEffects) -> None:
    if not isinstance(rng, np.random.Generator):
        raise InvalidInput("Pass a numpy.random.Generator, so the registry can be reproduced.", code="bad_rng")
    if isinstance(n_patients, bool) or not isinstance(n_patients, int | np.integer) or n_patients < 1:
        raise InvalidInput(f"{n_patients!r} is not a number of patients.", code="bad_patient_count")
    difference = effects.preservation_risk_difference
    if not _LOWEST_P + difference > 0 or not _HIGHEST_P + difference < 1:
        raise InvalidInput(
            f"A risk difference of {difference} would push some patients' probability of keeping their hair out of "
            f"(0, 1); this generator allows {-_LOWEST_P:.2f} < difference < {1 - _HIGHEST_P:.2f}.",
            code="bad_effect",
        )
    if not effects.regrowth_hazard_ratio > 0 or not np.isfinite(effects.regrowth_hazard_ratio):
        raise InvalidInput("A hazard ratio must be a positive number.", code="bad_effect")


def _choose_protocol(
    rng: np.random.Generator,
    high: NDArray[np.float64],
    moderate: NDArray[np.float64],
    decades: NDArray[np.float64],
    site: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Index into PROTOCOLS, drawn from the multinomial logit with observation-only as the reference (score 0)."""
    features = np.vstack([np.ones_like(high), high, moderate, decades])  # 4 × n
    scores = _UPTAKE @ features + _SITE_UPTAKE[site]  # 3 × n
    odds = np.vstack([np.exp(scores), np.ones_like(high)])  # the comparator last, as in PROTOCOLS
    cumulative = np.cumsum(odds / odds.sum(axis=0), axis=0)
    drawn: NDArray[np.int64] = (rng.random(high.size) > cumulative[:-1]).sum(axis=0).astype(np.int64)
    return drawn


def _censor(
    event_days: NDArray[np.float64], follow_up: NDArray[np.float64], never_assessed: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Observed days min(event, end of follow-up) and whether the event was seen; NaN and no event if never seen."""
    observed = event_days <= follow_up
    days = np.where(observed, event_days, follow_up)
    days[never_assessed] = np.nan
    return days, observed & ~never_assessed


def _labels(names: tuple[str, ...], codes: NDArray[np.int64]) -> NDArray[np.object_]:
    return np.array(names, dtype=object)[codes]
