"""The `exohair` command line. Each command group lives in its own module; commands call services."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from exohair.cli import accounts, audit, backup, catalogue, db, demo, estimate, fhir, plan, report, research, serve
from exohair.cli.console import fail
from exohair.domain.errors import DomainError
from exohair.knowledge import KnowledgeError

app = typer.Typer(
    name="exohair",
    help="Plan, gate and price exosome scalp therapy around a patient's chemotherapy calendar.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalogue.regimens, name="regimens")
app.add_typer(catalogue.protocols, name="protocols")
app.add_typer(db.db, name="db")
app.add_typer(audit.audit, name="audit")
app.add_typer(accounts.clinics, name="clinics")
app.add_typer(accounts.users, name="users")
app.command("plan")(plan.plan_command)
app.add_typer(demo.demo, name="demo")
app.command("estimate")(estimate.estimate_command)
app.command("backup")(backup.backup_command)
app.command("serve")(serve.serve_command)
app.command("report")(report.report_command)
app.add_typer(fhir.fhir, name="fhir")
app.add_typer(research.research, name="research")
app.command("restore")(backup.restore_command)


def main() -> None:
    try:
        app()
    except DomainError as error:
        fail(error.message)
    except KnowledgeError as error:
        fail(f"knowledge base: {error}")
    except ValidationError as error:  # Settings read from EXOHAIR_* at start: say which value is wrong
        fail("configuration: " + "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors()))
    sys.exit(0)
