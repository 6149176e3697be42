"""Engines and sessions. SQLite is the embedded default (WAL, foreign keys on); PostgreSQL is production.

Sessions are handed to whoever owns the transaction (a request, a CLI command, a test); services only flush.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

# How often a pooled SQLite connection refreshes the planner's statistics, when it is returned to the pool.
OPTIMIZE_EVERY_S = 3600.0
_OPTIMIZE = "PRAGMA optimize"
SQLITE_BUSY_TIMEOUT_MS = 5000  # how long a writer waits for SQLite's write lock before "database is locked"


def make_engine(url: str, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine.pool, "checkin", _optimize_now_and_then)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while one writer writes; foreign keys are off by default in SQLite;
    # busy_timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Statistics from a sample of 1,000 rows per index (as refresh_statistics takes them): milliseconds, however
    # large the clinic, when PRAGMA optimize decides a table needs them.
    cursor.execute("PRAGMA analysis_limit=1000")
    cursor.close()


def _optimize_now_and_then(dbapi_connection: Any, record: Any) -> None:
    """Refresh SQLite's statistics while the server runs: `exohair serve` takes them at start only, and a clinic
    that started on an empty database would otherwise never have any (its chart pages then took 95 ms instead
    of 10 at 10,000 patients, benchmarks/pages.py). `PRAGMA optimize` analyses only the tables this connection's
    queries used that have no statistics or have grown much since; once an hour per connection, on its return to
    the pool, after its transaction has ended. PostgreSQL's autovacuum does this by itself."""
    if dbapi_connection is None:
        return
    began = time.monotonic()
    last = record.info.get("optimized_at")
    if last is None or began - last < OPTIMIZE_EVERY_S:
        if last is None:
            record.info["optimized_at"] = began  # the connection's clock starts at its first return
        return
    record.info["optimized_at"] = began
    try:
        dbapi_connection.execute(_OPTIMIZE)
    except sqlite3.Error as error:  # statistics are an optimisation: the connection stays usable without them
        log.warning("could not refresh the database statistics: %s", error)


def refresh_statistics(engine: Engine) -> None:
    """Give the query planner a fresh picture of the data: ANALYZE (sampled, so seconds at most on a large
    database). Run after migrating and when the server starts.

    Without statistics the planners guess, and guessed badly here (benchmarks/pages.py, 10,000 patients): SQLite
    read a course's sessions through the clinic-wide date index (chart pages 10 -> 95 ms), PostgreSQL planned the
    Patients page's next-session query against a freshly loaded database as if its tables were empty (2 s).
    SQLite samples at most 1,000 rows per index; PostgreSQL's autovacuum keeps statistics current afterwards.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
