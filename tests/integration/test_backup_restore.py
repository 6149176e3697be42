"""db/backup.py without the command line: URL handling, the checks a backup must pass, atomic writes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exohair.db import backup, files, migrate
from exohair.db.engine import make_engine
from exohair.domain.errors import Conflict, InvalidInput

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "exohair.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def test_the_sqlite_file_comes_from_the_url(tmp_path):
    assert backup.sqlite_database(f"sqlite:///{tmp_path}/x.db", Path("b")) == tmp_path / "x.db"
    assert backup.sqlite_database("sqlite:///var/exohair.sqlite3", Path("b")) == Path("var/exohair.sqlite3")
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(InvalidInput, match="in-memory"):
            backup.sqlite_database(url, Path("b"))
    with pytest.raises(InvalidInput, match="not mysql"):
        backup.sqlite_database("mysql://u@h/db", Path("b"))


def test_postgresql_gets_the_pg_dump_and_pg_restore_commands_without_its_password():
    with pytest.raises(InvalidInput) as refused:
        backup.sqlite_database("postgresql+psycopg://u:pw@h:5432/exo?sslmode=require", Path("/b/x.dump"))
    assert refused.value.code == "postgres_backup"
    message = refused.value.message
    assert "pg_dump --format=custom --file /b/x.dump 'postgresql://u@h:5432/exo?sslmode=require'" in message
    assert "pg_restore --clean --if-exists --dbname 'postgresql://u@h:5432/exo?sslmode=require' /b/x.dump" in message
    assert "pw" not in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "there is no such file"),
        (b"", "the file is empty"),
        (b"id,name\n1,North\n", "it is not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "SQLite cannot read it"),
    ],
    ids=["missing", "empty", "csv", "damaged_header"],
)
def test_a_file_that_is_no_backup_is_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "backup.sqlite3"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput, match=f"is not an exohair backup: {reason}") as refused:
        backup.check_backup(path)
    assert refused.value.code == "not_a_backup"


def test_an_sqlite_database_without_migrations_is_no_backup(tmp_path):
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(InvalidInput, match="no alembic_version table"):
        backup.check_backup(path)


def test_a_failed_copy_leaves_no_file_and_no_partial_behind(tmp_path):
    target = tmp_path / "backup.sqlite3"

    def fail(partial: Path) -> None:
        partial.write_bytes(b"half a database")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        files.write_atomically(target, fail, replace=False)
    assert list(tmp_path.iterdir()) == []


def test_a_name_taken_while_copying_is_not_overwritten(tmp_path):
    target = tmp_path / "backup.sqlite3"

    def race(partial: Path) -> None:
        partial.write_bytes(b"the copy")
        target.write_bytes(b"someone else's file")

    with pytest.raises(Conflict, match="already exists"):
        files.write_atomically(target, race, replace=False)
    assert target.read_bytes() == b"someone else's file"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.sqlite3"]


def test_backup_and_restore_round_trip_reports_what_the_copy_holds(migrated, tmp_path):
    copy = backup.backup(f"sqlite:///{migrated}", tmp_path / "copy.sqlite3")
    assert copy.sound
    assert copy.audit_entries == 0
    assert copy.revision == backup.check_backup(copy.path).revision
    with pytest.raises(InvalidInput, match="is the database itself"):
        backup.backup(f"sqlite:///{migrated}", migrated, force=True)
    with pytest.raises(InvalidInput, match="is the current database itself"):
        backup.restore(migrated, f"sqlite:///{migrated}", now=NOW, force=True)

    done = backup.restore(copy.path, f"sqlite:///{migrated}", now=NOW)  # empty: no --force needed
    assert done.saved_previous == migrated.with_name("exohair.sqlite3.before-restore-20270301T093000Z")
    again = backup.restore(copy.path, f"sqlite:///{migrated}", now=NOW)  # same second: a second name
    assert again.saved_previous == migrated.with_name("exohair.sqlite3.before-restore-20270301T093000Z-2")
    assert not done.upgraded
