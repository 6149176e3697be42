"""The database behind benchmarks/api.py: one clinic, N patients, each with an active chemo course and its plan.

Everything is made through the service layer, as the clinic would make it: `create_clinic`/`create_user`,
`register_patient`, `start_course` (which plans and files version 1 with its session rows), and for some patients
`record_infusion` (a delayed cycle 2: version 2, sessions moved) or `cancel_session` (a row laid over the plan).
Two things are written directly, because no service exists for them yet: the clinic's weekend closure and three
one-off closed days (holidays). Regimens, protocols, adjuncts, first infusions, ages and patient factors vary, so
the plans read back differ in length and content.

A built database is cached per schema (head revision and a digest of the migration scripts), BUILDER and
patient count, and never used directly: SQLite runs on a copy of the cached file, PostgreSQL on `CREATE DATABASE
... TEMPLATE` of the cached database, so every run starts from the same rows and the audit trail of one run does
not grow into the next.
"""

from __future__ import annotations

import functools
import hashlib
import random
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from exohair.db import migrate
from exohair.db.engine import make_engine, make_sessions, refresh_statistics
from exohair.db.models import Clinic, ClosedDay, Patient, TherapySession
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientIn
from exohair.features.sessions import service as sessions
from exohair.features.sessions.schemas import CancelIn
from exohair.knowledge import Knowledge, shipped_knowledge

BUILDER = 1  # bump when build() makes different rows: part of the cache key
BUILT_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the instant the rows say they were made (a Monday)
CLINIC = "Benchmark clinic"
CLINICIAN = "clinician@bench.test"
BATCH = 250  # patients per transaction while building
SEED = 20261124


@dataclass(frozen=True)
class RunDatabase:
    url: str  # what `exohair serve` gets as EXOHAIR_DATABASE_URL
    token: str  # a clinician's personal token, minted for this run
    patient_ids: list[str]
    cached: bool  # False: built in this run


@functools.cache  # once per run: a migration edited while the run builds must not change the key under it
def cache_key() -> str:
    """The schema the rows were made for: the head revision, and a digest of every migration script (they are
    sometimes edited in place before a release), and what this builder makes."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    digest = hashlib.sha256()
    for path in sorted(Path(scripts.versions).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{scripts.get_current_head()}-{digest.hexdigest()[:8]}-b{BUILDER}"


# --- SQLite --------------------------------------------------------------------------------------------------


def sqlite_run_database(cache_dir: Path, patients: int) -> RunDatabase:
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"api-{cache_key()}-{patients}.sqlite3"
    hit = cached.exists()
    if not hit:
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{building}")
        _build(engine, patients)
        with engine.connect() as connection:  # fold the WAL into the file, so one file is the whole database
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        building.rename(cached)  # only a finished build is ever found under the cached name
        for stale in cache_dir.glob(f"api-*-{patients}.sqlite3"):  # built for an older schema or builder
            if stale != cached:
                stale.unlink()
    run = cache_dir / "api-run.sqlite3"
    for leftover in (run, run.with_name(run.name + "-wal"), run.with_name(run.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(cached, run)
    return _prepare_run(f"sqlite:///{run}", cached=hit)


# --- PostgreSQL ----------------------------------------------------------------------------------------------


def postgres_run_database(url: str, patients: int) -> RunDatabase:
    """Cache in the database `url` names (default exohair_bench); run on a template copy of it."""
    target = make_url(url)
    name = target.database or "exohair_bench"
    if patients != 10_000:
        name = f"{name}_{patients}"  # a --quick run must not evict the full build
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    cached_url = target.set(database=name).render_as_string(hide_password=False)
    hit = _postgres_exists(admin, name) and _postgres_is_current(cached_url, patients)
    if not hit:
        building = f"{name}_building"
        _recreate(admin, building)
        engine = make_engine(target.set(database=building).render_as_string(hide_password=False))
        _build(engine, patients)
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    run = f"{name}_run"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{run}" TEMPLATE "{name}"'))
    admin.dispose()
    return _prepare_run(target.set(database=run).render_as_string(hide_password=False), cached=hit)


def drop_postgres_run(url: str) -> None:
    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def _postgres_exists(admin: Engine, name: str) -> bool:
    with admin.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    return found is not None


def _postgres_is_current(url: str, patients: int) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            clinic = connection.execute(select(Clinic.id).where(Clinic.name == _clinic_name())).scalar()
            count = connection.execute(select(func.count()).select_from(Patient)).scalar()
        return revision == cache_key().split("-")[0] and clinic is not None and count == patients
    except Exception:  # an older schema, a half-dropped database: rebuild
        return False
    finally:
        engine.dispose()


def _recreate(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))


# --- building ------------------------------------------------------------------------------------------------


def _prepare_run(url: str, *, cached: bool) -> RunDatabase:
    """Mint this run's clinician token (the plain token is never stored, so it cannot be cached), and refresh the
    planner's statistics as `exohair serve` does at start."""
    engine = make_engine(url)
    refresh_statistics(engine)
    with make_sessions(engine)() as session:
        clinic = session.scalars(select(Clinic).where(Clinic.name == _clinic_name())).one()
        clinician = accounts.find_user(session, clinic, CLINICIAN)
        _, token = accounts.create_token(session, clinician, "benchmarks/api.py", at=datetime.now(UTC))
        ids = [str(i) for i in session.scalars(select(Patient.id).order_by(Patient.mrn))]
        session.commit()
    engine.dispose()
    return RunDatabase(url, token, ids, cached)


def _clinic_name() -> str:
    return f"{CLINIC} {cache_key()}"  # on PostgreSQL, how a cached database says what it was built for


def _build(engine: Engine, patients: int) -> None:
    began = time.perf_counter()
    print(f"  building {patients:,} patients through the service layer (cached afterwards)...", flush=True)
    migrate.upgrade(engine)
    knowledge = shipped_knowledge()
    rng = random.Random(SEED)
    with make_sessions(engine)() as session:
        clinic = accounts.create_clinic(session, _clinic_name(), at=BUILT_AT, timezone="Europe/London")
        coordinator = accounts.create_user(
            session, clinic, email="coordinator@bench.test", display_name="Coordinator", role="coordinator",
            at=BUILT_AT,
        )  # fmt: skip
        accounts.create_user(session, clinic, email=CLINICIAN, display_name="Clinician", role="clinician", at=BUILT_AT)
        # No service edits closures yet: the weekend and three holidays, written directly.
        clinic.closed_weekdays = [5, 6]
        for day in (date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)):
            session.add(ClosedDay(clinic_id=clinic.id, day=day, reason="Holiday"))
        session.commit()
        actor = Actor(coordinator.id, clinic.id, Role.COORDINATOR, None, "127.0.0.1")
        for n in range(patients):
            _one_patient(session, actor, knowledge, rng, n)
            if (n + 1) % BATCH == 0 or n + 1 == patients:
                session.commit()
                session.expunge_all()  # keep the identity map small over thousands of patients
            if n + 1 == BATCH:
                # Statistics once there is something to count, as `exohair serve` takes them at start: without
                # them SQLite reads a course's sessions through the clinic-wide index, and each patient costs
                # more than the last (a 10,000-patient build took 315 s instead of 45 s).
                refresh_statistics(engine)
            if (n + 1) % 1000 == 0:
                print(f"    {n + 1:,} patients, {time.perf_counter() - began:,.0f} s", flush=True)
    print(f"  built in {time.perf_counter() - began:,.0f} s", flush=True)


def _one_patient(session, actor: Actor, knowledge: Knowledge, rng: random.Random, n: int) -> None:  # type: ignore[no-untyped-def]
    regimens, protocols = knowledge.regimens, knowledge.protocols
    adjuncts = [a.id for a in knowledge.adjuncts]
    born = date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 58))
    fields: dict[str, object] = {
        "mrn": f"B-{n:06d}",
        "family_name": f"Family{n}",
        "given_name": rng.choice(("Ada", "Bea", "Cal", "Dee", "Eve", "Fay")),
        "date_of_birth": born,
        "sex": rng.choice(("female",) * 8 + ("male", "other")),
        "cancer_type": rng.choice(("breast", "breast", "ovarian", "colorectal", "lung", "gastric")),
        "aga_stage": rng.choice((None, None, None, "Ludwig I", "Norwood III")),
        "conditions": rng.choice(([],) * 12 + (["cold_disorder"], ["liver_dysfunction"])),
        "anticoagulated": rng.random() < 0.05,
    }
    patient = patients.register_patient(session, actor, PatientIn.model_validate(fields), at=BUILT_AT)
    # Before, during and after chemotherapy as of the build: first infusions from 20 weeks back to 6 weeks ahead.
    first = BUILT_AT.date() + timedelta(days=rng.randrange(-140, 42))
    chosen = rng.sample(adjuncts, rng.randrange(0, len(adjuncts) + 1))
    data = CourseIn(
        regimen=regimens[n % len(regimens)].id,
        first_infusion=first,
        protocol=protocols[rng.randrange(len(protocols))].id,
        adjuncts=chosen,
    )
    started = courses.start_course(session, actor, patient.id, data, knowledge, at=BUILT_AT)
    roll = rng.random()
    if roll < 0.10:  # a delayed cycle 2: plan version 2, later sessions moved
        record = InfusionRecordIn(version=started.course.version, cycle=2, delay_days=rng.choice((3, 7, 14)))
        courses.record_infusion(session, actor, started.course.id, record, knowledge, at=BUILT_AT)
    elif roll < 0.15:  # one planned session cancelled by hand: the row is laid over the rebuilt plan
        rows = session.scalars(
            select(TherapySession).where(
                TherapySession.course_id == started.course.id, TherapySession.status == "planned"
            )
        ).all()
        if rows:
            row = rng.choice(rows)
            sessions.cancel_session(session, actor, row.id, CancelIn(version=row.version, reason="Patient declined"),
                                    at=BUILT_AT)  # fmt: skip
