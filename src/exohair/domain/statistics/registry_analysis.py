"""The whole analysis of a registry frame: what the report shows, computed from arrays alone (no database), so the
same function serves the clinic's page, `exohair report` and the million-patient benchmark.

Parts: success rates by cohort with Wilson intervals (cohorts.py); Kaplan–Meier curves by protocol with the
log-rank test (survival.py); a Cox model of time to regrowth; each protocol against the observation-only
comparators, naive and propensity-weighted (comparisons.py); trajectories of the Dean score and density.
Each part records its own time, for the benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from exohair.domain.endpoints import Endpoint, EndpointKind
from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.cohorts import (
    COHORT_DIMENSIONS,
    MINIMUM_ASSESSED,
    CohortRate,
    overall_rate,
    success_rates,
)
from exohair.domain.statistics.comparisons import COMPARATOR, ProtocolComparison, compare_protocols
from exohair.domain.statistics.cox import CoxFit, cox_fit
from exohair.domain.statistics.survival import LogRankTest, SurvivalCurve, kaplan_meier, log_rank
from exohair.domain.statistics.trajectories import Trajectory, trajectories_of

T = TypeVar("T")
EVENTS_PER_TERM = 10  # a Cox model wants about ten events per coefficient (Peduzzi et al., J Clin Epidemiol 1995)
COX_COVARIATES = ("protocol", "risk_class", "age_years")


@dataclass(frozen=True, slots=True)
class SurvivalByGroup:
    endpoint: Endpoint
    overall: SurvivalCurve | None
    curves: tuple[SurvivalCurve, ...]  # one per protocol with enough patients
    too_few: tuple[tuple[str, int], ...]  # protocols left out, with their patients followed
    log_rank: LogRankTest | None  # across the protocols drawn, when there are two or more


@dataclass(frozen=True)
class RegistryAnalysis:
    patients: int
    endpoints: tuple[Endpoint, ...]
    overall: dict[str, CohortRate]  # yes/no endpoint id -> the rate over all patients
    cohorts: dict[str, dict[str, list[CohortRate]]]  # endpoint id -> dimension -> rates
    survival: tuple[SurvivalByGroup, ...]
    cox: CoxFit | None
    cox_note: str | None  # why there is no Cox model
    comparisons: tuple[ProtocolComparison, ...]
    dean: list[Trajectory]
    density: list[Trajectory]
    seconds: dict[str, float] = field(default_factory=dict)  # each part's computing time


def _timed(seconds: dict[str, float], part: str, compute: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = compute()
    seconds[part] = seconds.get(part, 0.0) + time.perf_counter() - start
    return result


def survival_by_protocol(
    frame: pd.DataFrame, endpoint: Endpoint, *, minimum: int = MINIMUM_ASSESSED
) -> SurvivalByGroup:
    followed = frame.loc[frame[f"{endpoint.id}_days"].notna()]
    if len(followed) < minimum:
        return SurvivalByGroup(endpoint, None, (), (), None)
    d, e = followed[f"{endpoint.id}_days"].to_numpy(float), followed[f"{endpoint.id}_event"].to_numpy(bool)
    overall = kaplan_meier(d, e, label="All patients")
    groups = followed["protocol"].astype(str).to_numpy()
    curves, too_few, drawn = [], [], []
    for protocol, n in followed["protocol"].value_counts().items():
        if n < minimum:
            too_few.append((str(protocol), int(n)))
            continue
        mine = groups == protocol
        curves.append(kaplan_meier(d[mine], e[mine], label=str(protocol)))
        drawn.append(mine)
    test = None
    if len(curves) >= 2:
        keep = sum(drawn[1:], drawn[0])  # the protocols drawn, without those left out for size
        test = log_rank(d[keep], e[keep], groups[keep])
    return SurvivalByGroup(endpoint, overall, tuple(curves), tuple(too_few), test)


def regrowth_model(frame: pd.DataFrame, endpoint: Endpoint) -> tuple[CoxFit | None, str | None]:
    """Time to the endpoint by protocol (against the comparators), adjusted for risk class and age."""
    days, event = f"{endpoint.id}_days", f"{endpoint.id}_event"
    followed = frame.loc[frame[days].notna(), [days, event, *COX_COVARIATES]]
    terms = sum(followed[c].nunique() - 1 for c in ("protocol", "risk_class")) + 1
    events = int(followed[event].sum())
    if terms < 1 or events < EVENTS_PER_TERM * terms:
        return None, f"not enough data: {events} events for {terms} coefficients, {EVENTS_PER_TERM * terms} needed"
    references = {"protocol": COMPARATOR} if COMPARATOR in set(followed["protocol"]) else None
    try:
        fit = cox_fit(followed, duration_col=days, event_col=event, covariates=COX_COVARIATES,
                      reference_levels=references)  # fmt: skip
    except InvalidInput as refused:
        return None, refused.message
    return fit, None


def analyse_registry(
    frame: pd.DataFrame, assessments: pd.DataFrame, endpoints: tuple[Endpoint, ...]
) -> RegistryAnalysis:
    """Every part of the report. `frame` is the registry frame, `assessments` one row per assessment (for the
    trajectories), `endpoints` the definitions whose columns the frame holds; the first is the primary one."""
    if not endpoints or endpoints[0].kind is not EndpointKind.PRESERVED:
        raise InvalidInput("The first endpoint must be a yes/no endpoint: the primary one.", code="primary_endpoint")
    for endpoint in endpoints:
        needed = (
            [endpoint.id]
            if endpoint.kind is EndpointKind.PRESERVED
            else [f"{endpoint.id}_days", f"{endpoint.id}_event"]
        )
        if missing := [column for column in needed if column not in frame.columns]:
            raise InvalidInput(
                f"The registry has no column {', '.join(missing)} for {endpoint.label}.", code="unknown_column"
            )
    seconds: dict[str, float] = {}
    yes_no = [e for e in endpoints if e.kind is EndpointKind.PRESERVED]
    timed = [e for e in endpoints if e.kind is EndpointKind.TIME_TO_EVENT]
    several_sites = "site" in frame.columns and frame["site"].nunique() > 1  # one site is no comparison
    dimensions = [d for d in (*COHORT_DIMENSIONS, *(["site"] if several_sites else [])) if d in frame.columns]
    overall = _timed(seconds, "rates", lambda: {e.id: overall_rate(frame, e.id) for e in yes_no})
    cohorts = _timed(
        seconds, "rates", lambda: {e.id: {d: success_rates(frame, e.id, d) for d in dimensions} for e in yes_no}
    )
    survival = _timed(seconds, "kaplan_meier", lambda: tuple(survival_by_protocol(frame, e) for e in timed))
    cox: CoxFit | None = None
    cox_note: str | None = "no time-to-event endpoint"
    if timed:
        cox, cox_note = _timed(seconds, "cox", lambda: regrowth_model(frame, timed[0]))
    primary_timed = timed[0].id if timed else None
    comparisons = _timed(
        seconds, "comparisons",
        lambda: tuple(compare_protocols(frame, endpoint=yes_no[0].id, time_to_event=primary_timed)),
    )  # fmt: skip
    groups = pd.Series(frame["protocol"].to_numpy(), index=frame["patient_key"].to_numpy())
    charted = _timed(seconds, "trajectories", lambda: trajectories_of(assessments, groups, ("dean_score", "density")))
    dean, density = charted["dean_score"], charted["density"]
    return RegistryAnalysis(
        len(frame), endpoints, overall, cohorts, survival, cox, cox_note, comparisons, dean, density, seconds
    )
