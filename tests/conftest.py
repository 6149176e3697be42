"""Suite-wide rules: tests that need PostgreSQL or a browser are marked; under CI=true they may never be skipped.

Outside CI a missing PostgreSQL or Chromium skips those tests with a loud line at the end of the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from databases import empty_postgres, postgres_engine, sqlite_engine
from exohair.db import migrate
from exohair.db.engine import make_sessions

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(marker: str) -> str | None:
    if marker == "browser" and shutil.which("chromium") is None and not os.path.exists("/usr/bin/chromium"):
        return "Debian's chromium is not installed (apt-get install chromium)"
    if marker == "postgres" and not os.environ.get("EXOHAIR_TEST_DATABASE_URL"):
        return "EXOHAIR_TEST_DATABASE_URL is not set (CI points it at 127.0.0.1:5432/test)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("browser", "postgres"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is None:
            continue
        if IN_CI:
            pytest.fail(f"CI=true and {reason}: infrastructure tests may not be skipped in CI", pytrace=False)
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Counted from the reports rather than from this process's list: under pytest-xdist the tests run in worker
    # processes and only their reports reach the process that prints the summary.
    reasons = [_missing("browser"), _missing("postgres")]
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if any(reason and reason in str(getattr(report, "longrepr", "")) for reason in reasons)
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"SKIPPED {len(skipped)} TESTS FOR MISSING INFRASTRUCTURE (PostgreSQL/Chromium); CI runs them",
            red=True,
            bold=True,
        )


# A fresh, empty database per test, on SQLite and (marked `postgres`) on PostgreSQL.
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    engine = sqlite_engine(tmp_path) if request.param == "sqlite" else postgres_engine()
    yield engine
    if request.param == "postgres":
        empty_postgres(engine)
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on a database freshly built by the migrations (SQLite, and PostgreSQL under CI)."""
    migrate.upgrade(engine)
    with make_sessions(engine)() as session:
        yield session
