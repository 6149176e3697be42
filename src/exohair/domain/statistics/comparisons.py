"""Each therapy protocol against the observation-only comparators, naive and adjusted for who got what.

Who gets the therapy is not random: a clinic offers it, and patients take it, more or less often by regimen, age
and adjuncts, and those also decide how much hair a patient keeps. So next to the naive difference the report
gives one adjusted by inverse-probability weighting on a propensity score (Rosenbaum & Rubin 1983; Austin &
Stuart 2015), with the covariate balance before and after weighting so the reader can see whether the adjustment
worked. It adjusts only for what is recorded: an unmeasured reason for choosing the therapy still biases it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.adjusted import (
    Comparison,
    adjusted_hazard_ratio,
    adjusted_risk_difference,
    ipw_weights,
    naive_risk_difference,
    propensity_scores,
)
from exohair.domain.statistics.balance import Balance, balance_table
from exohair.domain.statistics.cohorts import MINIMUM_ASSESSED
from exohair.domain.statistics.design import coded_levels, is_categorical

COMPARATOR = "observation-only"
# What decides both who gets the therapy and how much hair she keeps, as far as the registry records it; the
# site too where the registry names several (a site's habits shape both its offers and its results).
CONFOUNDERS = ("risk_class", "age_years", "scalp_cooling")


def confounders(frame: pd.DataFrame) -> tuple[str, ...]:
    several_sites = "site" in frame.columns and frame["site"].nunique() > 1
    return (*CONFOUNDERS, "site") if several_sites else CONFOUNDERS


@dataclass(frozen=True, slots=True)
class ProtocolComparison:
    protocol: str
    comparator: str
    endpoint: str  # the yes/no endpoint compared
    patients: int  # in the protocol or the comparator, assessed for the endpoint
    naive: Comparison | None
    adjusted: Comparison | None
    balance: tuple[Balance, ...]
    regrowth: Comparison | None  # adjusted hazard ratio of the time-to-event endpoint, when there is one
    not_done: str | None  # why no comparison was made ("not enough data", no overlap), for the reader
    left_out: str | None = None  # patients outside the arms' common ground, left out of the comparison, and why


def common_ground(
    frame: pd.DataFrame, treated: NDArray[np.bool_], covariates: tuple[str, ...]
) -> tuple[NDArray[np.bool_], str | None]:
    """Which patients have counterparts in the other arm: those in a level of a text confounder (a risk class, a
    site) that only one arm has are left out, since no weighting can compare them (restriction to common
    support; Crump et al., Biometrika 2009). Returns the mask kept and a sentence saying who was left out."""
    keep = np.ones(len(frame), dtype=bool)
    dropped: list[str] = []
    for name in covariates:
        if not is_categorical(frame[name]):
            continue
        levels, codes = coded_levels(frame[name])
        in_arm = np.bincount(codes[treated], minlength=len(levels))
        in_other = np.bincount(codes[~treated], minlength=len(levels))
        for k in sorted(np.flatnonzero((in_arm == 0) | (in_other == 0)), key=lambda k: levels[k]):
            keep &= codes != k
            dropped.append(f"{int(in_arm[k] + in_other[k])} with {name.replace('_', ' ')} {levels[k]} (one arm only)")
    return keep, ("left out: " + "; ".join(dropped)) if dropped else None


def with_confounders(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the derived confounder columns (scalp cooling as 0/1, from the adjuncts); a frame that has
    them already is returned as it is, so compare_protocols derives them once for all its protocols."""
    if "scalp_cooling" in frame.columns:
        return frame
    codes, combinations = pd.factorize(frame["adjuncts"].to_numpy())  # a few distinct combinations, a million rows
    cooling = np.array([*("scalp-cooling" in str(c) for c in combinations), False], dtype=np.float64)
    return frame.assign(scalp_cooling=cooling[codes])


def compare_protocol(
    frame: pd.DataFrame,
    protocol: str,
    *,
    endpoint: str,
    time_to_event: str | None = None,
    comparator: str = COMPARATOR,
    minimum: int = MINIMUM_ASSESSED,
) -> ProtocolComparison:
    """`protocol` against `comparator` on the yes/no `endpoint` (risk difference) and, if given, the
    time-to-event endpoint `time_to_event` (hazard ratio, from its `<id>_days` and `<id>_event` columns)."""
    wanted = ["protocol", endpoint, *CONFOUNDERS, "site", "adjuncts", "scalp_cooling"]
    if time_to_event is not None:
        wanted += [f"{time_to_event}_days", f"{time_to_event}_event"]
    in_arms = frame["protocol"].isin([protocol, comparator]).to_numpy()
    both = with_confounders(frame.loc[in_arms, [c for c in dict.fromkeys(wanted) if c in frame.columns]])
    assessed = both.loc[both[endpoint].notna()]
    covariates = confounders(assessed)
    kept, left_out = common_ground(assessed, (assessed["protocol"] == protocol).to_numpy(), covariates)
    assessed = assessed.loc[kept]
    treated = (assessed["protocol"] == protocol).to_numpy()
    arms = (int(treated.sum()), int((~treated).sum()))

    def not_done(reason: str) -> ProtocolComparison:
        return ProtocolComparison(protocol, comparator, endpoint, len(assessed), None, None, (), None, reason,
                                  left_out)  # fmt: skip

    if min(arms) < minimum:
        return not_done(f"not enough data: {arms[0]} and {arms[1]} patients assessed, {minimum} needed in each")
    try:
        scores = propensity_scores(assessed, treatment=treated, covariates=covariates)
    except InvalidInput as refused:  # e.g. a risk class only one arm has: no weighting can compare them
        return not_done(refused.message)
    weights = ipw_weights(treated, scores)
    outcome = assessed[endpoint].to_numpy(dtype=float)
    balance = tuple(balance_table(assessed, treated=treated, covariates=covariates, weights=weights))
    regrowth = None
    if time_to_event is not None:
        days, event = f"{time_to_event}_days", f"{time_to_event}_event"
        followed = assessed[days].notna().to_numpy()
        if min(int((treated & followed).sum()), int((~treated & followed).sum())) >= minimum:
            regrowth = adjusted_hazard_ratio(
                assessed.loc[followed],
                duration_col=days,
                event_col=event,
                treated=treated[followed],
                weights=weights[followed],
            )
    return ProtocolComparison(
        protocol,
        comparator,
        endpoint,
        len(assessed),
        naive_risk_difference(outcome, treated),
        adjusted_risk_difference(outcome, treated, weights),
        balance,
        regrowth,
        None,
        left_out,
    )


def compare_protocols(
    frame: pd.DataFrame, *, endpoint: str, time_to_event: str | None, comparator: str = COMPARATOR
) -> list[ProtocolComparison]:
    """Every protocol but the comparator against it, most patients first."""
    counts = frame["protocol"].value_counts()
    protocols = [str(p) for p in counts.index if p != comparator]
    if comparator not in counts.index:
        return [
            ProtocolComparison(p, comparator, endpoint, int(counts[p]), None, None, (), None,
                               "no comparators: no patient is followed under observation only")
            for p in protocols
        ]  # fmt: skip
    frame = _coded(with_confounders(frame))
    return [compare_protocol(frame, p, endpoint=endpoint, time_to_event=time_to_event, comparator=comparator)
            for p in protocols]  # fmt: skip


def _coded(frame: pd.DataFrame) -> pd.DataFrame:
    """The text confounders as categoricals, hashed once here rather than by every model and table per protocol."""
    text = [name for name in (*CONFOUNDERS, "site") if name in frame.columns and is_categorical(frame[name])]
    return frame.assign(**{name: frame[name].astype("category") for name in text})


def largest_imbalance(balance: tuple[Balance, ...]) -> tuple[float, float]:
    """The largest |SMD| before and after weighting."""
    if not balance:
        return (np.nan, np.nan)
    after = [abs(b.smd_after) for b in balance if b.smd_after is not None]
    return (max(abs(b.smd_before) for b in balance), max(after) if after else np.nan)
