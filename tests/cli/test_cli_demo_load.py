"""`exohair demo load`: a demo clinic in an empty database, its logins printed, and never over existing data."""

from __future__ import annotations

import pytest

from exohair.domain.access import Role
from exohair.features.demo.staff import EMAIL_DOMAIN, PASSWORDS


@pytest.fixture
def database(tmp_path) -> dict[str, str]:
    return {"EXOHAIR_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "EXOHAIR_TIMEZONE": "Europe/London"}


def test_it_refuses_a_database_that_has_not_been_migrated(run, database):
    result = run("demo", "load", env=database)
    assert result.code == 1
    assert "exohair db upgrade" in result.said


def test_it_loads_the_demo_prints_the_logins_and_then_leaves_the_database_alone(run, database):
    assert run("db", "upgrade", env=database).code == 0
    loaded = run("demo", "load", env=database)
    assert loaded.code == 0, loaded.stderr
    assert "Traceback" not in loaded.stderr
    assert "130 patients" in loaded.shown  # the roster's forty and the ninety of the clinic's past
    for role in Role:
        assert f"{role.value}@{EMAIL_DOMAIN}" in loaded.stdout or role is Role.PATIENT
        assert PASSWORDS[role] in loaded.stdout, role
    assert f"ana.reyes@{EMAIL_DOMAIN}" in loaded.stdout
    assert "DEMO ONLY" in loaded.stdout
    assert "http://127.0.0.1:8000/" in loaded.stdout

    again = run("demo", "load", env=database)
    assert again.code == 1
    assert "already holds 1 clinic(s) (exohair Demo Clinic)" in again.said
    quietly = run("demo", "load", "--if-empty", env=database)
    assert quietly.code == 0, quietly.stderr
    assert "already has data" in quietly.shown
    assert run("audit", "verify", env=database).code == 0
