"""Browser tests: the real app served by uvicorn on a free loopback port, on a database holding the demo clinic,
driven by Playwright in Debian's chromium (never a browser Playwright downloads).

Accessibility: axe-core, fetched from the npm registry by `make test` (tests/e2e/axe.py), injected into each page.
With EXOHAIR_SCREENSHOTS=1 (`make screenshots`) the tests that visit the main pages write them to docs/screenshots/.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from databases import empty_postgres, postgres_engine, sqlite_engine
from exohair.config import Settings
from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.features.demo.clinic import load_demo_clinic
from exohair.knowledge import shipped_knowledge
from exohair.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LiveServer:
    def __init__(self, engine: Engine) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        photos = Path(tempfile.mkdtemp(prefix="exohair-e2e-photos-"))
        app = create_app(
            Settings(database_url=str(engine.url), photo_dir=photos), sessions_factory=make_sessions(engine)
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start within 30 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo clinic, loaded once per test module, on SQLite and (marked `postgres`) on PostgreSQL. Without the
    clinic's past patients unless the module asks for them (DEMO_HISTORY = n): they cost seconds per load."""
    engine = sqlite_engine(tmp_path_factory.mktemp("e2e")) if request.param == "sqlite" else postgres_engine()
    migrate.upgrade(engine)
    history = getattr(request.module, "DEMO_HISTORY", 0)
    with make_sessions(engine)() as session:
        load_demo_clinic(session, shipped_knowledge(), now=datetime.now(UTC), timezone="UTC", history=history)
        session.commit()
    yield engine
    if request.param == "postgres":
        empty_postgres(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def live(demo_engine: Engine) -> Iterator[LiveServer]:
    with LiveServer(demo_engine) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
