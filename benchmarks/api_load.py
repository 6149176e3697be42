"""The load generator of benchmarks/api.py, run as its own process: N keep-alive HTTP/1.1 connections on loopback.

Each connection sends one request, reads the whole answer, and sends the next (closed loop, no pipelining). The
requests are written by hand and pre-encoded, the answers parsed only as far as the status line and
Content-Length, on asyncio streams (uvloop when installed), so the client spends a few tens of µs per request;
it reports its own CPU time per request so that can be checked.

Input: one JSON object on stdin (host, port, paths, token, connections, workers, warmup_s, seconds, seed).
Output: one JSON object on stdout: requests, rps, p50/p90/p99/max latency (ms), status counts, connections the
server dropped (counted with the non-200 answers; the connection is opened again), client CPU, and over the
measured window (Linux, from /proc) the machine's busy share and the CPU per answer of the server's workers and of
PostgreSQL's processes (all of them, whoever they serve: the benchmark should be alone on the server).
Only answers completed inside the measured window count; the warm-up's are discarded.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from typing import Any


def _request(host: str, port: int, path: str, token: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json", "User-Agent: exohair-bench"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _open_spread(config: dict[str, Any], first: bytes) -> list[Streams]:
    """Open the connections one after another, spread evenly over the server's workers.

    uvicorn's workers share one listening socket; whichever wakes first accepts, and a keep-alive connection
    stays with the worker that accepted it. Opened at once, all 16 went to one worker; opened one by one, the
    worker that had just answered usually won again (16/0 in two runs of three), which halves what 2 workers
    can do and made runs incomparable. So each connection is checked (with `ss`, which names the process that
    holds the server's end) and opened again while its worker already has its share. A proxy in front of many
    clients spreads connections in much the same way; without `ss`, connections stay where they land.
    """
    share = -(-config["connections"] // config["workers"])
    held: Counter[int | None] = Counter()
    opened: list[Streams] = []
    config["worker_pids"] = held  # the workers seen, for the CPU accounting (_cpu)
    while len(opened) < config["connections"]:
        for attempt in range(100):
            reader, writer = await asyncio.open_connection(config["host"], config["port"])
            writer.write(first)
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(_content_length(head))
            worker = _server_process(config["port"], writer.get_extra_info("sockname")[1])
            if worker is None or held[worker] < share or attempt == 99:
                break
            writer.close()
        held[worker] += 1
        opened.append((reader, writer))
    return opened


def _server_process(port: int, client_port: int) -> int | None:
    try:
        found = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} and dport = :{client_port} )"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"pid=(\d+)", found)
    return int(match.group(1)) if match else None


async def _connection(
    config: dict[str, Any],
    streams: Streams,
    requests: list[bytes],
    seed: int,
    window: tuple[float, float],
    results: dict[str, Any],
) -> None:
    reader, writer = streams
    rng = random.Random(seed)
    start, end = window
    latencies: list[int] = results["latencies_ns"]
    statuses: Counter[int] = results["statuses"]
    pick, clock = rng.randrange, time.perf_counter_ns
    count = len(requests)
    start_ns, end_ns = int(start * 1e9), int(end * 1e9)
    try:
        while True:
            sent = clock()
            if sent >= end_ns:
                break
            try:
                writer.write(requests[pick(count)])
                head = await reader.readuntil(b"\r\n\r\n")
                body = await reader.readexactly(_content_length(head))
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                # The server dropped the connection (uvicorn does after a 500): an error, and a new connection.
                results["connection_errors"] += 1
                results.setdefault("sample_error", f"connection lost: {error!r}")
                writer.close()
                reader, writer = await asyncio.open_connection(config["host"], config["port"])
                continue
            done = clock()
            status = int(head[9:12])
            results["answers"] += 1
            if start_ns <= sent and done <= end_ns:
                latencies.append(done - sent)
                statuses[status] += 1
                if status != 200 and "sample_error" not in results:
                    results["sample_error"] = f"{status} {body[:300].decode(errors='replace')}"
            if b"\r\nconnection: close" in head.lower():
                results["closed_by_server"] += 1
                writer.close()
                reader, writer = await asyncio.open_connection(config["host"], config["port"])
    finally:
        writer.close()


def _content_length(head: bytes) -> int:
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at < 0:
        raise RuntimeError(f"answer without Content-Length: {head[:200]!r}")
    end = lowered.find(b"\r\n", at + 2)
    return int(lowered[at + 17 : end])


async def _run(config: dict[str, Any]) -> dict[str, Any]:
    requests = [_request(config["host"], config["port"], p, config.get("token")) for p in config["paths"]]
    results: dict[str, Any] = {
        "latencies_ns": [],
        "statuses": Counter(),
        "closed_by_server": 0,
        "connection_errors": 0,
        "answers": 0,
    }
    opened = await _open_spread(config, requests[0])
    now = time.perf_counter()
    window = (now + config["warmup_s"], now + config["warmup_s"] + config["seconds"])
    cpu_before = time.process_time()
    loop = asyncio.get_running_loop()
    snapshots: list[dict[str, float]] = []
    workers = {pid for pid in config["worker_pids"] if pid is not None}
    for at in window if workers else ():  # without `ss` the workers are unknown: no CPU figures rather than 0
        loop.call_at(loop.time() + at - now, lambda: snapshots.append(_cpu(workers)))
    await asyncio.gather(
        *(
            _connection(config, streams, requests, config["seed"] + i, window, results)
            for i, streams in enumerate(opened)
        )
    )
    cpu = time.process_time() - cpu_before
    await asyncio.sleep(max(0.0, window[1] - time.perf_counter()) + 0.05)  # the closing snapshot is taken
    latencies = sorted(results["latencies_ns"])
    n = len(latencies)

    def percentile(p: float) -> float:
        return latencies[min(n - 1, max(0, round(p * n) - 1))] / 1e6 if n else float("nan")

    return {
        "requests": n,
        "rps": n / config["seconds"],
        "p50_ms": percentile(0.50),
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "max_ms": latencies[-1] / 1e6 if n else float("nan"),
        "statuses": {str(k): v for k, v in sorted(results["statuses"].items())},
        "non_200": sum(v for k, v in results["statuses"].items() if k != 200) + results["connection_errors"],
        "connection_errors": results["connection_errors"],
        "sample_error": results.get("sample_error"),
        "closed_by_server": results["closed_by_server"],
        # The client's own CPU over every answer it read, warm-up included.
        "client_cpu_us_per_request": 1e6 * cpu / max(1, results["answers"]),
        **_server_cpu(snapshots, n),
    }


def _cpu(workers: set[int]) -> dict[str, float]:
    """Seconds of CPU so far: the machine's (busy and in all), the server's workers' and PostgreSQL's processes'."""
    ticks = 100.0
    try:
        import os

        ticks = float(os.sysconf("SC_CLK_TCK"))
        with open("/proc/stat", encoding="ascii") as stat:
            counters = [int(v) for v in stat.readline().split()[1:9]]
        found = {"total": sum(counters) / ticks, "busy": (sum(counters) - counters[3] - counters[4]) / ticks}
        found["workers"] = found["database"] = 0.0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as stat:
                    line = stat.read()
            except OSError:
                continue  # gone meanwhile
            name, rest = line[line.index("(") + 1 : line.rindex(")")], line[line.rindex(")") + 2 :].split()
            used = (int(rest[11]) + int(rest[12])) / ticks  # utime + stime
            if int(entry.name) in workers:
                found["workers"] += used
            elif name == "postgres":
                found["database"] += used
        return found
    except (OSError, ValueError):
        return {}


def _server_cpu(snapshots: list[dict[str, float]], answers: int) -> dict[str, float]:
    if len(snapshots) != 2 or not snapshots[0] or not snapshots[1] or answers == 0:
        return {}
    start, end = snapshots
    spent = {key: end[key] - start[key] for key in start}
    return {
        "machine_busy": spent["busy"] / spent["total"] if spent["total"] else float("nan"),
        "workers_cpu_us_per_request": 1e6 * spent["workers"] / answers,
        "database_cpu_us_per_request": 1e6 * spent["database"] / answers,
    }


def main() -> None:
    config = json.load(sys.stdin)
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    print(json.dumps(runner(_run(config))))


if __name__ == "__main__":
    main()
