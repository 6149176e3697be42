"""`exohair clinics create` and `exohair users create | token create | token revoke`."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import typer

from exohair.cli.console import out
from exohair.config import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# The database layer (SQLAlchemy, argon2, the models) is imported inside each command: `exohair plan` and the
# catalogue commands never touch it, and importing it at start-up cost them ~0.45 s.

clinics = typer.Typer(help="Clinics sharing this database (each sees only its own records).", no_args_is_help=True)
users = typer.Typer(help="Accounts and their API tokens.", no_args_is_help=True)
tokens = typer.Typer(help="Personal API tokens (Authorization: Bearer ...).", no_args_is_help=True)
users.add_typer(tokens, name="token")


def _sessions() -> sessionmaker[Session]:
    from exohair.db.engine import make_engine, make_sessions

    return make_sessions(make_engine(get_settings().database_url))


def _now() -> datetime:
    return datetime.now(UTC)


@clinics.command("create")
def create_clinic(
    name: str = typer.Argument(..., help="The clinic's name."),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA time zone of the clinic, e.g. Europe/London."),
    currency: str = typer.Option("USD", "--currency", help="ISO 4217 currency of its prices."),
) -> None:
    """Create a clinic."""
    from exohair.features.accounts import service

    with _sessions().begin() as session:
        clinic = service.create_clinic(session, name, at=_now(), timezone=timezone, currency=currency.upper())
        out.print(f"Created clinic {clinic.name} ({clinic.id}).")


@users.command("create")
def create_user(
    email: str = typer.Option(..., "--email", help="Sign-in e-mail address."),
    role: str = typer.Option(..., "--role", help="admin, coordinator, clinician, oncologist, patient or researcher."),
    name: str = typer.Option("", "--name", help="Name shown to colleagues (default: the e-mail)."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
    patient: str | None = typer.Option(None, "--patient", help="Patient record id, for a patient account."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    no_password: bool = typer.Option(False, "--no-password", help="No password: API tokens only."),
) -> None:
    """Create an account. Asks for the password unless --password-stdin or --no-password is given."""
    from exohair.features.accounts import service

    password = _password(password_stdin, no_password)
    patient_id = _uuid(patient, "--patient") if patient else None
    with _sessions().begin() as session:
        home = service.choose_clinic(session, clinic)
        user = service.create_user(
            session,
            home,
            email=email,
            display_name=name,
            role=role,
            at=_now(),
            password=password,
            patient_id=patient_id,
        )
        out.print(f"Created {user.role} account {user.email} in {home.name} ({user.id}).")


@tokens.command("create")
def create_token(
    email: str = typer.Option(..., "--email", help="Whose token."),
    name: str = typer.Option("cli", "--name", help="What the token is for."),
    expires_days: int | None = typer.Option(None, "--expires-days", min=1, max=3650, help="Lifetime in days."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Create an API token. It is printed once; only its hash is kept."""
    from exohair.features.accounts import service

    now = _now()
    with _sessions().begin() as session:
        home = service.choose_clinic(session, clinic)
        user = service.find_user(session, home, email)
        expires = now + timedelta(days=expires_days) if expires_days else None
        token, plain = service.create_token(session, user, name, at=now, expires_at=expires)
    out.print(f"Token {token.prefix}… for {user.email}; copy it now, it will not be shown again:")
    sys.stdout.write(plain + "\n")


@tokens.command("revoke")
def revoke_token(
    prefix: str = typer.Argument(..., help="The token's first 12 characters, as shown when it was created."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Revoke an API token: requests that use it are refused from now on."""
    from exohair.features.accounts import service

    with _sessions().begin() as session:
        token = service.revoke_token(session, service.choose_clinic(session, clinic), prefix, at=_now())
        out.print(f"Revoked token {token.prefix}… ({token.name}).")


def _password(from_stdin: bool, none: bool) -> str | None:
    if from_stdin and none:
        raise typer.BadParameter("choose one of --password-stdin and --no-password.", param_hint="--no-password")
    if none:
        return None
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _uuid(text: str, option: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a record id.", param_hint=option) from None
