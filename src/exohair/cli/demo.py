"""`exohair demo` (a sample plan in the terminal) and `exohair demo load` (a demo clinic in the database)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import typer
from rich.table import Table

from exohair.cli import plan
from exohair.cli.console import fail, knowledge, out
from exohair.config import get_settings

demo = typer.Typer(
    help="Try exohair: a sample plan (no subcommand), or a demo clinic to sign in to (`demo load`).",
    invoke_without_command=True,
)

# Where `exohair serve` listens by default (see cli/serve.py); `make run` serves there after loading the demo.
SIGN_IN_URL = "http://127.0.0.1:8000/"


@demo.callback()
def demo_callback(ctx: typer.Context) -> None:
    """Print a sample plan for a demo patient, or (with `load`) fill an empty database with a demo clinic."""
    if ctx.invoked_subcommand is None:
        plan.demo_command()


@demo.command("load")
def load_command(
    if_empty: bool = typer.Option(
        False, "--if-empty", help="If the database already holds a clinic, say so and exit 0 instead of failing."
    ),
) -> None:
    """Load a demo clinic into the database of EXOHAIR_DATABASE_URL (which must hold no clinic yet).

    Staff of every role with demo passwords, and forty patients before, in and after chemotherapy, with their
    courses, plans, sessions, labs, consents, clearances, adverse events, stock and payments, dated relative
    to today. Every account's password is demo-<role>-only (e.g. demo-clinician-only). DEMO ONLY: the
    passwords are public, so never load it into a database with real patients.
    """
    from exohair.db.engine import make_engine, make_sessions  # imported here: see cli/accounts.py
    from exohair.features.demo.clinic import DatabaseNotEmpty, check_empty, load_demo_clinic

    settings = get_settings()
    sessions = make_sessions(make_engine(settings.database_url))
    started = time.perf_counter()
    with sessions() as session:
        try:
            check_empty(session)
        except DatabaseNotEmpty as refusal:
            if not if_empty:
                fail(refusal.message)
            out.print(
                "The database already has data; the demo clinic was not loaded. If it is the demo clinic, its "
                "accounts are <role>@demo.exohair.example with the password demo-<role>-only (see README)."
            )
            return
    with sessions.begin() as session:  # one transaction: a failure leaves the database as it was
        loaded = load_demo_clinic(session, knowledge(), now=datetime.now(UTC), timezone=settings.timezone)
    seconds = time.perf_counter() - started
    states = loaded.states
    out.print(
        f"Loaded the demo clinic [bold]{loaded.name}[/] ({loaded.timezone}) in {seconds:.1f} s: "
        f"{states.total()} patients — {states['before']} before chemotherapy, {states['in']} in chemotherapy, "
        f"{states['after']} after it, {states['no course']} without a chemo course yet."
    )
    out.print(" · ".join(f"{what}: {count}" for what, count in loaded.records.items()) + "\n")
    # Fold rather than cut with an ellipsis: a login is only useful whole, even in a narrow terminal.
    table = Table(title="Demo sign-in — DEMO ONLY: these passwords are public", title_justify="left")
    for column in ("E-mail", "Role", "Password"):
        table.add_column(column, overflow="fold")
    for login in loaded.logins:
        table.add_row(login.email, login.role.value, login.password)
    out.print(table)
    out.print(
        f"Sign in at {SIGN_IN_URL} once `exohair serve` is running (the API: POST {SIGN_IN_URL}api/v1/auth/login "
        'with {"email", "password"}).'
    )
    out.print("[yellow]Demo data only: never enter real patients into this database.[/]")
