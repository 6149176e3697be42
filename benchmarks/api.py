"""Requests/s and p50/p99 latency of `GET /api/v1/patients/{id}/plan` on 10,000 patients, SQLite and PostgreSQL.

`exohair serve` runs with 2 workers on a free loopback port; the load generator (benchmarks/api_load.py) runs in
a second process: 16 keep-alive HTTP/1.1 connections, each asking for a random patient's plan with a clinician's
token, for a fixed time after a warm-up. Token auth and the audit entry of every read are included, as in
production. The baseline, measured in the same run against the same server with the same generator, is the bare
`GET /api/v1/health` (no database, no auth), so the ratio says what the plan read costs whatever the machine is
doing, and the bare figure shows the client is not the bottleneck. Rounds are interleaved (bare, plan, bare,
plan, ...) and the table gives medians. Any answer other than 200 fails the run.

The database is built once through the service layer and cached (benchmarks/api_data.py); each run reads a copy.
Run: `.venv/bin/python benchmarks/api.py` (`--quick` for a smoke run, `--help` for the rest).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

import api_data
from exohair.db.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/exohair_bench"
TARGET_RPS, TARGET_P99_MS = 1000, 50.0
HEALTH = "/api/v1/health"


@dataclass
class Series:
    """One endpoint on one backend: a result per round."""

    backend: str
    endpoint: str
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.rounds)


def main() -> None:
    args = _arguments()
    print(_machine())
    print(
        f"load: {args.connections} keep-alive connections, {args.warmup:g} s warm-up + {args.seconds:g} s measured, "
        f"{args.rounds} interleaved rounds; server: exohair serve --workers {args.workers}; {args.patients:,} patients"
    )
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: list[tuple[Series, ...]] = []
    for backend in backends:
        if backend == "postgres" and not _postgres_answers(args.postgres):
            message = f"PostgreSQL does not answer at {args.postgres}"
            if args.backend == "postgres":
                sys.exit(message)
            print(f"\n!! {message}: PostgreSQL SKIPPED (start it, or pass --backend sqlite)\n", flush=True)
            continue
        results.append(_measure_backend(backend, args))
    _report(results, args)
    if any(r["non_200"] for pair in results for s in pair for r in s.rounds):
        sys.exit("some answers were not 200: see above")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per round and endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="cache database URL (default %(default)s)")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".bench-cache")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 patients, 2 rounds of 2 s")
    parser.add_argument(
        "--against", type=Path, help="another checkout (e.g. a git worktree of an earlier commit): its plan read is "
        "measured in the same interleaved rounds, served from its src/ by a second server on the same database"
    )  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.patients, args.seconds, args.warmup, args.rounds = 300, 2.0, 0.5, 2
    return args


def _measure_backend(backend: str, args: argparse.Namespace) -> tuple[Series, ...]:
    print(f"\n{backend}: preparing the database", flush=True)
    began = time.perf_counter()
    if backend == "sqlite":
        database = api_data.sqlite_run_database(args.cache_dir, args.patients)
    else:
        database = api_data.postgres_run_database(args.postgres, args.patients)
    state = "cached" if database.cached else "built"
    print(f"  {len(database.patient_ids):,} patients ({state}), ready in {time.perf_counter() - began:.1f} s")
    bare, plan = Series(backend, "GET /api/v1/health"), Series(backend, "GET /api/v1/patients/{id}/plan")
    against = Series(backend, f"  the same, {args.against.name}") if args.against else None
    plan_paths = [f"/api/v1/patients/{i}/plan" for i in database.patient_ids]
    try:
        with contextlib.ExitStack() as servers:
            server = servers.enter_context(_Server(database.url, args.workers, args.cache_dir / f"serve-{backend}.log"))
            server.check(plan_paths[0], database.token)
            measured = [(bare, server, [HEALTH], None), (plan, server, plan_paths, database.token)]
            if against is not None:
                log = args.cache_dir / f"serve-{backend}-against.log"
                other = servers.enter_context(_Server(database.url, args.workers, log, source=args.against))
                other.check(plan_paths[0], database.token)
                measured.append((against, other, plan_paths, database.token))
            for n in range(args.rounds):  # interleaved, so a noisy neighbour hits both alike
                for series, target, paths, token in measured:
                    result = _load(target.port, paths, token, args, seed=1000 * n)
                    series.rounds.append(result)
                    print(
                        f"  round {n + 1} {series.endpoint:<32} {result['rps']:8,.0f} req/s  "
                        f"p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms  "
                        f"non-200 {result['non_200']}  client {result['client_cpu_us_per_request']:.0f} µs CPU/req  "
                        f"connections per worker {result['split']}{_server_line(result)}",
                        flush=True,
                    )
                    if result["sample_error"]:
                        print(f"    first error: {result['sample_error']}")
    finally:
        if backend == "postgres":
            api_data.drop_postgres_run(database.url)
    return (bare, plan) if against is None else (bare, plan, against)


class _Server:
    """`exohair serve` in its own process group on a free loopback port; stopped (and waited for) on exit."""

    def __init__(self, database_url: str, workers: int, log: Path, *, source: Path | None = None) -> None:
        self.port = _free_port()
        self.log_path = log
        command = [*_exohair(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        env = os.environ | {"EXOHAIR_DATABASE_URL": database_url}
        if source is not None:  # its package ahead of this checkout's (installed editable in the same venv)
            env["PYTHONPATH"] = str(source.resolve() / "src")
        log.parent.mkdir(parents=True, exist_ok=True)  # a run on PostgreSQL alone builds no SQLite cache there
        self.log = log.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
        )

    def __enter__(self) -> _Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"exohair serve exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{HEALTH}", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"exohair serve did not answer within 60 s: see {self.log_path}")

    def check(self, path: str, token: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                body = json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{path}: {error.code} {error.read()[:300]!r}") from None
        assert body["plan"]["sessions"], "a plan without sessions: the database was not built as intended"

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, signal.SIGINT)  # uvicorn's supervisor stops its workers
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def _exohair() -> list[str]:
    script = Path(sys.executable).parent / "exohair"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from exohair.cli import main; main()"]


def _server_line(result: dict[str, Any]) -> str:
    """CPU per answer of the workers and the database server, and how busy the machine was (api_load.py)."""
    if "machine_busy" not in result:
        return ""
    database = result["database_cpu_us_per_request"]
    return (
        f"\n    server: workers {result['workers_cpu_us_per_request']:,.0f} µs CPU/req"
        + (f", PostgreSQL {database:,.0f} µs CPU/req" if database >= 1 else "")
        + f"; machine {100 * result['machine_busy']:.0f}% busy"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load(port: int, paths: list[str], token: str | None, args: argparse.Namespace, *, seed: int) -> dict[str, Any]:
    config = {
        "host": "127.0.0.1",
        "port": port,
        "paths": paths,
        "token": token,
        "connections": args.connections,
        "workers": args.workers,
        "warmup_s": args.warmup,
        "seconds": args.seconds,
        "seed": seed,
    }
    generator = Path(__file__).with_name("api_load.py")
    with subprocess.Popen(
        [sys.executable, str(generator)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdin.write(json.dumps(config))
        process.stdin.close()
        time.sleep(args.warmup + args.seconds / 2)
        split = _connections_per_worker(port)
        output, errors = process.stdout.read(), process.stderr.read()
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{errors}")
    result: dict[str, Any] = json.loads(output)
    result["split"] = split
    return result


def _connections_per_worker(port: int) -> str:
    """How the client's connections are spread over the server's workers, e.g. "9/7" (Linux, from `ss`)."""
    try:
        found = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    counts = Counter(re.findall(r"pid=(\d+)", found))
    return "/".join(str(n) for n in sorted(counts.values(), reverse=True)) or "?"


def _postgres_answers(url: str) -> bool:
    engine = make_engine(url.rsplit("/", 1)[0] + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _report(results: list[tuple[Series, ...]], args: argparse.Namespace) -> None:
    print(f"\nmedians of {args.rounds} rounds, {args.connections} connections, {args.workers} workers")
    print(
        f"{'backend':<9} {'endpoint':<32} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio to bare':>14}"
        f"  {'workers µs/req':>14} {'PostgreSQL µs/req':>17} {'busy':>5}"
    )
    for bare, *plans in results:
        for series in (bare, *plans):
            ratio = series.median("rps") / bare.median("rps")
            cpu = "  (no CPU figures)"
            if all("machine_busy" in r for r in series.rounds):
                cpu = (
                    f"  {series.median('workers_cpu_us_per_request'):14,.0f} "
                    f"{series.median('database_cpu_us_per_request'):17,.0f} {series.median('machine_busy'):5.0%}"
                )
            print(
                f"{series.backend:<9} {series.endpoint:<32} {series.median('rps'):8,.0f} "
                f"{series.median('p50_ms'):7.2f} {series.median('p99_ms'):7.2f} {ratio:14.2f}{cpu}"
            )
    for _, plan, *_against in results:
        met = plan.median("rps") >= TARGET_RPS and plan.median("p99_ms") < TARGET_P99_MS
        print(
            f"{plan.backend}: target ≥ {TARGET_RPS:,} req/s with p99 < {TARGET_P99_MS:g} ms: "
            f"{'met' if met else 'NOT met'}" + ("" if args.patients == 10_000 else " (not the full 10,000 patients)")
        )


def _machine() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or platform.machine()
    return f"machine: {cpu} ({platform.machine()}), {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
