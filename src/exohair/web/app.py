"""The web application: the JSON API under /api/v1, the clinic's pages and the patient portal.

`create_app()` is what uvicorn serves (`exohair serve`); tests build one on their own database. One engine and
one loaded knowledge base per process, shared by all requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exohair import __version__
from exohair.config import Settings, get_settings
from exohair.features.audit.reads import ReadAuditAppender
from exohair.features.photos.storage import LocalPhotoStore, PhotoStore
from exohair.knowledge import Knowledge, load_knowledge, shipped_texts
from exohair.web import guards, pages, problems
from exohair.web.api import (
    adverse_events,
    assessments,
    auth,
    billing,
    clearances,
    consent,
    fhir,
    fhir_bulk,
    fhir_import,
    labs,
    patients,
    photos,
    plans,
    products,
    questionnaires,
    sessions,
    sites,
)
from exohair.web.audit_gate import AuditGate
from exohair.web.pages import errors
from exohair.web.plan_lane import LaneCounts, PlanLane
from exohair.web.plan_lane import lifespan as plan_lane_lifespan

API = "/api/v1"
STATIC = Path(__file__).resolve().parent / "static"
# Every answer may hold health data: never cached, never framed, never sniffed into something else.
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """A plain ASGI wrapper (not BaseHTTPMiddleware, which costs a task and a copy per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _health() -> dict[str, str]:
    # No database, no auth: what a load balancer polls, and the bare baseline of benchmarks/api.py.
    return {"status": "ok"}


def _read_audits(sessions: sessionmaker[Session]) -> ReadAuditAppender | None:
    """On PostgreSQL the audit entries of reads are committed in batches (features/audit/reads.py).

    A commit there waits for the WAL to reach the disk (fdatasync: 2.1 ms on the benchmark machine by
    pg_test_fsync, about 466 a second), and an append holds the chain's lock until it has committed, so one
    commit per read capped every read at the disk's flush rate however many cores served them (the plan read
    stalled at ~460 req/s, benchmarks/api.py). A batch shares one flush. SQLite in WAL mode with
    synchronous=NORMAL does not flush at commit: a read's entry costs no disk wait there, and handing it to
    another thread cost more (+14% instructions per plan read, benchmarks/api_cost.py) than it saved.
    """
    bind = sessions.kw.get("bind")
    return ReadAuditAppender(bind) if bind is not None and bind.dialect.name == "postgresql" else None


def create_app(
    settings: Settings | None = None,
    *,
    sessions_factory: sessionmaker[Session] | None = None,
    knowledge: Knowledge | None = None,
    clock: Callable[[], datetime] | None = None,
    photo_store: PhotoStore | None = None,
    plan_lane: bool = True,
) -> FastAPI:
    """The app. `plan_lane=False` leaves every plan read to its route (web/plan_lane.py): the tests compare the two."""
    settings = settings or get_settings()
    if sessions_factory is None:
        from exohair.db.engine import make_engine, make_sessions

        sessions_factory = make_sessions(make_engine(settings.database_url))
    if knowledge is None:
        loaded = load_knowledge(settings.knowledge_dir)
        knowledge, texts = loaded.knowledge, dict(loaded.texts)
    else:
        texts = shipped_texts()
    app = FastAPI(
        title="exohair",
        version=__version__,
        summary="Exosome scalp therapy around chemotherapy: plans, safety gates, records and evidence.",
        description=(
            "The clinic's system of record. Exosome therapy for chemotherapy-induced alopecia is investigational: "
            "this API records and plans care, it does not claim the therapy works. Errors are RFC 9457 "
            "problem+json with a machine `code`. Authenticate with `Authorization: Bearer <personal token>` or "
            "the session cookie set by POST /api/v1/auth/login."
        ),
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; clinics may run offline. The schema is the contract.
        redoc_url=None,
        lifespan=plan_lane_lifespan if plan_lane else None,
    )
    app.state.sessions = sessions_factory
    app.state.read_audits = _read_audits(sessions_factory)
    app.state.loop_database = None  # the plan lane's, while the app serves on PostgreSQL (plan_lane.lifespan)
    app.state.knowledge = knowledge  # before any clinic's own protocols and tariffs (see clinic_settings)
    app.state.knowledge_texts = texts
    app.state.photo_store = photo_store or LocalPhotoStore(settings.photo_dir)
    app.state.max_photo_bytes = settings.max_photo_bytes
    app.state.max_fhir_bytes = settings.max_fhir_bytes
    app.state.clock = clock or (lambda: datetime.now(UTC))
    problems.install(app, page_error=errors.page_error)
    problems.document(app)
    # Each API module's router is included on the app itself, not inside one /api/v1 router: FastAPI matches a
    # nested router's routes once to pick the router and again inside it, so each level of nesting repeats the
    # walk over every route before the one asked for (benchmarks/api_cost.py counts what a request costs).
    guarded = [Depends(guards.no_nul_in_query)]
    routers = (
        auth,
        patients,
        plans,
        sessions,
        labs,
        consent,
        clearances,
        adverse_events,
        assessments,
        photos,
        questionnaires,
        products,
        billing,
        sites,
        fhir,
        fhir_import,
        fhir_bulk,
    )
    for module in routers:
        app.include_router(module.router, prefix=API, responses=problems.RESPONSES, dependencies=guarded)
    health = APIRouter(prefix=API, responses=problems.RESPONSES, dependencies=guarded)
    health.add_api_route("/health", _health, methods=["GET"], tags=["service"], summary="Liveness: the process answers")
    app.include_router(health)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.plan_lane = LaneCounts()
    if plan_lane:  # innermost: its answers pass the audit gate and get the headers, as the route's do
        app.add_middleware(PlanLane)
    app.add_middleware(AuditGate)  # inside SecurityHeaders: a withheld answer's 503 gets the headers too
    app.add_middleware(SecurityHeaders)
    return app
