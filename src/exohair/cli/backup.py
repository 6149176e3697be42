"""`exohair backup PATH` and `exohair restore PATH`: an online copy of the SQLite database, and its return."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape

from exohair.cli.console import out
from exohair.config import get_settings


def backup_command(
    path: Path = typer.Argument(..., help="Where to write the backup, e.g. backups/exohair-2027-03-01.sqlite3."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists."),
) -> None:
    """Copy the SQLite database to PATH while the app keeps running, then check the copy.

    PostgreSQL: use pg_dump (the command says how).
    """
    from exohair.db import backup as backups  # imported here: see cli/accounts.py

    copy = backups.backup(get_settings().database_url, path, force=force)
    out.print(f"Backed up the database to {escape(str(copy.path.absolute()))}", soft_wrap=True)
    out.print(f"  integrity check: {'; '.join(copy.integrity)}")
    out.print(f"  size: {_size(copy.size_bytes)}")
    out.print(f"  revision: {copy.revision or 'none (the database was never migrated)'}")
    out.print(f"  audit entries: {'none (no audit table)' if copy.audit_entries is None else copy.audit_entries}")


def restore_command(
    path: Path = typer.Argument(..., help="A backup written by `exohair backup`."),
    force: bool = typer.Option(False, "--force", help="Replace a current database that holds records."),
) -> None:
    """Replace the SQLite database with the backup at PATH, after saving the current one beside it.

    A backup from an older version is migrated to the newest revision; one from a newer version is refused.
    """
    from exohair.db import backup as backups  # imported here: see cli/accounts.py
    from exohair.db.engine import make_engine, make_sessions
    from exohair.features.audit.service import verify_trail

    url = get_settings().database_url
    done = backups.restore(path, url, now=datetime.now(UTC), force=force)
    source = done.source
    out.print(
        f"Checked {escape(str(path))}: integrity {'; '.join(source.integrity)}, revision {source.revision}, "
        f"{source.audit_entries or 0} audit entries, {_size(source.size_bytes)}.",
        soft_wrap=True,
    )
    if done.saved_previous is not None:
        out.print(f"Saved the previous database as {escape(str(done.saved_previous.absolute()))}", soft_wrap=True)
    out.print(f"Restored into {escape(str(done.target.absolute()))}", soft_wrap=True)
    if done.upgraded:
        out.print(f"The backup was at revision {source.revision}: upgraded it to {done.revision} (the newest).")
    engine = make_engine(url)
    try:
        with make_sessions(engine)() as session:
            report = verify_trail(session)
    finally:
        engine.dispose()
    for broken in report.broken:
        out.print(f"[bold red]entry {broken.seq}:[/] {broken.problem}")
    out.print(f"Audit trail: {report.count} entries; head hash {report.head_hash}")
    if not report.intact:
        out.print("[bold red]The restored audit trail has been tampered with.[/]")
        sys.exit(1)
    out.print("Audit trail intact.")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit} ({size} bytes)"
        value /= 1024
    return f"{value:.1f} GiB ({size} bytes)"
