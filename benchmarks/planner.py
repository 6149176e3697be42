"""Full plans per second on one core: calendar + CIA risk + therapy plan + cost estimate.

Every shipped regimen × protocol, each with all three adjuncts and weekend closures, is planned in each round.
The baseline, measured in the same run, is building the chemo calendar alone, so the ratio says what the
planning on top of it costs whatever the machine is doing. Run: `.venv/bin/python benchmarks/planner.py`.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from datetime import date, timedelta

from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.closures import ClinicClosures
from exohair.features.planning.service import PlanRequest, make_full_plan
from exohair.knowledge import shipped_knowledge

ROUNDS = 9
REPEATS = 20  # passes over the whole regimen × protocol grid per round


def _requests() -> list[PlanRequest]:
    kb = shipped_knowledge()
    adjuncts = tuple(a.id for a in kb.adjuncts)
    weekend = ClinicClosures(weekdays=frozenset({5, 6}))
    start = date(2027, 1, 4)
    return [
        PlanRequest(r.id, start + timedelta(days=i), p.id, adjuncts, weekend)
        for i, (r, p) in enumerate((r, p) for r in kb.regimens for p in kb.protocols)
    ]


def _rate(work: list[PlanRequest], run: object) -> float:
    began = time.perf_counter()
    for _ in range(REPEATS):
        for request in work:
            run(request)  # type: ignore[operator]
    return REPEATS * len(work) / (time.perf_counter() - began)


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the issue asks
    kb = shipped_knowledge()
    work = _requests()

    def full(request: PlanRequest) -> object:
        return make_full_plan(kb, request)

    def calendar_only(request: PlanRequest) -> object:
        return build_chemo_calendar(kb.regimen(request.regimen), request.first_infusion)

    _rate(work[:20], full)  # warm caches and lookups before timing
    plans, baseline = [], []
    for _ in range(ROUNDS):  # interleaved so a noisy neighbour hits both measurements alike
        plans.append(_rate(work, full))
        baseline.append(_rate(work, calendar_only))
    median_plans, median_base = statistics.median(plans), statistics.median(baseline)
    print(f"machine: {_cpu()} ({platform.machine()}), {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"grid: {len(kb.regimens)} regimens × {len(kb.protocols)} protocols = {len(work)} plans per pass, "
        f"{REPEATS} passes per round, {ROUNDS} rounds, pinned to one core"
    )
    print(f"full plans/s     median {median_plans:,.0f}  (min {min(plans):,.0f}, max {max(plans):,.0f})")
    print(f"calendars/s      median {median_base:,.0f}  (baseline: chemo calendar alone)")
    print(
        f"full plan costs {median_base / median_plans:.1f}× a calendar; target ≥ 5,000 plans/s: "
        f"{'met' if median_plans >= 5000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
