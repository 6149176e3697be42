"""The data behind benchmarks/analytics.py: a synthetic registry with visits, as Parquet and as a clinic's database.

SYNTHETIC: the outcomes come from `exohair.domain.simulation.synthetic_registry` (a seeded generator with known
effects), never from patients, and show nothing about what exosome therapy does.

Visits. The generator gives each patient her outcomes (preserved at four weeks or not, days to regrowth and to
going without a head cover, each observed or censored at the end of follow-up). `synthetic_visits` makes the
assessments a clinic would have recorded for them, vectorised, so that reading the endpoints back off the visits
(`domain.statistics.endpoints.read_endpoints`, as the clinic's registry does) gives the generator's time-to-event
outcomes exactly, and its four-week outcome for about 98% (not those the generator leaves unassessed while
a later visit falls in the four-week window). Per patient, days counted from the last infusion:

    −42  mid-chemotherapy, clinician: Dean 0–1 if she keeps her hair, 1–2 if not
      0  end of chemotherapy, clinician (if assessed at four weeks): Dean 1–2 kept, 3–4 lost
     28  four weeks on, clinician (if assessed and seen after chemotherapy): Dean 2 kept (0–1 if already
         regrown), 3–4 lost
      R  regrowth (if observed), clinician: Dean 0–1
      C  first day without a head cover (if observed, and not on R or 28), the patient herself: Dean 0–1
      F  end of follow-up (if something is censored), clinician: Dean 0–1 if regrown, else 2–3
  C+28..84  a last clinician visit when both events were seen

That is 1 to 6 visits, about 5.3 on average. A head cover is worn ("sometimes"; "always" at Dean 3–4) at every
visit after chemotherapy before C, and none from C on; during chemotherapy none at Dean 0–1. CTCAE grade from the
Dean score (0 → 0, 1–2 → 1, 3–4 → 2) and density = baseline × share kept at that Dean score (0.97, 0.85, 0.62,
0.38, 0.15) × (1 + 4% noise), baseline N(190, 35) hairs/cm² clipped to 80..320, both on clinician visits only.

Caching. Parquet files are keyed by a digest of the generator's source and this file; the databases also by the
migrations (head revision and a digest of the scripts, as api_data.py keys its own). SQLite: a file in the cache
directory, read in place (every round rolls back, so the file never changes). PostgreSQL: the database
`exohair_bench_analytics`, recognised by the clinic's name, which carries the key and is set only when the build
has finished.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.engine import make_url

from exohair.db import migrate
from exohair.db.engine import make_engine, make_sessions, refresh_statistics
from exohair.db.models import (
    AdverseEvent,
    Assessment,
    ChemoCourse,
    Clinic,
    ConsentRecord,
    Patient,
    PlanVersion,
    ProductLot,
    TherapySession,
)
from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.simulation import registry as generator
from exohair.domain.statistics.endpoints import read_endpoints
from exohair.features.accounts import service as accounts
from exohair.knowledge import shipped_knowledge

SEED = 20261125  # the registry; visits and database rows draw from SEED + 1 and SEED + 2
AT = datetime(2028, 6, 1, 9, 0, tzinfo=UTC)  # the report's instant: after every visit the rows hold
CLINIC = "Analytics benchmark"
DATABASE = "exohair_bench_analytics"
PATIENT_COLUMNS = ["patient_key", "regimen", "risk_class", "protocol", "adjuncts", "site", "period", "age_years",
                   "age_band"]  # fmt: skip
VISIT_COLUMNS = ["patient_key", "days", "source", "dean_score", "ctcae_grade", "head_cover", "density"]
# The generator's regimen labels as catalogue ids of the same CIA risk class. The catalogue's weekly paclitaxel
# (apt, with trastuzumab) is high risk where the generator's is moderate, so a moderate regimen stands in for it.
REGIMEN_IDS = {"AC": "ac", "AC-T": "ac-t", "TC": "tc", "FEC-D": "fec-d", "paclitaxel-weekly": "gem-cis",
               "CMF": "cmf", "FOLFOX": "folfox"}  # fmt: skip
_KEPT_SHARE = np.array([0.97, 0.85, 0.62, 0.38, 0.15])  # density kept at Dean 0..4 (synthetic)
_CTCAE = np.array([0.0, 1.0, 1.0, 2.0, 2.0])
_PERIOD_START = {"2025-H1": date(2025, 1, 1), "2025-H2": date(2025, 7, 1), "2026-H1": date(2026, 1, 1),
                 "2026-H2": date(2026, 7, 1)}  # fmt: skip


# --- arrays --------------------------------------------------------------------------------------------------


def synthetic_visits(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """The assessments behind the frame's outcomes (module docstring), with `patient` (row in frame) first."""
    n = len(frame)
    p = frame["preserved"].to_numpy(float)
    r_days, r_event = frame["regrowth_days"].to_numpy(float), frame["regrowth_event"].to_numpy(bool)
    c_days, c_event = frame["cover_free_days"].to_numpy(float), frame["cover_free_event"].to_numpy(bool)
    assert not (c_event & ~r_event).any(), "the generator sees going cover-free only after regrowth"
    kept, lost = p == 1.0, p == 0.0
    never = np.isnan(r_days)
    low = rng.integers(0, 2, n)  # a Dean score of 0 or 1, drawn once and reused where one is needed
    bad = rng.integers(3, 5, n)  # 3 or 4
    at_28 = (kept | lost) & ~never & ~(r_event & (r_days == 28))  # a regrowth visit on day 28 is that visit
    censored_at = ~never & ~c_event & ~(r_event & (r_days == c_days))
    mid = np.where(kept, low, np.where(lost, 1 + low, rng.integers(0, 3, n)))
    parts = [  # (which patients, day, by the patient herself, Dean score)
        (np.ones(n, bool), np.full(n, -42.0), False, mid),
        (kept | lost, np.zeros(n), False, np.where(kept, 1 + low, bad)),
        (at_28, np.full(n, 28.0), False, np.where(kept, np.where(r_event & (r_days < 28), low, 2), bad)),
        (r_event, r_days, False, low),
        (c_event & (c_days != r_days) & ~(at_28 & (c_days == 28)), c_days, True, low),
        (censored_at, c_days, False, np.where(r_event, low, 2 + low)),
        (r_event & c_event, c_days + rng.integers(28, 85, n), False, np.zeros(n, np.int64)),
    ]  # fmt: skip
    patient = np.concatenate([np.flatnonzero(mask) for mask, *_ in parts])
    days = np.concatenate([day[mask] for mask, day, _, _ in parts]).astype(np.int64)
    by_patient = np.concatenate([np.full(int(mask.sum()), own) for mask, _, own, _ in parts])
    dean = np.concatenate([score[mask] for mask, _, _, score in parts]).astype(np.int64)
    order = np.lexsort((days, patient))
    patient, days, by_patient, dean = patient[order], days[order], by_patient[order], dean[order]
    cover_free = c_event[patient] & (days >= c_days[patient])
    cover = np.where(days > 0, np.where(cover_free, "none", np.where(dean >= 3, "always", "sometimes")),
                     np.where(dean <= 1, "none", np.where(dean >= 3, "always", "sometimes")))  # fmt: skip
    baseline = np.clip(rng.normal(190.0, 35.0, n), 80.0, 320.0)
    density = baseline[patient] * _KEPT_SHARE[dean] * (1 + rng.normal(0.0, 0.04, patient.size))
    return pd.DataFrame(
        {
            "patient": patient,
            "patient_key": frame["patient_key"].to_numpy()[patient],
            "days": days,
            "source": np.where(by_patient, "patient", "clinician").astype(object),
            "dean_score": dean.astype(np.float64),
            "ctcae_grade": np.where(by_patient, np.nan, _CTCAE[dean]),
            "head_cover": cover.astype(object),
            "density": np.where(by_patient, np.nan, np.round(density, 1)),
        }
    )


def agreement(frame: pd.DataFrame, visits: pd.DataFrame) -> dict[str, float]:
    """Share of patients whose outcome read off the visits equals the generator's, per outcome column."""
    endpoints = tuple(e for e in shipped_knowledge().endpoints if e.id != "preserved_ctcae")
    read = read_endpoints(endpoints, visits, pd.Index(frame["patient_key"]))
    shares = {}
    for column in ("preserved", "regrowth_days", "regrowth_event", "cover_free_days", "cover_free_event"):
        ours, theirs = read[column].to_numpy(), frame[column].to_numpy()
        same = (ours == theirs) | (pd.isna(ours) & pd.isna(theirs))
        shares[column] = float(np.mean(same))
    return shares


def generate(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = generator.synthetic_registry(np.random.default_rng(SEED), n)
    return frame, synthetic_visits(np.random.default_rng(SEED + 1), frame)


@functools.cache
def arrays_key() -> str:
    digest = hashlib.sha256(inspect.getsource(generator).encode() + Path(__file__).read_bytes())
    return digest.hexdigest()[:10]


@dataclass(frozen=True)
class ArrayFiles:
    patients: Path
    visits: Path
    rows: int  # visits
    cached: bool


def parquet_files(cache_dir: Path, n: int) -> ArrayFiles:
    cache_dir.mkdir(parents=True, exist_ok=True)
    patients = cache_dir / f"analytics-{arrays_key()}-{n}-patients.parquet"
    visits = patients.with_name(patients.name.replace("-patients", "-visits"))
    cached = patients.exists() and visits.exists()
    if not cached:
        began = time.perf_counter()
        print(f"  generating {n:,} synthetic patients and their visits (cached afterwards)...", flush=True)
        frame, made = generate(n)
        shares = agreement(frame, made)
        print("  read back off the visits, same as generated: "
              + ", ".join(f"{c} {100 * s:.2f}%" for c, s in shares.items()), flush=True)  # fmt: skip
        assert min(shares[c] for c in shares if c != "preserved") == 1.0, "time-to-event outcomes must agree"
        for stale in cache_dir.glob(f"analytics-*-{n}-*.parquet"):
            stale.unlink()
        frame.to_parquet(patients.with_suffix(".building"), index=False)
        made.drop(columns="patient").to_parquet(visits.with_suffix(".building"), index=False)
        patients.with_suffix(".building").rename(patients)
        visits.with_suffix(".building").rename(visits)
        print(f"  written in {time.perf_counter() - began:.1f} s", flush=True)
    rows = pd.read_parquet(visits, columns=["days"]).shape[0]
    return ArrayFiles(patients, visits, rows, cached)


# --- databases -----------------------------------------------------------------------------------------------


@functools.cache  # once per run, like api_data.cache_key
def database_key() -> str:
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    digest = hashlib.sha256(arrays_key().encode())
    for path in sorted(Path(scripts.versions).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{scripts.get_current_head()}-{digest.hexdigest()[:8]}"


def clinic_name(n: int) -> str:
    return f"{CLINIC} {database_key()} n={n}"


def sqlite_database(cache_dir: Path, n: int) -> tuple[str, bool]:
    """The URL of the cached SQLite database of n patients (built first if needed), and whether it was cached."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"analytics-{database_key()}-{n}.sqlite3"
    if cached.exists():
        return f"sqlite:///{cached}", True
    building = cached.with_suffix(".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    build(engine, n)
    with engine.connect() as connection:  # fold the WAL into the file, so one file is the whole database
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    for stale in cache_dir.glob(f"analytics-*-{n}.sqlite3*"):
        stale.unlink()
    building.rename(cached)
    return f"sqlite:///{cached}", False


def postgres_database(url: str, n: int) -> tuple[str, bool]:
    """The URL of `exohair_bench_analytics` on the server `url` names, rebuilt unless it holds this build."""
    target = make_url(url).set(database=DATABASE)
    own = target.render_as_string(hide_password=False)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DATABASE}).first()
    if exists and _holds_build(own, n):
        admin.dispose()
        return own, True
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    engine = make_engine(own)
    build(engine, n)
    engine.dispose()
    return own, False


def _holds_build(url: str, n: int) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(Clinic.id).where(Clinic.name == clinic_name(n))).first() is not None
    except Exception:  # no schema yet, a half-built database: rebuild
        return False
    finally:
        engine.dispose()


def clinic_id(url: str, n: int) -> uuid.UUID:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(select(Clinic.id).where(Clinic.name == clinic_name(n))).scalar_one()
    engine.dispose()
    return found


@dataclass(frozen=True)
class Cohort:
    """What the build puts in the database, reproducible from SEED alone (the run checks the registry against it)."""

    frame: pd.DataFrame
    visits: pd.DataFrame
    consented: np.ndarray  # registry consent signed and standing
    signed: np.ndarray  # signed at all (some later withdrawn)


def cohort(n: int) -> Cohort:
    frame, visits = generate(n)
    rng = np.random.default_rng(SEED + 2)
    signed = rng.random(n) < 0.97
    withdrawn = signed & (rng.random(n) < 0.01)
    return Cohort(frame, visits, signed & ~withdrawn, signed)


def build(engine: Engine, n: int) -> None:
    """Migrations, a clinic through the service layer, then the rows in bulk (Core executemany)."""
    began = time.perf_counter()
    print(f"  building {n:,} patients in {engine.dialect.name} (cached afterwards)...", flush=True)
    migrate.upgrade(engine)
    with make_sessions(engine)() as session:
        clinic = accounts.create_clinic(session, f"{CLINIC} (building)", at=AT - timedelta(days=1200))
        session.commit()
        clinic_id_ = clinic.id
    tables = {"patients": Patient, "chemo_courses": ChemoCourse, "plan_versions": PlanVersion,
              "consents": ConsentRecord, "product_lots": ProductLot, "therapy_sessions": TherapySession,
              "adverse_events": AdverseEvent, "assessments": Assessment}  # fmt: skip
    offsets = _regimen_offsets()
    counts = {}
    with engine.begin() as connection:
        for table, rows in _rows(cohort(n), clinic_id_, offsets):
            model = tables[table]
            for start in range(0, len(rows), 20_000):
                connection.execute(insert(model), rows[start : start + 20_000])
            counts[table] = len(rows)
        connection.execute(update(Clinic).where(Clinic.id == clinic_id_).values(name=clinic_name(n)))
    refresh_statistics(engine)
    print("  rows: " + ", ".join(f"{t} {c:,}" for t, c in counts.items()), flush=True)
    print(f"  built in {time.perf_counter() - began:,.0f} s", flush=True)


def _regimen_offsets() -> dict[str, tuple[int, int]]:
    """Per catalogue regimen: days from the first infusion to the last cytotoxic one and to the end of chemo."""
    knowledge = shipped_knowledge()
    start = date(2026, 1, 5)
    offsets = {}
    for regimen_id in REGIMEN_IDS.values():
        calendar = build_chemo_calendar(knowledge.regimen(regimen_id), start)
        offsets[regimen_id] = ((calendar.last_cytotoxic_infusion - start).days, (calendar.end_of_chemo - start).days)
    return offsets


def period_start(period: str) -> date:
    return _PERIOD_START[period]


# --- rows ----------------------------------------------------------------------------------------------------

MADE = AT - timedelta(days=1)  # created_at/updated_at of every bulk row
_NAMES = ("Ada", "Bea", "Cal", "Dee", "Eve", "Fay")
_LOTS = [("ExoScalp", "adipose-derived MSC", "Vesica Labs"), ("HairVes", "umbilical-cord MSC", "Nordic Exo")]
_SESSIONS = {  # protocol -> (kind, days from the first infusion or, for regrowth, from the last)
    "priming-regrowth": [("priming", -14), ("priming", -7), ("regrowth", 14), ("regrowth", 42), ("regrowth", 70)],
    "priming-in-cycle-regrowth": [("priming", -14), ("in_cycle", 10), ("in_cycle", 31), ("regrowth", 14),
                                  ("regrowth", 42), ("regrowth", 70)],
    "regrowth-only": [("regrowth", 14), ("regrowth", 42), ("regrowth", 70)],
    "observation-only": [],
}  # fmt: skip


def _uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    raw = rng.bytes(16 * n)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * n, 16)]


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _born(first: date, age: int, days_before: int) -> date:
    """A birth date making her `age` whole years old on `first` (age_on), `days_before` (< 365) days earlier."""
    try:
        anniversary = first.replace(year=first.year - age)
    except ValueError:  # 29 February
        anniversary = first.replace(year=first.year - age, day=28)
    return anniversary - timedelta(days=days_before)


def _rows(c: Cohort, clinic: uuid.UUID, offsets: dict[str, tuple[int, int]]) -> list[tuple[str, list[dict]]]:  # type: ignore[type-arg]
    """Every row of the build, table by table in foreign-key order (plain dicts for Core executemany)."""
    rng = np.random.default_rng(SEED + 3)
    n, f = len(c.frame), c.frame
    stamp = {"clinic_id": clinic, "created_at": MADE, "updated_at": MADE}
    patient_ids, course_ids, plan_ids = _uuids(rng, n), _uuids(rng, n), _uuids(rng, n)
    start_day = rng.integers(0, 181, n)
    born_before = rng.integers(0, 365, n)
    male = rng.random(n) < 0.1
    patients, courses, plans, consents = [], [], [], []
    first_days, last_days = [], []
    columns = zip(f["regimen"], f["protocol"], f["adjuncts"], f["period"], f["age_years"], strict=True)
    for i, (label, protocol, adjuncts, period, age) in enumerate(columns):
        regimen = REGIMEN_IDS[label]
        first = period_start(period) + timedelta(days=int(start_day[i]))
        last, end = (first + timedelta(days=d) for d in offsets[regimen])
        first_days.append(first)
        last_days.append(last)
        given = _NAMES[i % len(_NAMES)]
        patients.append(stamp | {
            "id": patient_ids[i], "version": 1, "mrn": f"A-{i:07d}", "family_name": f"Family{i}",
            "given_name": given, "date_of_birth": _born(first, int(age), int(born_before[i])),
            "sex": "male" if male[i] else "female",
            "cancer_type": {"folfox": "colorectal", "gem-cis": "lung"}.get(regimen, "breast"),
            "aga_family_history": False, "conditions": [], "anticoagulated": False,
        })  # fmt: skip
        courses.append(stamp | {
            "id": course_ids[i], "version": 1, "patient_id": patient_ids[i], "regimen_id": regimen,
            "first_infusion": first, "end_of_chemo": end, "last_cytotoxic_infusion": last, "status": "active",
        })  # fmt: skip
        plans.append(stamp | {
            "id": plan_ids[i], "patient_id": patient_ids[i], "course_id": course_ids[i], "number": 1,
            "current": True, "protocol_id": protocol, "protocol_version": 1,
            "adjuncts": adjuncts.split("+") if adjuncts else [], "reason": "Course started",
            "planned_from": first - timedelta(days=28), "sessions": [], "moved": [],
        })  # fmt: skip
        if c.signed[i]:
            withdrawn = None if c.consented[i] else _instant(last + timedelta(days=60))
            consents.append(stamp | {
                "id": uuid.UUID(bytes=rng.bytes(16), version=4), "version": 1, "patient_id": patient_ids[i],
                "scope": "registry", "document_version": "REG-1", "signed_by": given,
                "signed_at": _instant(first - timedelta(days=14)), "withdrawn_at": withdrawn,
            })  # fmt: skip
    lot_ids = _uuids(rng, 6)
    lots = [stamp | {
        "id": lot_ids[k], "version": 1, "product": _LOTS[k % 2][0], "source_cells": _LOTS[k % 2][1],
        "manufacturer": _LOTS[k % 2][2], "lot_number": f"L-{2025 + k // 3}-{k:02d}",
        "expires_on": date(2029, 1, 1), "regulatory_reference": "IND 000000 (synthetic)", "stock_on_hand": 0,
    } for k in range(6)]  # fmt: skip
    sessions, events = _sessions(rng, c, stamp, patient_ids, course_ids, first_days, last_days, lot_ids)
    return [("patients", patients), ("chemo_courses", courses), ("plan_versions", plans), ("consents", consents),
            ("product_lots", lots), ("therapy_sessions", sessions), ("adverse_events", events),
            ("assessments", _assessments(rng, c, stamp, patient_ids, last_days))]  # fmt: skip


def _sessions(rng, c, stamp, patient_ids, course_ids, first_days, last_days, lot_ids):  # type: ignore[no-untyped-def]
    """Performed sessions of the therapy protocols, each with a lot (by quarter), and adverse events after 1.5%."""
    sessions, events = [], []
    for i, protocol in enumerate(c.frame["protocol"]):
        for k, (kind, offset) in enumerate(_SESSIONS[protocol], start=1):
            on = (last_days[i] if kind == "regrowth" else first_days[i]) + timedelta(days=offset)
            lot = lot_ids[(on.year * 4 + (on.month - 1) // 3) % len(lot_ids)]
            session_id = uuid.UUID(bytes=rng.bytes(16), version=4)
            sessions.append(stamp | {
                "id": session_id, "version": 1, "patient_id": patient_ids[i], "course_id": course_ids[i],
                "key": f"{kind}-{k}", "kind": kind, "label": f"{kind.replace('_', '-').title()} session {k}",
                "planned_on": on, "status": "performed", "performed_on": on, "performed_at": _instant(on),
                "product_lot_id": lot, "dose_ml": 2.0, "scalp_sites": ["vertex", "frontal"],
            })  # fmt: skip
            if rng.random() < 0.015:
                grade = int(rng.choice([1, 2, 3], p=[0.8, 0.17, 0.03]))
                events.append(stamp | {
                    "id": uuid.UUID(bytes=rng.bytes(16), version=4), "version": 1, "patient_id": patient_ids[i],
                    "session_id": session_id, "product_lot_id": lot if rng.random() < 0.5 else None,
                    "onset_on": on + timedelta(days=1),
                    "ctcae_term": str(rng.choice(["Scalp pain", "Injection site reaction", "Headache"])),
                    "grade": grade, "serious": grade >= 3 and rng.random() < 0.3,
                    "relatedness": str(rng.choice(["unrelated", "unlikely", "possible", "probable", "definite"])),
                    "resolved_on": on + timedelta(days=8),
                })  # fmt: skip
    return sessions, events


def _assessments(rng, c, stamp, patient_ids, last_days):  # type: ignore[no-untyped-def]
    v = c.visits
    ids = _uuids(rng, len(v))
    last = np.array([d.toordinal() for d in last_days])[v["patient"].to_numpy()] + v["days"].to_numpy()
    columns = zip(v["patient"], last, v["source"], v["dean_score"], v["ctcae_grade"], v["head_cover"], v["density"],
                  strict=True)  # fmt: skip
    return [stamp | {
        "id": ids[k], "version": 1, "patient_id": patient_ids[patient], "assessed_on": date.fromordinal(int(on)),
        "source": source, "dean_score": int(dean), "ctcae_grade": None if ctcae != ctcae else int(ctcae),
        "head_cover": cover, "measurements": [] if density != density else [{"site": "vertex",
                                                                             "density_per_cm2": float(density)}],
    } for k, (patient, on, source, dean, ctcae, cover, density) in enumerate(columns)]  # fmt: skip
