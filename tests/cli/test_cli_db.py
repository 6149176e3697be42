"""`exohair db upgrade` builds the clinic database from the migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from exohair.db.engine import make_engine, make_sessions
from exohair.features.audit.service import record_event


def test_db_upgrade_creates_the_sqlite_database_with_every_table(run, tmp_path):
    path = tmp_path / "clinic" / "exohair.sqlite3"  # the directory does not exist yet
    result = run("db", "upgrade", env={"EXOHAIR_DATABASE_URL": f"sqlite:///{path}"})
    assert result.code == 0, result.stderr
    assert "is at revision head" in " ".join(result.stdout.split())  # the terminal may wrap a long path
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"clinics", "sites", "users", "patients", "alembic_version"} <= tables


def test_audit_verify_passes_an_intact_trail_and_fails_a_tampered_one(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'exohair.sqlite3'}"
    assert run("db", "upgrade", env={"EXOHAIR_DATABASE_URL": url}).code == 0
    engine = make_engine(url)
    with make_sessions(engine).begin() as session:
        for action in ("create", "read"):
            record_event(session, at=datetime(2027, 3, 1, tzinfo=UTC), action=action, record_type="patient")
    intact = run("audit", "verify", env={"EXOHAIR_DATABASE_URL": url})
    assert intact.code == 0, intact.stderr
    assert "2 entries" in intact.stdout
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
        connection.exec_driver_sql("UPDATE audit_entries SET action = 'delete' WHERE seq = 1")
    tampered = run("audit", "verify", env={"EXOHAIR_DATABASE_URL": url})
    assert tampered.code == 1
    assert "entry 1" in tampered.stdout
    assert "tampered" in tampered.stdout


def test_accounts_and_tokens_from_the_command_line(run, tmp_path):
    env = {"EXOHAIR_DATABASE_URL": f"sqlite:///{tmp_path / 'exohair.sqlite3'}"}
    assert run("db", "upgrade", env=env).code == 0
    no_clinic = run("users", "create", "--email", "ada@north.org", "--role", "admin", "--no-password", env=env)
    assert no_clinic.code == 1
    assert "exohair clinics create" in no_clinic.stderr
    assert run("clinics", "create", "North", "--timezone", "Europe/London", env=env).code == 0
    bad_role = run("users", "create", "--email", "ada@north.org", "--role", "surgeon", "--no-password", env=env)
    assert bad_role.code == 1
    assert "'surgeon' is not a role" in bad_role.stderr
    created = run("users", "create", "--email", "ada@north.org", "--role", "admin", "--no-password", env=env)
    assert created.code == 0, created.stderr
    issued = run("users", "token", "create", "--email", "ada@north.org", env=env)
    assert issued.code == 0, issued.stderr
    plain = issued.stdout.strip().splitlines()[-1]
    assert plain.startswith("exo_")
    revoked = run("users", "token", "revoke", plain[:12], env=env)
    assert revoked.code == 0, revoked.stderr
    again = run("users", "token", "revoke", plain[:12], env=env)
    assert again.code == 1
    assert "No active token" in again.stderr
