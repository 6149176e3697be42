"""The schema is what the migrations build, and the models describe exactly that schema."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import exohair.db.models  # noqa: F401
from exohair.db import migrate
from exohair.db.base import Base
from exohair.db.engine import make_engine, make_sessions
from exohair.db.models import Clinic, Patient
from factories import patient_row

TABLES = {"clinics", "sites", "users", "patients", "audit_entries", "api_tokens"}


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_the_models_and_the_migrations_agree(engine):
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _differences(engine) == []


def test_downgrade_and_upgrade_round_trip(engine):
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    migrate.upgrade(engine)
    assert _differences(engine) == []


def _patient(clinic: Clinic, mrn: str) -> Patient:
    return patient_row(clinic.id, mrn)


def test_a_stale_update_fails_and_changes_nothing(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        clinic = Clinic(name="North")
        session.add(clinic)
        session.flush()
        patient = _patient(clinic, "MRN-1")
        session.add(patient)
    with sessions() as first, sessions() as second:
        mine = first.get(Patient, patient.id)
        theirs = second.get(Patient, patient.id)
        mine.cancer_stage = "IIA"
        first.commit()
        theirs.cancer_stage = "IIIB"
        with pytest.raises(StaleDataError):
            second.commit()
    with sessions() as session:
        stored = session.get(Patient, patient.id)
        assert stored.cancer_stage == "IIA"
        assert stored.version == 2


def test_an_mrn_is_unique_within_a_clinic_but_not_across_clinics(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        north, south = Clinic(name="North"), Clinic(name="South")
        session.add_all([north, south])
        session.flush()
        session.add_all([_patient(north, "MRN-7"), _patient(south, "MRN-7")])
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(_patient(north, "MRN-7"))


def test_foreign_keys_are_enforced(engine):
    migrate.upgrade(engine)
    with pytest.raises(IntegrityError), make_sessions(engine).begin() as session:
        session.add(_patient(Clinic(id=uuid.uuid4(), name="ghost"), "MRN-9"))  # the clinic was never saved


def test_instants_come_back_as_aware_utc(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        clinic = Clinic(name="North")
        session.add(clinic)
    with sessions() as session:
        created = session.get(Clinic, clinic.id).created_at
    assert created.tzinfo is not None
    assert created.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
