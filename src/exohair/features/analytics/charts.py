"""The report's charts: what each one plots, from the analysis (plots.py does the drawing)."""

from __future__ import annotations

from collections.abc import Mapping

from exohair.domain.statistics.registry_analysis import RegistryAnalysis, SurvivalByGroup
from exohair.domain.statistics.trajectories import Trajectory
from exohair.features.analytics.plots import COLOURS, Axes, Series, chart


def _name(names: Mapping[str, str], protocol: str) -> str:
    return names.get(protocol, protocol)


def _colour(names: Mapping[str, str], protocol: str) -> str:
    """A protocol's colour, by its place in the clinic's list of protocols, so it is the same in every chart."""
    order = list(names)
    index = order.index(protocol) if protocol in order else len(order) + sum(map(ord, protocol))
    return COLOURS[index % len(COLOURS)]


# The tail of a Kaplan-Meier curve rests on the last few patients followed, where one event moves it by a large
# step; each curve is drawn while at least this many remain at risk (the tables give the full estimates).
MIN_AT_RISK_DRAWN = 5


def reached_chart(section: SurvivalByGroup, names: Mapping[str, str]) -> str:
    """The share of patients who have reached the endpoint (1 − S(t), Kaplan–Meier), by protocol, with 95% bands:
    rising curves read more naturally for regrowth than falling survival curves."""
    series = []
    longest = 0.0
    # By protocol where protocols have enough patients; otherwise all patients together, rather than nothing.
    curves = section.curves or ((section.overall,) if section.overall is not None else ())
    for curve in curves:
        drawn = curve.at_risk >= MIN_AT_RISK_DRAWN
        times = curve.times_days[drawn]
        series.append(
            Series(
                _name(names, curve.label),
                [0.0, *times.tolist()],
                [0.0, *(1 - curve.survival[drawn]).tolist()],
                [0.0, *(1 - curve.ci_high[drawn]).tolist()],
                [0.0, *(1 - curve.ci_low[drawn]).tolist()],
                _colour(names, curve.label),
            )
        )
        longest = max(longest, float(times.max()) if len(times) else 0.0)
    endpoint = section.endpoint
    description = "; ".join(
        f"{s.label}: {c.n} patients, {c.n_events} reached it"
        + (f", median {c.median_days:.0f} days" if c.median_days is not None else ", median not reached")
        for s, c in zip(series, curves, strict=True)
    )
    axes = Axes("Days since the last infusion", "Share of patients", x_max=min(longest, 730.0) or 1.0)
    return chart(f"{endpoint.name}, by protocol", description, axes, series, steps=True)


def trajectory_chart(title: str, lines: list[Trajectory], names: Mapping[str, str], *, dean: bool) -> str:
    series = [Series(_name(names, t.group), t.weeks, t.means, colour=_colour(names, t.group)) for t in lines]
    weeks = [w for t in lines for w in t.weeks]
    low, high = (min(weeks), max(weeks) + 4) if weeks else (-12.0, 26.0)
    axes = Axes(
        "Weeks from the last infusion (four-week bins)",
        "Mean Dean score (0 = no loss)" if dean else "Mean density (hairs/cm²)",
        x_min=low,
        x_max=high,
        y_min=0.0,
        y_max=4.0 if dean else max([250.0, *(m for t in lines for m in t.means)]),
        y_percent=False,
        y_reversed=dean,
        marker=(0.0, "last infusion"),
    )
    description = "; ".join(f"{s.label}: {len(s.xs)} bins" for s in series) or "No bin has enough assessments."
    return chart(title, description, axes, series, steps=False)


def report_charts(analysis: RegistryAnalysis, names: Mapping[str, str]) -> dict[str, str]:
    charts = {f"reached:{s.endpoint.id}": reached_chart(s, names) for s in analysis.survival if s.overall is not None}
    if analysis.dean:
        charts["dean"] = trajectory_chart("Dean score through chemotherapy and after", analysis.dean, names, dean=True)
    if analysis.density:
        charts["density"] = trajectory_chart("Hair density through chemotherapy and after", analysis.density, names,
                                             dean=False)  # fmt: skip
    return charts
