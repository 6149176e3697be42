"""Shared console plumbing for commands: where output goes, how errors are said, the clinic's knowledge."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from exohair.config import get_settings
from exohair.domain.evidence import Basis
from exohair.knowledge import Knowledge, load_knowledge

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def clinic_today() -> date:
    """Today's date where the clinic is: dates of care are calendar dates in the clinic's time zone."""
    return datetime.now(UTC).astimezone(ZoneInfo(get_settings().timezone)).date()


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    sys.exit(1)


def clinic_database() -> sessionmaker[Session]:
    """Sessions on the configured database, or a plain error if it was never migrated (for the commands that read
    a clinic's records). Imported here, not at the top: the planning commands never need the database."""
    from sqlalchemy import inspect

    from exohair.db.engine import make_engine, make_sessions

    engine = make_engine(get_settings().database_url)
    if not inspect(engine).has_table("clinics"):
        fail("The database has no tables yet: run `exohair db upgrade` first.")
    return make_sessions(engine)


def knowledge() -> Knowledge:
    """The knowledge in force: shipped files, replaced by the clinic's overrides that validate."""
    loaded = load_knowledge(get_settings().knowledge_dir)
    for refusal in loaded.refusals:
        err.print(f"[yellow]warning:[/] override refused, shipped file kept: {refusal}")
    return loaded.knowledge


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        # "2027-02-30" has the right shape but no such day: say which, rather than repeat the format.
        why = f" ({error})" if len(value) == 10 and value[4] == value[7] == "-" else ""
        raise typer.BadParameter(
            f"'{value}' is not a date{why}; use YYYY-MM-DD, e.g. 2027-03-01.", param_hint=option
        ) from None


def basis_text(basis: Basis) -> str:
    """'V: Watanabe 2019 …', with a visible flag on values that need verification (R and D)."""
    tag = basis.evidence.value
    source = basis.source if basis.source.startswith(f"{tag}:") else f"{tag}: {basis.source}"
    flag = " [yellow](needs verification)[/]" if basis.needs_verification else ""
    return f"[dim]{source}[/]{flag}"


def print_json_data(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, never wrapped or coloured by the terminal renderer."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
