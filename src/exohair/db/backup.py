"""Online backup and restore of the SQLite database through SQLite's own backup API.

A copy is taken page by page from a consistent snapshot, so the app may keep writing (WAL mode): a transaction
open elsewhere is simply not in the copy. Copies are written beside their destination under a temporary name and
renamed into place, so a failed backup never leaves a partial file where the backup was meant to be. A restore
writes into the live database through the same API (never a file copy), so its WAL and journal files stay
consistent, and it saves the current database first.

PostgreSQL is backed up and restored with its own tools (`pg_dump` / `pg_restore`); both functions refuse a
PostgreSQL URL with the documented commands.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shlex
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from exohair.db import migrate
from exohair.db.engine import make_engine
from exohair.db.files import same_file, write_atomically
from exohair.domain.errors import Conflict, DomainError, InvalidInput

# How long a copy waits for a writer's lock before giving up (the app's own busy_timeout is 5 s).
BUSY_TIMEOUT_SECONDS = 30.0
_SQLITE_HEADER = b"SQLite format 3\x00"
_AUDIT_TABLE = "audit_entries"
_VERSION_TABLE = "alembic_version"
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one database file holds, as checked after a backup or before a restore."""

    path: Path
    size_bytes: int
    integrity: tuple[str, ...]  # ("ok",) when PRAGMA integrity_check finds nothing wrong
    revision: str | None  # the Alembic revision, None without an alembic_version table
    audit_entries: int | None  # None without an audit_entries table

    @property
    def sound(self) -> bool:
        return self.integrity == ("ok",)


@dataclass(frozen=True, slots=True)
class Restored:
    source: Snapshot
    target: Path
    saved_previous: Path | None  # the database replaced, saved as <db>.before-restore-<UTC timestamp>
    revision: str  # the revision the restored database is at now
    upgraded: bool  # the backup was at an older revision and has been migrated to `revision`


class BackupFailed(DomainError):
    code = "backup_failed"
    http_status = 500


def sqlite_database(url: str, path: Path) -> Path:
    """The SQLite file of `url`; PostgreSQL (and anything else) is refused with the procedure to follow."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(f"EXOHAIR_DATABASE_URL '{url}' is not a database URL", code="bad_database_url") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise InvalidInput(postgres_procedure(parsed, path), code="postgres_backup")
    if backend != "sqlite":
        raise InvalidInput(f"backup and restore support SQLite and PostgreSQL, not {backend}", code="bad_database_url")
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise InvalidInput("backup and restore need an SQLite database file, not an in-memory database")
    return Path(parsed.database)


def postgres_procedure(url: URL, path: Path) -> str:
    # A libpq URI for the same database, without the password: pg_dump reads it from PGPASSWORD or ~/.pgpass.
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    dbname, file = shlex.quote(plain.render_as_string(hide_password=False)), shlex.quote(str(path))
    return (
        "exohair does not back up or restore PostgreSQL itself; use PostgreSQL's tools: "
        f"`pg_dump --format=custom --file {file} {dbname}` to back up, "
        f"`pg_restore --clean --if-exists --dbname {dbname} {file}` to restore "
        "(see 'Backup and restore' in the README)"
    )


def backup(url: str, destination: Path, *, force: bool = False) -> Snapshot:
    """Copy the database of `url` to `destination` online, then check the copy. Nothing is left at
    `destination` unless the copy is complete and passes PRAGMA integrity_check."""
    database = sqlite_database(url, destination)
    if not database.is_file():
        raise InvalidInput(f"there is no database at {database} to back up (run `exohair db upgrade` first?)")
    if destination.is_dir():
        raise InvalidInput(f"{destination} is a directory: give the backup's file name, e.g. {destination}/exohair.db")
    if destination.exists():
        if same_file(destination, database):
            raise InvalidInput(f"{destination} is the database itself: back it up to another file")
        if not force:
            raise Conflict(f"{destination} already exists: pass --force to replace it", code="backup_exists")
    destination.parent.mkdir(parents=True, exist_ok=True)

    def fill(partial: Path) -> Snapshot:
        _copy(database, partial)
        snapshot = inspect(partial)
        if not snapshot.sound:
            raise BackupFailed(
                f"the copy of {database} fails PRAGMA integrity_check ({'; '.join(snapshot.integrity[:3])}): "
                f"the database itself is damaged; nothing was written to {destination}"
            )
        return snapshot

    return dataclasses.replace(write_atomically(destination, fill, replace=force), path=destination)


def inspect(path: Path) -> Snapshot:
    """Integrity, revision and audit count of an SQLite file, opened read-only."""
    with _open(path, read_only=True) as connection:
        integrity = tuple(str(row[0]) for row in connection.execute("PRAGMA integrity_check(20)"))
        tables = {str(row[0]) for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if _VERSION_TABLE in tables:
            revisions = sorted(str(row[0]) for row in connection.execute(f"SELECT version_num FROM {_VERSION_TABLE}"))
            revision = ",".join(revisions) or None
        audit_entries = None
        if _AUDIT_TABLE in tables:
            audit_entries = int(connection.execute(f"SELECT count(*) FROM {_AUDIT_TABLE}").fetchone()[0])
    return Snapshot(path, path.stat().st_size, integrity, revision, audit_entries)


def check_backup(path: Path) -> Snapshot:
    """The backup at `path`, if it is one this code can restore; otherwise a sentence saying why not."""

    def refuse(reason: str) -> InvalidInput:
        return InvalidInput(f"{path} is not an exohair backup: {reason}", code="not_a_backup")

    if not path.exists():
        raise refuse("there is no such file")
    if not path.is_file():
        raise refuse("it is not a file")
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise refuse(f"it cannot be read ({error.strerror})") from None
    if not header:
        raise refuse("the file is empty")
    if header != _SQLITE_HEADER:
        raise refuse("it is not an SQLite database (it does not start with the SQLite header)")
    try:
        snapshot = inspect(path)
    except sqlite3.Error as error:
        raise refuse(f"SQLite cannot read it ({error})") from None
    if not snapshot.sound:
        raise refuse(f"it fails PRAGMA integrity_check ({'; '.join(snapshot.integrity[:3])})")
    if snapshot.revision is None:
        raise refuse("it has no alembic_version table, so it is not an exohair database (or was never migrated)")
    known, head = _revisions()
    if snapshot.revision not in known:
        raise Conflict(
            f"{path} is at database revision {snapshot.revision}, which this version of exohair does not know "
            f"(its newest is {head}); it was probably made by a newer exohair: restore it with that version",
            code="unknown_revision",
        )
    return snapshot


def restore(source: Path, url: str, *, now: datetime, force: bool = False) -> Restored:
    """Replace the database of `url` with the backup at `source`, saving the current one first, and migrate
    it to the newest revision if the backup is older."""
    target = sqlite_database(url, source)
    snapshot = check_backup(source)
    saved = None
    if target.exists():
        if same_file(source, target):
            raise InvalidInput(f"{source} is the current database itself: there is nothing to restore")
        if target.stat().st_size > 0:
            if not force and _holds_records(target):
                raise Conflict(
                    f"the current database {target} holds records: pass --force to replace it "
                    "(it is saved first as a .before-restore-<time> file beside it)",
                    code="database_not_empty",
                )
            saved = _save_previous(target, now)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target, into_live=True)
    _, head = _revisions()
    upgraded = snapshot.revision != head
    if upgraded:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "head")
        finally:
            engine.dispose()
    return Restored(snapshot, target, saved, head, upgraded)


def _revisions() -> tuple[set[str], str]:
    """Every revision this code's migrations know, and the newest."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None, "the migrations have one head"
    return {revision.revision for revision in script.walk_revisions()}, head


def _holds_records(database: Path) -> bool:
    """Whether any table other than Alembic's own has a row: an empty, freshly migrated database loses nothing."""
    try:
        with _open(database, read_only=True) as connection:
            tables = [
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                if table != _VERSION_TABLE and connection.execute(f"SELECT 1 FROM {quoted} LIMIT 1").fetchone():
                    return True
    except sqlite3.Error as error:
        raise Conflict(
            f"the current database {database} cannot be read ({error}); move it aside yourself before restoring",
            code="database_unreadable",
        ) from None
    return False


def _save_previous(database: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    saved = database.with_name(f"{database.name}.before-restore-{stamp}")
    n = 1
    while saved.exists():
        n += 1
        saved = database.with_name(f"{database.name}.before-restore-{stamp}-{n}")
    try:
        write_atomically(saved, lambda partial: _copy(database, partial), replace=False)
    except DomainError as error:
        raise BackupFailed(
            f"could not save the current database {database} before restoring ({error.message}); nothing was changed"
        ) from None
    return saved


def _copy(source: Path, destination: Path, *, into_live: bool = False) -> None:
    """Copy with sqlite3's backup API in one step: one consistent snapshot of `source`, taken while the app may
    write. A fresh copy is left in rollback-journal mode, a single self-contained file; a live database keeps
    its WAL mode and files."""
    try:
        with _open(source, read_only=True) as reader, _open(destination, read_only=False) as writer:
            reader.backup(writer)
            if into_live:
                writer.execute("PRAGMA journal_mode=WAL")
            else:
                writer.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise Conflict(
                f"the database is busy ({error}): another process held its lock for {BUSY_TIMEOUT_SECONDS:.0f} s; "
                "try again, or stop the app first",
                code="database_busy",
            ) from None
        raise BackupFailed(f"copying {source} to {destination} failed: {error}") from None
    except sqlite3.Error as error:
        raise BackupFailed(f"copying {source} to {destination} failed: {error}") from None


@contextlib.contextmanager
def _open(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    # Read-only through a URI: never creates a missing file, never writes to a backup being checked.
    if read_only:
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()
