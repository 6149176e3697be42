"""Server render time of every page of the clinic web app on a database of 10,000 patients (issue #4: < 100 ms).

The pages are driven in-process through the ASGI app (no HTTP server, no browser: this measures the server's
work, which is what the target is about), signed in by a personal token as the browser's cookie would be, with
the app's clock at the instant the benchmark database was built, so "today" has its share of sessions due. Each
page is rendered ROUNDS times for different patients where the page takes one; the bare endpoint
`GET /api/v1/health` is measured in the same run as the baseline. Medians and 95th percentiles, in ms.

Run: `make bench-pages` (or `.venv/bin/python benchmarks/pages.py [--backend sqlite|postgres|both]`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select

import api_data
from exohair.config import Settings
from exohair.db.engine import make_engine, make_sessions
from exohair.db.models import ChemoCourse, Clinic, Patient, TherapySession, User
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.clearances import service as clearances
from exohair.web.app import create_app

TARGET_MS = 100.0
CLEARANCES_WAITING = 300  # requests in the oncologist's inbox, as in a busy week of a large clinic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/exohair_bench")
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parents[1] / ".bench-cache")
    args = parser.parse_args()
    print(f"machine: {api_data_machine()}; {args.patients:,} patients, {args.rounds} renders per page")
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        if backend == "sqlite":
            database = api_data.sqlite_run_database(args.cache_dir, args.patients)
        else:
            database = api_data.postgres_run_database(args.postgres, args.patients)
        try:
            _measure(backend, database, args.rounds)
        finally:
            if backend == "postgres":
                api_data.drop_postgres_run(database.url)


def _measure(backend: str, database: api_data.RunDatabase, rounds: int) -> None:
    patient_token = _account_token(database.url, "patient", database.patient_ids[0])
    admin_token = _account_token(database.url, "admin")
    oncologist_token = _account_token(database.url, "oncologist")
    waiting = _clearance_requests(database.url, database.patient_ids[1 : CLEARANCES_WAITING + 1])
    engine = make_engine(database.url)
    with make_sessions(engine)() as session:  # sessions still planned, and active courses, to open at random
        planned = [str(i) for i in session.scalars(select(TherapySession.id).where(TherapySession.status == "planned"))]
        course_ids = [str(i) for i in session.scalars(select(ChemoCourse.id))]
    app = create_app(Settings(database_url=database.url), sessions_factory=make_sessions(engine),
                     clock=lambda: api_data.BUILT_AT)  # fmt: skip
    rng = random.Random(1)
    ids = database.patient_ids

    def chart(tab: str) -> Callable[[], str]:
        return lambda: f"/patients/{rng.choice(ids)}?tab={tab}"

    pages: list[tuple[str, Callable[[], str], str]] = [
        ("GET /api/v1/health (bare)", lambda: "/api/v1/health", database.token),
        ("GET /sign-in", lambda: "/sign-in", ""),
        ("GET /today", lambda: "/today", database.token),
        ("GET /today?page=5", lambda: "/today?page=5", database.token),
        ("GET /patients", lambda: "/patients", database.token),
        ("GET /patients?q=<name>", lambda: f"/patients?q={rng.choice(['smi', 'ann', 'lee', 'o'])}", database.token),
        ("GET /patients?status=in", lambda: "/patients?status=in", database.token),
        ("GET /patients/{id} (timeline)", chart("timeline"), database.token),
        ("GET /patients/{id}?tab=plan", chart("plan"), database.token),
        ("GET /patients/{id}?tab=consent", chart("consent"), database.token),
        ("GET /sessions/{id} (gate checklist)", lambda: f"/sessions/{rng.choice(planned)}", database.token),
        ("GET /courses/{id}/infusion (delay)", lambda: f"/courses/{rng.choice(course_ids)}/infusion", database.token),
        ("GET /patients/{id}?tab=billing", chart("billing"), database.token),
        ("GET /intake", lambda: "/intake", database.token),
        ("POST /intake → risk (estimate)", _intake("factors"), database.token),
        ("POST /intake → plan preview", _intake("protocol"), database.token),
        ("POST /intake → send (full preview)", _intake("costs"), database.token),
        ("GET /clearances (inbox)", lambda: "/clearances", oncologist_token),
        ("GET /clearances/{id} (decision)", lambda: f"/clearances/{rng.choice(waiting)}", oncologist_token),
        ("GET /my/plan (patient)", lambda: "/my/plan", patient_token),
        ("GET /my/consent (patient)", lambda: "/my/consent", patient_token),
        ("GET /my/costs (patient)", lambda: "/my/costs", patient_token),
        ("GET /my/assessment (patient)", lambda: "/my/assessment", patient_token),
        ("GET /my/guide (patient)", lambda: "/my/guide", patient_token),
        ("GET /admin/users", lambda: "/admin/users", admin_token),
        ("GET /admin/knowledge", lambda: "/admin/knowledge", admin_token),
        ("GET /admin/knowledge/protocols.yaml", lambda: "/admin/knowledge/protocols.yaml", admin_token),
        ("GET /admin/closed-days", lambda: "/admin/closed-days", admin_token),
    ]
    print(f"\n{backend}")
    print(f"{'page':<38} {'median ms':>10} {'p95 ms':>8} {'× bare':>7}  target")
    bare = None
    for name, path, token in pages:
        times = asyncio.run(_render(app, path, token, rounds))
        median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
        bare = bare or median
        verdict = "" if "bare" in name else ("met" if p95 < TARGET_MS else "NOT met")
        print(f"{name:<38} {median:10.2f} {p95:8.2f} {median / bare:7.1f}  {verdict}", flush=True)
    engine.dispose()


INTAKE = {"mrn": "BENCH-NEW", "family_name": "Ndiaye", "given_name": "Awa", "date_of_birth": "1975-02-11",
          "sex": "female", "cancer_type": "Breast", "regimen_mode": "catalogue", "regimen": "AC-T",
          "first_infusion": (api_data.BUILT_AT.date() + timedelta(days=21)).isoformat(), "aga_stage": "none",
          "protocol": "priming-in-cycle-regrowth", "adjunct_minoxidil": "1", "deposit": "500", "instalments": "6",
          "apr_percent": "0", "first_due_on": (api_data.BUILT_AT.date() + timedelta(days=30)).isoformat()}  # fmt: skip


def _intake(step: str) -> Callable[[], str]:
    """Continue from `step` with every earlier value filled: the form post that renders the next step (a POST
    target is written "POST path?form-encoded body")."""
    return lambda: "POST /intake?" + urlencode(INTAKE | {"step": step, "go": "next"})


async def _render(app: object, path: Callable[[], str], token: str, rounds: int) -> list[float]:
    times = []
    for n in range(rounds + 3):  # 3 warm-up renders, not counted
        target = path()
        began = time.perf_counter()
        status = await _get(app, target, token)
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200:
            raise RuntimeError(f"{target}: {status}")
        if n >= 3:
            times.append(elapsed)
    return times


async def _get(app: object, target: str, token: str) -> int:
    method, body = "GET", b""
    if target.startswith("POST "):  # the query is the form's body, with the CSRF token a page would carry
        target, method = target.removeprefix("POST "), "POST"
        target, _, form = target.partition("?")
        csrf = hmac.new(token.encode(), b"exohair-csrf", hashlib.sha256).hexdigest()
        body = f"{form}&csrf={csrf}".encode()
    path, _, query = target.partition("?")
    headers = [(b"host", b"bench")] + ([(b"authorization", f"Bearer {token}".encode())] if token else [])
    if body:
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}  # fmt: skip
    status: list[int] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))  # type: ignore[call-overload]

    await app(scope, receive, send)  # type: ignore[operator]
    return status[0]


def _account_token(url: str, role: str, patient_id: str | None = None) -> str:
    """An account of `role` (a patient's: for one patient of the run's copy) with a token: the cached database
    holds only the clinician's and coordinator's accounts."""
    engine = make_engine(url)
    with make_sessions(engine)() as session:
        clinic = session.scalars(select(Clinic)).one()
        patient = session.get_one(Patient, uuid.UUID(patient_id)) if patient_id else None
        user = accounts.create_user(session, clinic, email=f"{role}@pages.bench.test", display_name=role.title(),
                                    role=role, patient_id=patient.id if patient else None,
                                    at=api_data.BUILT_AT)  # fmt: skip
        _, token = accounts.create_token(session, user, "benchmarks/pages.py", at=api_data.BUILT_AT)
        session.commit()
    engine.dispose()
    return token


def _clearance_requests(url: str, patient_ids: list[str]) -> list[str]:
    """Clearance requests awaiting the oncologist, for the inbox and the decision page (the cached database has
    none): one per patient given, as the clinic's coordinator files them."""
    engine = make_engine(url)
    with make_sessions(engine)() as session:
        coordinator = session.scalars(select(User).where(User.role == "coordinator")).first()
        assert coordinator is not None
        actor = Actor(coordinator.id, coordinator.clinic_id, Role.COORDINATOR)
        found = [str(clearances.request_clearance(session, actor, uuid.UUID(pid), at=api_data.BUILT_AT).id)
                 for pid in patient_ids]  # fmt: skip
        session.commit()
    engine.dispose()
    return found


def api_data_machine() -> str:
    import os
    import platform

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
