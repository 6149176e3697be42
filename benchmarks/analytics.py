"""Time to compute the registry report and its parts: 1,000,000 patients from Parquet, 100,000 from a database.

Arrays (issue #5 target: 1,000,000 patients in under 20 s on 2 cores). Each round reads the cached Parquet files
(patients and their visits, benchmarks/analytics_data.py), reads the endpoints off the visits as the clinic's
registry does (`read_endpoints`), runs `analyse_registry` (its parts timed by itself: rates, Kaplan–Meier, Cox,
comparisons, trajectories), draws the charts and writes the self-contained HTML file. The baseline, in the same
round on the same arrays: raw lifelines doing the fits our Kaplan–Meier part does (`KaplanMeierFitter` overall and
per protocol, `multivariate_logrank_test` by protocol, for each time-to-event endpoint) and our Cox model
(`CoxPHFitter(...).fit(batch_mode=True)` on the same covariates: protocol one-hot against observation only, risk
class one-hot against the commonest, age), so ours/raw shows what our code adds around lifelines.

Database. A clinic of 100,000 patients whose chemotherapy has ended, on SQLite and PostgreSQL, built once in bulk
and cached. Each round times `operator_report` (what `exohair report` runs: the registry read from the database,
the analysis, lot safety, charts) and `report_file`, and separately `build_registry` alone, lot safety and the
charts alone; the baseline is the registry's three queries alone (rows fetched, nothing done with them). The
registry cache of features/analytics/service.py (`_CACHE`) and the analysis kept with it (report.py,
`_COMPUTED`) are emptied before every `operator_report`, so each round rebuilds and re-analyses the registry; a
second `operator_report` right after it shows what an unchanged registry costs (its fingerprint queries). Every
round rolls back (the report's audit entry included), so the database never changes.

One untimed warm-up round for each size and each database, then the rounds; medians with min–max. Run:
`.venv/bin/python benchmarks/analytics.py` (`--quick` for a smoke run, `--help` for the rest).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import lifelines
import numpy as np
import pandas as pd
import pyarrow
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from sqlalchemy import text

import analytics_data as data
from api import _machine as machine  # the same machine line and server check as the API benchmark
from api import _postgres_answers
from exohair.db.engine import make_engine, make_sessions
from exohair.domain.endpoints import EndpointKind
from exohair.domain.statistics.endpoints import read_endpoints
from exohair.domain.statistics.registry_analysis import COX_COVARIATES, analyse_registry
from exohair.features.analytics import report as reports
from exohair.features.analytics import repository, service
from exohair.features.analytics.charts import report_charts
from exohair.features.analytics.html import report_file
from exohair.features.analytics.lots import lot_safety
from exohair.features.analytics.registry import build_registry
from exohair.features.analytics.report import Report, operator_report, protocol_names
from exohair.knowledge import Knowledge, shipped_knowledge

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = f"postgresql+psycopg://postgres@127.0.0.1:5432/{data.DATABASE}"
TARGET_S, TARGET_PATIENTS = 20.0, 1_000_000
PARTS = ("rates", "kaplan_meier", "cox", "comparisons", "trajectories")
Timings = dict[str, list[float]]
QUERIES = "registry's 3 queries alone (baseline)"
RAW_KM, RAW_COX = "raw lifelines: KM + log-rank, same fits", "raw lifelines: Cox, batch mode"


def main() -> None:
    args = _arguments()
    knowledge = shipped_knowledge()
    print(_machine())
    print(f"seeds: registry {data.SEED}, visits {data.SEED + 1}, database rows {data.SEED + 2}/{data.SEED + 3}; "
          f"{args.rounds} rounds after one warm-up round; report instant {data.AT.isoformat()}")  # fmt: skip
    tables: list[tuple[str, Timings, dict[str, str]]] = []
    if args.part in ("arrays", "both"):
        for n in args.sizes:
            tables.append(_arrays(n, knowledge, args))
    if args.part in ("database", "both"):
        for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
            if backend == "postgres" and not _postgres_answers(args.postgres):
                print(f"\n!! PostgreSQL does not answer at {args.postgres}: SKIPPED", flush=True)
                continue
            tables.append(_database(backend, knowledge, args))
    print(f"\nmedians of {args.rounds} rounds, seconds (min–max); ratios: median of the per-round ratios")
    for title, timings, notes in tables:
        _print_table(title, timings, notes)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--part", choices=("arrays", "database", "both"), default="both")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[100_000, 1_000_000],
                        help="patients in the array variant, comma-separated (default 100000,1000000)")  # fmt: skip
    parser.add_argument("--patients", type=int, default=100_000, help="patients in the database (default %(default)s)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL; the database is always "
                        f"{data.DATABASE} (default %(default)s)")  # fmt: skip
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".cache" / "benchmarks")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one operator_report per backend (cProfile, top functions)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="smoke run: 20,000 array patients, 2,000 in the "
                        "database, 1 round")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.patients, args.rounds = [20_000], 2_000, 1
    return args


# --- arrays --------------------------------------------------------------------------------------------------


def _arrays(n: int, knowledge: Knowledge, args: argparse.Namespace) -> tuple[str, Timings, dict[str, str]]:
    print(f"\narrays: {n:,} patients", flush=True)
    files = data.parquet_files(args.cache_dir, n)
    print(f"  {files.rows:,} visits ({'cached' if files.cached else 'generated'}): {files.patients.name}")
    timings: Timings = defaultdict(list)
    for round_ in range(args.rounds + 1):
        gc.collect()
        ours, frame = _ours_from_parquet(files, knowledge)
        inputs = _raw_inputs(frame, knowledge)
        gc.collect()
        raw = _raw_lifelines(inputs)
        del frame, inputs
        print(f"  {'warm-up' if round_ == 0 else f'round {round_}'}: total {ours['total (Parquet to HTML)']:.2f} s "
              f"(analysis {ours['analysis (analyse_registry)']:.2f}); raw lifelines KM {raw[RAW_KM]:.2f} s, "
              f"Cox {raw[RAW_COX]:.2f} s", flush=True)  # fmt: skip
        if round_ == 0:
            continue
        for name, seconds in (ours | raw).items():
            timings[name].append(seconds)
        timings["ratio ours/raw, Kaplan–Meier part"].append(ours["  kaplan_meier"] / raw[RAW_KM])
        timings["ratio ours/raw, Cox part"].append(ours["  cox"] / raw[RAW_COX])
    total = statistics.median(timings["total (Parquet to HTML)"])
    verdict = "met" if total < TARGET_S else "NOT met"
    notes = {"total (Parquet to HTML)": f"target < {TARGET_S:g} s at {TARGET_PATIENTS:,}: {verdict}"
             + ("" if n == TARGET_PATIENTS else f" (this is {n:,})")}  # fmt: skip
    return f"arrays, {n:,} patients, {files.rows:,} visits", timings, notes


def _ours_from_parquet(files: data.ArrayFiles, knowledge: Knowledge) -> tuple[dict[str, float], pd.DataFrame]:
    t: dict[str, float] = {}
    began = time.perf_counter()
    patients = pd.read_parquet(files.patients, columns=data.PATIENT_COLUMNS)
    visits = pd.read_parquet(files.visits)
    t["read Parquet"] = time.perf_counter() - began
    mark = time.perf_counter()
    keys = pd.Index(patients["patient_key"], name="patient_key")
    outcomes = read_endpoints(knowledge.endpoints, visits, keys).reset_index(drop=True)
    frame = pd.concat([patients, outcomes], axis=1)
    t["endpoints read off the visits"] = time.perf_counter() - mark
    mark = time.perf_counter()
    analysis = analyse_registry(frame, visits, knowledge.endpoints)
    t["analysis (analyse_registry)"] = time.perf_counter() - mark
    for part in PARTS:
        t[f"  {part}"] = analysis.seconds.get(part, 0.0)
    mark = time.perf_counter()
    names = protocol_names(knowledge)
    charts = report_charts(analysis, names)
    t["charts"] = time.perf_counter() - mark
    mark = time.perf_counter()
    report = Report(clinic_name="Synthetic registry (benchmark)", as_of=data.AT.date(), generated_at=data.AT,
                    patients=len(frame), without_consent=0, analysis=analysis, lots=[], charts=charts,
                    protocol_names=names, endpoints_version=knowledge.versions.get("endpoints.yaml", ""),
                    regimen_names={regimen.id: regimen.name for regimen in knowledge.regimens})  # fmt: skip
    html = report_file(report)
    t["HTML"] = time.perf_counter() - mark
    t["total (Parquet to HTML)"] = time.perf_counter() - began
    assert analysis.cox is not None, analysis.cox_note
    assert len(html) > 10_000, "the report came out empty"
    return t, frame


def _raw_inputs(frame: pd.DataFrame, knowledge: Knowledge) -> dict[str, Any]:
    """The same arrays, prepared for lifelines outside the timing: per time-to-event endpoint the followed
    patients' days, events and protocol; for Cox the design our model uses, as a frame of plain columns."""
    curves = []
    for endpoint in knowledge.endpoints:
        if endpoint.kind is not EndpointKind.TIME_TO_EVENT:
            continue
        followed = frame.loc[frame[f"{endpoint.id}_days"].notna()]
        days, events = followed[f"{endpoint.id}_days"].to_numpy(float), followed[f"{endpoint.id}_event"].to_numpy(bool)
        groups = followed["protocol"].to_numpy(str)
        curves.append((days, events, groups, [groups == p for p in np.unique(groups)]))
    followed = frame.loc[frame["regrowth_days"].notna(), ["regrowth_days", "regrowth_event", *COX_COVARIATES]]
    protocol = pd.get_dummies(followed["protocol"], dtype=float).drop(columns="observation-only")
    risk = pd.get_dummies(followed["risk_class"], dtype=float)
    risk = risk.drop(columns=followed["risk_class"].value_counts().index[0])  # the commonest, as design.py
    cox = pd.concat([protocol.add_prefix("p_"), risk.add_prefix("r_"), followed[["age_years"]]], axis=1)
    cox["duration"], cox["event"] = followed["regrowth_days"].to_numpy(), followed["regrowth_event"].to_numpy()
    return {"curves": curves, "cox": cox.reset_index(drop=True)}


def _raw_lifelines(inputs: dict[str, Any]) -> dict[str, float]:
    began = time.perf_counter()
    for days, events, groups, masks in inputs["curves"]:
        KaplanMeierFitter().fit(days, events)
        for mine in masks:
            KaplanMeierFitter().fit(days[mine], events[mine])
        multivariate_logrank_test(days, groups, events)
    km = time.perf_counter() - began
    began = time.perf_counter()
    CoxPHFitter().fit(inputs["cox"], "duration", "event", batch_mode=True, show_progress=False)
    return {RAW_KM: km, RAW_COX: time.perf_counter() - began}


# --- database ------------------------------------------------------------------------------------------------


def _database(backend: str, knowledge: Knowledge, args: argparse.Namespace) -> tuple[str, Timings, dict[str, str]]:
    n = args.patients
    print(f"\n{backend}: {n:,} patients", flush=True)
    began = time.perf_counter()
    if backend == "sqlite":
        url, cached = data.sqlite_database(args.cache_dir, n)
    else:
        url, cached = data.postgres_database(args.postgres, n)
    print(f"  database {'cached' if cached else 'built'}, ready in {time.perf_counter() - began:.1f} s")
    engine = make_engine(url)
    sessions = make_sessions(engine)
    clinic = data.clinic_id(url, n)
    version = _server_version(engine)
    timings: Timings = defaultdict(list)
    try:
        for round_ in range(args.rounds + 1):
            gc.collect()
            with sessions() as session:
                t = _database_round(session, clinic, knowledge, check=n if round_ == 0 else None)
                session.rollback()
            print(f"  {'warm-up' if round_ == 0 else f'round {round_}'}: report + HTML "
                  f"{t['report + HTML']:.2f} s, build_registry alone {t['build_registry (alone)']:.2f} s, "
                  f"queries alone {t[QUERIES]:.2f} s", flush=True)  # fmt: skip
            if round_ == 0:
                continue
            for name, seconds in t.items():
                timings[name].append(seconds)
            timings["ratio build_registry/queries"].append(t["build_registry (alone)"] / t[QUERIES])
        if args.profile:
            with sessions() as session:
                _profile(session, clinic, knowledge)
                session.rollback()
    finally:
        engine.dispose()
    return f"database, {backend} ({version}), {n:,} patients", timings, {}


def _database_round(session: Any, clinic: Any, knowledge: Knowledge, *, check: int | None) -> dict[str, float]:
    """One round. Nothing computed survives it, and the caches are emptied first, so each round starts as a fresh
    `exohair report` process would (large live objects make Python's garbage collector slower for what follows)."""
    t: dict[str, float] = {}
    as_of = data.AT.date()  # the clinic keeps UTC
    key = repository.research_key(session, clinic)
    _forget()
    began = time.perf_counter()
    repository.registry_consents(session, clinic)
    repository.ended_courses(session, clinic, as_of)
    repository.assessments(session, clinic)
    t[QUERIES] = time.perf_counter() - began
    gc.collect()
    began = time.perf_counter()
    repository.assessments(session, clinic)
    t["  of which the assessments"] = time.perf_counter() - began
    gc.collect()
    began = time.perf_counter()
    _assessments_through_driver(session, clinic)
    t["  the same rows, driver only"] = time.perf_counter() - began
    gc.collect()
    began = time.perf_counter()
    registry = build_registry(session, clinic, knowledge, key=key, as_of=as_of)
    t["build_registry (alone)"] = time.perf_counter() - began
    began = time.perf_counter()
    lot_safety(session, clinic, registry.frame, registry.endpoints[0].id, key=key)
    t["lot safety (alone)"] = time.perf_counter() - began
    del registry
    gc.collect()
    began = time.perf_counter()
    report = operator_report(session, clinic, knowledge, at=data.AT)
    t["operator_report"] = time.perf_counter() - began
    for part in PARTS:
        t[f"  {part}"] = report.analysis.seconds.get(part, 0.0)
    began = time.perf_counter()
    html = report_file(report)
    t["HTML"] = time.perf_counter() - began
    t["report + HTML"] = t["operator_report"] + t["HTML"]
    began = time.perf_counter()
    report_charts(report.analysis, report.protocol_names)
    t["charts (alone)"] = time.perf_counter() - began
    began = time.perf_counter()
    operator_report(session, clinic, knowledge, at=data.AT)
    t["operator_report again, nothing changed"] = time.perf_counter() - began
    assert len(html) > 10_000
    if check is not None:
        _check(report, check)
    _forget()
    return t


def _assessments_through_driver(session: Any, clinic: Any) -> int:
    """The rows of repository.assessments fetched by the database driver, with no SQLAlchemy type processing (no
    UUID, date or JSON conversion by SQLAlchemy; psycopg still converts its own types): what reading the rows
    costs before our layers."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    query = ("SELECT patient_id, assessed_on, source, dean_score, ctcae_grade, head_cover, measurements "
             f"FROM assessments WHERE clinic_id = {'?' if sqlite else '%s'}")  # fmt: skip
    return len(connection.exec_driver_sql(query, (clinic.hex if sqlite else clinic,)).all())


def _forget() -> None:
    """Every round rebuilds and re-analyses the registry, as the first report after a change does: the registry
    cache (service._CACHE, checked by fingerprint) and the analysis kept with it (report._COMPUTED) are emptied."""
    service._CACHE.clear()
    reports._COMPUTED.clear()


def _check(report: Report, n: int) -> None:
    """The registry read from the database is the cohort the build put there: its size, who is left out, and
    the outcomes read off the visits of the consented patients."""
    cohort = data.cohort(n)
    endpoints = shipped_knowledge().endpoints
    expected = read_endpoints(endpoints, cohort.visits, pd.Index(cohort.frame["patient_key"]))[cohort.consented]
    a = report.analysis
    found = (a.patients, report.without_consent, a.overall["preserved"].assessed, a.survival[0].overall.n_events)  # type: ignore[union-attr]
    wanted = (int(cohort.consented.sum()), n - int(cohort.consented.sum()), int(expected["preserved"].notna().sum()),
              int(expected["regrowth_event"].sum()))  # fmt: skip
    status = "as built" if found == wanted else f"DIFFERS from the build {wanted}"
    print(f"  registry: {found[0]:,} patients, {found[1]:,} without standing consent, {found[2]:,} assessed at "
          f"four weeks, {found[3]:,} regrowth events: {status}", flush=True)  # fmt: skip


def _profile(session: Any, clinic: Any, knowledge: Knowledge) -> None:
    _forget()
    profiler = cProfile.Profile()
    profiler.enable()
    operator_report(session, clinic, knowledge, at=data.AT)
    profiler.disable()
    print("  profile of one operator_report (cProfile; times inflated by the profiler), top by own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(18)
    print("  ... and by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def _server_version(engine: Any) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return "SQLite " + str(connection.exec_driver_sql("select sqlite_version()").scalar())
        return "PostgreSQL " + str(connection.execute(text("show server_version")).scalar()).split()[0]


# --- output --------------------------------------------------------------------------------------------------


def _print_table(title: str, timings: Timings, notes: dict[str, str]) -> None:
    print(f"\n{title}")
    print(f"  {'':<40} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in timings.items():
        unit = "×" if name.startswith("ratio") else "s"
        figures = " ".join(_figure(v, unit) for v in (statistics.median(values), min(values), max(values)))
        print(f"  {name:<40} {figures}" + (f"  {notes[name]}" if name in notes else ""))


def _figure(value: float, unit: str) -> str:
    return f"{value:7.3f}{unit}" if value < 0.1 else f"{value:7.2f}{unit}"


def _machine() -> str:
    return (
        f"{machine()}; numpy {np.__version__}, pandas {pd.__version__}, pyarrow {pyarrow.__version__}, "
        f"lifelines {lifelines.__version__}"
    )


if __name__ == "__main__":
    main()
