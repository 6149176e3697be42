"""`exohair db upgrade` builds the clinic database from the migrations."""

from __future__ import annotations

import sqlite3


def test_db_upgrade_creates_the_sqlite_database_with_every_table(run, tmp_path):
    path = tmp_path / "clinic" / "exohair.sqlite3"  # the directory does not exist yet
    result = run("db", "upgrade", env={"EXOHAIR_DATABASE_URL": f"sqlite:///{path}"})
    assert result.code == 0, result.stderr
    assert "is at revision head" in " ".join(result.stdout.split())  # the terminal may wrap a long path
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"clinics", "sites", "users", "patients", "alembic_version"} <= tables
