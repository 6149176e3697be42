"""SQLite's planner statistics are refreshed by the running server, not only when it starts.

A clinic that starts `exohair serve` on an empty database and never restarts it had no statistics however large it
grew, and SQLite then read a course's sessions through the clinic-wide index (docs/benchmarks.md, "Statistics are
taken only at start"). Each pooled connection now runs `PRAGMA optimize` when it is returned to the pool, at most
once an interval, which analyses the tables its queries used that have no statistics or have grown since.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from exohair.db import engine as engines


def _stat_tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        found = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
        if found is None:
            return set()
        return {row[0] for row in connection.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1")}


def _grown_database(path: Path):  # type: ignore[no-untyped-def]
    engine = engines.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE visits (id INTEGER PRIMARY KEY, course INTEGER, day INTEGER)")
        connection.exec_driver_sql("CREATE INDEX visits_course ON visits (course)")
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
            "INSERT INTO visits (course, day) SELECT i % 50, i FROM n"
        )
    return engine


def _use(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:  # returned to the pool at the end of the block
        connection.execute(text("SELECT count(*) FROM visits WHERE course = 7")).scalar()


def test_a_connection_back_in_the_pool_after_the_interval_analyses_the_tables_it_used(tmp_path, monkeypatch):
    engine = _grown_database(tmp_path / "clinic.db")
    _use(engine)  # the first return only starts the connection's clock
    assert _stat_tables(engine) == set()
    monkeypatch.setattr(engines, "OPTIMIZE_EVERY_S", 0.0)
    _use(engine)
    assert "visits" in _stat_tables(engine)


def test_within_the_interval_nothing_is_analysed(tmp_path):
    engine = _grown_database(tmp_path / "clinic.db")
    for _ in range(3):
        _use(engine)
    assert engines.OPTIMIZE_EVERY_S >= 600
    assert _stat_tables(engine) == set()


def test_a_failed_optimize_is_logged_without_losing_the_connection(tmp_path, monkeypatch, caplog):
    engine = _grown_database(tmp_path / "clinic.db")
    _use(engine)
    monkeypatch.setattr(engines, "OPTIMIZE_EVERY_S", 0.0)
    monkeypatch.setattr(engines, "_OPTIMIZE", "PRAGMA no_such_thing(")  # a statement SQLite refuses
    _use(engine)
    assert "could not refresh" in caplog.text
    _use(engine)  # the pool still hands out a working connection


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:5432/test"])
def test_postgresql_engines_leave_it_to_autovacuum(url):
    engine = engines.make_engine(url)  # no connection is made here
    from sqlalchemy import event

    assert not event.contains(engine.pool, "checkin", engines._optimize_now_and_then)
