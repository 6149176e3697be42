"""`exohair audit verify`: check that no audit entry was edited or deleted."""

from __future__ import annotations

import sys

import typer

from exohair.cli.console import out
from exohair.config import get_settings

audit = typer.Typer(help="The audit trail of every read and write of patient data.", no_args_is_help=True)


@audit.command("verify")
def verify() -> None:
    """Recompute every entry's hash and link; exit 1 if any entry was edited, deleted or reordered."""
    from exohair.db.engine import make_engine, make_sessions  # imported here: see cli/accounts.py
    from exohair.features.audit.service import verify_trail

    with make_sessions(make_engine(get_settings().database_url))() as session:
        report = verify_trail(session)
    for broken in report.broken:
        out.print(f"[bold red]entry {broken.seq}:[/] {broken.problem}")
    out.print(f"{report.count} entries; head hash {report.head_hash}")
    if not report.intact:
        out.print("[bold red]The audit trail has been tampered with.[/]")
        sys.exit(1)
    # Truncating the newest entries leaves a valid, shorter chain: compare the head with one recorded earlier.
    out.print("Intact. Keep the head hash somewhere else to detect truncation later.")
