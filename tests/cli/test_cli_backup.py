"""`exohair backup PATH` and `exohair restore PATH`: an online copy of the SQLite database, checked, and its return."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from exohair.db import migrate

# The newest migration, and an older one (API tokens): a backup at the older is upgraded on restore.
HEAD = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()
OLDER = "bf1da1c883f1"


def _env(path: Path) -> dict[str, str]:
    return {"EXOHAIR_DATABASE_URL": f"sqlite:///{path}"}


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute(sql).fetchall()


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    return _query(path, f"SELECT * FROM {table} ORDER BY 1")


def _revision(path: Path) -> str:
    return str(_rows(path, "alembic_version")[0][0])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


@pytest.fixture(scope="module")
def template(run, tmp_path_factory) -> Path:
    """A migrated database with a clinic and an admin, built once with the real commands."""
    path = tmp_path_factory.mktemp("template") / "exohair.sqlite3"
    for args in (
        ("db", "upgrade"),
        ("clinics", "create", "North", "--timezone", "Europe/London"),
        ("users", "create", "--email", "ada@north.org", "--role", "admin", "--no-password"),
    ):
        result = run(*args, env=_env(path))
        assert result.code == 0, result.stderr
    return path


@pytest.fixture
def live(template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the populated database: the one EXOHAIR_DATABASE_URL points at."""
    path = tmp_path / "live" / "exohair.sqlite3"
    _copy(template, path)
    return path


def test_a_backup_restored_into_a_fresh_database_gives_the_same_rows_and_an_intact_trail(run, live, tmp_path):
    target = tmp_path / "backups" / "monday.sqlite3"  # the directory does not exist yet
    made = run("backup", str(target), env=_env(live))
    assert made.code == 0, made.stderr
    audit_entries = len(_rows(live, "audit_entries"))
    assert audit_entries >= 2  # the clinic and the account
    assert str(target) in made.shown
    assert "integrity check: ok" in made.shown
    assert f"revision: {HEAD}" in made.shown
    assert f"audit entries: {audit_entries}" in made.shown
    assert f"({target.stat().st_size} bytes)" in made.shown
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # health records: readable by the owner only
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.sqlite3"]  # no temporary file left over

    fresh = tmp_path / "elsewhere" / "restored.sqlite3"
    restored = run("restore", str(target), env=_env(fresh))
    assert restored.code == 0, restored.stderr
    assert "Restored into" in restored.shown
    assert f"Audit trail: {audit_entries} entries" in restored.shown
    assert "Audit trail intact." in restored.shown
    assert "Saved the previous database" not in restored.shown  # there was none
    for table in ("clinics", "users", "audit_entries", "alembic_version"):
        assert _rows(fresh, table) == _rows(live, table), table
    verified = run("audit", "verify", env=_env(fresh))
    assert verified.code == 0, verified.stderr
    assert f"{audit_entries} entries" in verified.stdout


def test_a_backup_taken_while_another_connection_writes_is_consistent(run, live, tmp_path):
    writer = sqlite3.connect(live, isolation_level=None)
    try:
        writer.execute("PRAGMA cache_size = 5")  # spill the open transaction's pages into the WAL
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE clinics SET name = 'Renamed'")
        writer.execute("CREATE TABLE scratch (payload TEXT)")
        writer.executemany("INSERT INTO scratch VALUES (?)", [("x" * 1000,)] * 2000)
        during = tmp_path / "during.sqlite3"
        made = run("backup", str(during), env=_env(live))
        assert made.code == 0, made.stderr
        assert "integrity check: ok" in made.shown
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert _query(during, "SELECT name FROM sqlite_master WHERE name = 'scratch'") == []  # not committed
    assert {row[0] for row in _query(during, "SELECT name FROM clinics")} == {"North"}
    assert _query(during, "PRAGMA integrity_check") == [("ok",)]

    after = tmp_path / "after.sqlite3"
    assert run("backup", str(after), env=_env(live)).code == 0
    assert {row[0] for row in _query(after, "SELECT name FROM clinics")} == {"Renamed"}
    assert len(_query(after, "SELECT * FROM scratch")) == 2000


def test_backup_refuses_to_overwrite_a_file_without_force(run, live, tmp_path):
    target = tmp_path / "backup.sqlite3"
    target.write_text("last week's notes\n", encoding="utf-8")
    refused = run("backup", str(target), env=_env(live))
    assert refused.code == 1
    assert "already exists" in refused.said
    assert "--force" in refused.said
    assert "Traceback" not in refused.stderr
    assert target.read_text(encoding="utf-8") == "last week's notes\n"

    forced = run("backup", str(target), "--force", env=_env(live))
    assert forced.code == 0, forced.stderr
    assert _rows(target, "clinics") == _rows(live, "clinics")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite3", "live"]


def test_a_failed_backup_leaves_nothing_at_path(run, tmp_path):
    target = tmp_path / "backup.sqlite3"
    missing = run("backup", str(target), env=_env(tmp_path / "never-created.sqlite3"))
    assert missing.code == 1
    assert "no database" in missing.said
    assert "Traceback" not in missing.stderr
    assert list(tmp_path.iterdir()) == []  # neither the backup nor an empty database


def test_restoring_a_text_file_is_refused_and_the_database_untouched(run, live, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    before = _digest(live)
    refused = run("restore", str(notes), env=_env(live))
    assert refused.code == 1
    assert f"{notes} is not an exohair backup: it is not an SQLite database" in refused.said
    assert "Traceback" not in refused.stderr
    assert refused.stderr.count("error:") == 1
    assert _digest(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["exohair.sqlite3"]


def test_restoring_a_backup_from_a_newer_exohair_is_refused(run, live, tmp_path):
    target = tmp_path / "future.sqlite3"
    assert run("backup", str(target), env=_env(live)).code == 0
    with closing(sqlite3.connect(target)) as future:
        future.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        future.commit()
    fresh = tmp_path / "fresh.sqlite3"
    refused = run("restore", str(target), env=_env(fresh))
    assert refused.code == 1
    assert "ffffffffffff" in refused.said
    assert "does not know" in refused.said
    assert not fresh.exists()


def test_a_backup_from_an_older_revision_is_upgraded_on_restore(run, tmp_path):
    old = tmp_path / "old.sqlite3"
    assert run("db", "upgrade", OLDER, env=_env(old)).code == 0
    backup = tmp_path / "old-backup.sqlite3"
    made = run("backup", str(backup), env=_env(old))
    assert made.code == 0, made.stderr
    assert f"revision: {OLDER}" in made.shown
    fresh = tmp_path / "fresh.sqlite3"
    restored = run("restore", str(backup), env=_env(fresh))
    assert restored.code == 0, restored.stderr
    assert f"The backup was at revision {OLDER}: upgraded it to {HEAD}" in restored.shown
    assert _revision(fresh) == HEAD


def test_restoring_over_a_database_with_records_needs_force_and_saves_it_first(run, live, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    assert run("backup", str(backup), env=_env(live)).code == 0
    assert run("clinics", "create", "South", env=_env(live)).code == 0  # a record the backup does not have
    before = _digest(live)

    refused = run("restore", str(backup), env=_env(live))
    assert refused.code == 1
    assert "holds records" in refused.said
    assert "--force" in refused.said
    assert _digest(live) == before
    assert not list(live.parent.glob("*.before-restore-*"))

    forced = run("restore", str(backup), "--force", env=_env(live))
    assert forced.code == 0, forced.stderr
    (saved,) = live.parent.glob("exohair.sqlite3.before-restore-*")
    assert saved.name.endswith("Z")
    assert str(saved) in forced.shown
    assert {row[0] for row in _query(saved, "SELECT name FROM clinics")} >= {"North", "South"}  # nothing lost
    assert "South" not in {row[0] for row in _query(live, "SELECT name FROM clinics")}
    assert _rows(live, "clinics") == _rows(backup, "clinics")
    assert "Audit trail intact." in forced.shown
    with closing(sqlite3.connect(live)) as connection:  # still the app's WAL database
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_restoring_over_an_empty_migrated_database_needs_no_force(run, tmp_path, live):
    backup = tmp_path / "backup.sqlite3"
    assert run("backup", str(backup), env=_env(live)).code == 0
    empty = tmp_path / "empty.sqlite3"
    assert run("db", "upgrade", env=_env(empty)).code == 0
    restored = run("restore", str(backup), env=_env(empty))
    assert restored.code == 0, restored.stderr
    assert _rows(empty, "users") == _rows(live, "users")


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_refused_with_the_documented_procedure(run, tmp_path, command):
    dump = tmp_path / "exohair.dump"
    url = "postgresql+psycopg://clinic:s3cret@db.example:5432/exohair"
    refused = run(command, str(dump), env={"EXOHAIR_DATABASE_URL": url})
    assert refused.code == 1
    assert f"pg_dump --format=custom --file {dump} postgresql://clinic@db.example:5432/exohair" in refused.said
    assert f"pg_restore --clean --if-exists --dbname postgresql://clinic@db.example:5432/exohair {dump}" in refused.said
    assert "s3cret" not in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not dump.exists()
