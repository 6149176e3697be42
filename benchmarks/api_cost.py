"""What one `GET /api/v1/patients/{id}/plan` costs the worker, in instructions: repeatable on a noisy machine.

`benchmarks/api.py` measures requests/s, which on these shared machines swings by a factor of several from one
hour to the next. This counts the instructions the worker's own code executes per plan read instead, with
`valgrind --tool=callgrind`: the same count for the same code and data whatever else the machine is doing. The
reads are driven in-process through the ASGI app (routing, token check, chart, plan rebuild, audit append and
commit, JSON; any threadpool hop included), not through uvicorn's HTTP parsing, and the database server's own
work on PostgreSQL is not counted (it runs in another process). The app runs inside its lifespan, as uvicorn runs
it: on PostgreSQL the plan lane reads and appends on the event loop (web/plan_lane.py).

Method: the script runs itself under callgrind twice, with `--reads N` and with `--reads 0` (same start-up,
same warm-up of 20 reads), and divides the difference by N. The bare `GET /api/v1/health` is counted the same
way as the baseline. The database is the cached 10,000-patient build of benchmarks/api_data.py, a fresh copy
per run. Start-up runs uninstrumented; the child switches counting on and off around its counted reads with
`callgrind_control`.

Run: `.venv/bin/python benchmarks/api_cost.py [--backend sqlite|postgres|both] [--reads 100]`; `--cpu` instead
prints the CPU time per read served serially (no valgrind), `--profile` a cProfile of the reads.
(valgrind must be installed: `apt-get install valgrind`). About 2 minutes per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 20
BARE = "/api/v1/health"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--reads", type=int, default=100, help="plan reads counted (default %(default)s)")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/exohair_bench")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".bench-cache")
    parser.add_argument("--profile", action="store_true", help="no valgrind: cProfile the reads, print the top")
    parser.add_argument("--cpu", action="store_true", help="no valgrind: the reads' CPU time per read, serially")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.reads, profile=args.profile, cpu=args.cpu)
        return
    from api import _machine

    print(_machine())
    if not args.cpu and not args.profile:
        print(f"instructions per request: callgrind, {args.reads} requests after {WARMUP} warm-up, minus a run of 0")
    for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        if args.profile or args.cpu:
            _in_process(backend, args)
        else:
            _measure(backend, args)


def _measure(backend: str, args: argparse.Namespace) -> None:
    import api_data

    database = _run_database(backend, args)
    results = {}
    with tempfile.TemporaryDirectory() as work:
        spec = Path(work) / "run.json"
        for path in ("plan", "bare"):
            spec.write_text(json.dumps({"url": database.url, "token": database.token, "ids": database.patient_ids,
                                        "path": path}))  # fmt: skip
            counted = _instructions(spec, args.reads, Path(work))
            baseline = _instructions(spec, 0, Path(work))
            results[path] = (counted - baseline) / args.reads
    if backend == "postgres":
        api_data.drop_postgres_run(database.url)
    plan, bare = results["plan"], results["bare"]
    print(f"{backend:9} GET {BARE:36} {bare / 1e6:6.2f} M instructions/request")
    print(f"{backend:9} GET /api/v1/patients/{{id}}/plan{'':8} {plan / 1e6:6.2f} M instructions/request "
          f"({plan / bare:.1f}x bare)")  # fmt: skip


def _run_database(backend: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import api_data

    if backend == "sqlite":
        return api_data.sqlite_run_database(args.cache_dir, args.patients)
    return api_data.postgres_run_database(args.postgres, args.patients)


def _in_process(backend: str, args: argparse.Namespace) -> None:
    """--profile or --cpu: the reads driven in this process, without valgrind."""
    database = _run_database(backend, args)
    with tempfile.TemporaryDirectory() as work:
        spec = Path(work) / "run.json"
        spec.write_text(json.dumps({"url": database.url, "token": database.token, "ids": database.patient_ids,
                                    "path": "plan"}))  # fmt: skip
        _child(spec, args.reads, profile=args.profile, cpu=args.cpu)


def _instructions(spec: Path, reads: int, work: Path) -> int:
    out = work / f"callgrind.{reads}.out"
    # Start-up (imports, the app, the warm-up) runs uninstrumented, several times faster; the child switches
    # counting on around its counted reads (`_counting`).
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--trace-children=no", "--instr-atstart=no",
        sys.executable, __file__, "--child", str(spec), "--reads", str(reads),
    ]  # fmt: skip
    env = os.environ | {"PYTHONHASHSEED": "0", "API_COST_COUNT": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"the run under valgrind failed:\n{done.stderr[-3000:]}")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        sys.exit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def _child(spec_path: Path, reads: int, *, profile: bool = False, cpu: bool = False) -> None:
    """Build the app on the run's database and send it WARMUP + `reads` requests."""
    from exohair.config import Settings
    from exohair.web.app import create_app

    spec = json.loads(spec_path.read_text())
    settings = Settings(database_url=spec["url"], photo_dir=spec_path.parent / "photos")
    app = create_app(settings)
    ids = random.Random(1).choices(spec["ids"], k=WARMUP + reads)
    paths = [f"/api/v1/patients/{i}/plan" if spec["path"] == "plan" else BARE for i in ids]
    if cpu:
        _cpu_per_read(app, paths, spec["token"])
        return
    if not profile:

        async def counted() -> None:
            async with _serving(app):
                await _drive(app, paths[:WARMUP], spec["token"])
                with _counting():
                    await _drive(app, paths[WARMUP:], spec["token"])

        asyncio.run(counted())
        return
    import cProfile
    import pstats

    import fastapi.dependencies.utils
    import fastapi.routing

    async def inline(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        return func(*args, **kwargs)  # cProfile sees only its own thread: run the route there

    import exohair.web.plan_lane

    fastapi.routing.run_in_threadpool = inline  # type: ignore[assignment]
    fastapi.dependencies.utils.run_in_threadpool = inline  # type: ignore[assignment]
    exohair.web.plan_lane.run_in_threadpool = inline  # type: ignore[assignment]
    profiler = cProfile.Profile()

    async def profiled() -> None:
        async with _serving(app):
            await _drive(app, paths[:WARMUP], spec["token"])
            profiler.enable()
            await _drive(app, paths[WARMUP:], spec["token"])
            profiler.disable()

    asyncio.run(profiled())
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
    stats.print_stats(60)


def _cpu_per_read(app: object, paths: list[str], token: str) -> None:
    """The process's CPU time per read, serially (the threadpool hop included), and how much of it was the GC's:
    what a worker spends on a read when nothing competes with it, to set against its CPU per answer under load
    (benchmarks/api.py)."""
    import gc
    import time

    collecting = [0.0, 0.0]  # seconds in the GC, the current collection's start

    def timed(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collecting[1] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - collecting[1]

    async def timed_reads() -> tuple[float, float]:
        async with _serving(app):
            await _drive(app, paths[:WARMUP], token)
            gc.callbacks.append(timed)
            began, wall = time.process_time(), time.perf_counter()
            await _drive(app, paths[WARMUP:], token)
            cpu, wall = time.process_time() - began, time.perf_counter() - wall
            gc.callbacks.remove(timed)
            return cpu, wall

    cpu, wall = asyncio.run(timed_reads())
    n = len(paths) - WARMUP
    print(f"{n} plan reads, serially: {1e6 * cpu / n:,.0f} µs CPU per read ({1e6 * wall / n:,.0f} µs wall), "
          f"of which the GC {1e6 * collecting[0] / n:,.1f} µs")  # fmt: skip


@contextlib.contextmanager
def _counting() -> Iterator[None]:
    """Callgrind counts only in here (the run of 0 reads counts what switching costs, and is subtracted)."""
    if os.environ.get("API_COST_COUNT") != "1":
        yield
        return
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], capture_output=True, check=True)
    try:
        yield
    finally:
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], capture_output=True, check=True)


@contextlib.asynccontextmanager
async def _serving(app: Any) -> AsyncIterator[None]:
    """The app's lifespan around the reads, as uvicorn runs it: on PostgreSQL the plan lane reads on the loop."""
    async with app.router.lifespan_context(app):
        yield


async def _drive(app: object, paths: list[str], token: str) -> None:
    for path in paths:
        status = await _get(app, path, token)
        if status != 200:
            raise SystemExit(f"{path}: answered {status}")


async def _get(app: object, path: str, token: str) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}  # fmt: skip
    status: list[int] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))  # type: ignore[call-overload]

    await app(scope, receive, send)  # type: ignore[operator]
    return status[0]


if __name__ == "__main__":
    main()
