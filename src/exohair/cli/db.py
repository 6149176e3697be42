"""`exohair db upgrade|downgrade`: bring the database of EXOHAIR_DATABASE_URL to a migration revision."""

from __future__ import annotations

import typer

from exohair.cli.console import out
from exohair.config import get_settings

db = typer.Typer(help="The clinic database: migrations.", no_args_is_help=True)


@db.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision (default: the newest).")) -> None:
    """Apply migrations up to REVISION (creates an SQLite database if there is none)."""
    from exohair.db import migrate  # imported here: see cli/accounts.py
    from exohair.db.engine import make_engine, refresh_statistics

    engine = make_engine(get_settings().database_url)
    migrate.upgrade(engine, revision)
    refresh_statistics(engine)
    out.print(f"Database at {engine.url.render_as_string(hide_password=True)} is at revision {revision}.")


@db.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Undo migrations down to REVISION. Data in dropped tables is lost: back up first."""
    from exohair.db import migrate  # imported here: see cli/accounts.py
    from exohair.db.engine import make_engine

    engine = make_engine(get_settings().database_url)
    migrate.downgrade(engine, revision)
    out.print(f"Database at {engine.url.render_as_string(hide_password=True)} is at revision {revision}.")
