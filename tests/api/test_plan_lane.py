"""The plan lane (web/plan_lane.py) answers GET /patients/{id}/plan exactly as the route does, or leaves it to it.

Every caller × every chart is sent to two apps on the same database: the one clinics run (lane on) and one whose
plan reads all go to the route (`plan_lane=False`). Their answers (status, headers, body) and the audit entries
each request wrote must be the same; the lane must have answered the plain reads itself (its counts), and passed
every other one on.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from concurrency import failures_in_threads
from exohair.db.models import AuditEntry, TherapySession, User
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.audit.loop_appender import CONNECTION_NAME
from exohair.features.audit.queue import queue_for
from exohair.features.audit.repository import APPEND_LOCK_KEY
from exohair.features.audit.service import verify_trail
from exohair.features.clinic_settings.publishing import publish
from exohair.features.photos.storage import LocalPhotoStore
from exohair.knowledge import load_knowledge, shipped_knowledge
from exohair.web import plan_lane
from exohair.web.app import create_app
from exohair.web.deps import SESSION_COOKIE
from exohair.web.plan_lane import READER_NAME
from personas import NOW

COURSE = {"regimen": "ac-t", "first_infusion": "2027-03-15", "protocol": "priming-in-cycle-regrowth"}
# The entry's columns that say who read what, when and from where (seq and the hashes differ by position).
IN_CYCLE_V1 = "        target_offset_days: -3\n        earliest_offset_days: -5"
IN_CYCLE_V2 = "        target_offset_days: -5\n        earliest_offset_days: -5"
FULL_V1 = "  - id: priming-in-cycle-regrowth\n    name: Priming + in-cycle + regrowth\n" \
    "    synonyms: [priming in-cycle and regrowth, full]\n    version: 1"  # fmt: skip
SAID = ("at", "clinic_id", "actor_id", "action", "record_type", "record_id", "source", "changes")


@pytest.fixture
def route_only(api, tmp_path):
    """A second app on the same database, clock and knowledge, whose plan reads all go to the route."""
    app = create_app(sessions_factory=api.client.app.state.sessions, knowledge=shipped_knowledge(), clock=lambda: NOW,
                     photo_store=LocalPhotoStore(tmp_path / "photos"), plan_lane=False)  # fmt: skip
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _plans(api) -> None:
    """Ada: a course whose cycle 2 was delayed (plan version 2) and a session cancelled by hand. Bea: no course."""
    coordinator = api.as_(Role.COORDINATOR)
    started = coordinator.post(f"/api/v1/patients/{api.world.ada.id}/courses", json=COURSE)
    assert started.status_code == 201, started.text
    course = started.json()["course"]
    delayed = coordinator.post(f"/api/v1/courses/{course['id']}/infusions",
                               json={"version": course["version"], "cycle": 2, "delay_days": 7})  # fmt: skip
    assert delayed.status_code == 201, delayed.text
    planned = api.session.scalars(select(TherapySession).where(TherapySession.status == "planned")).first()
    assert planned is not None
    cancelled = coordinator.post(f"/api/v1/sessions/{planned.id}/cancel",
                                 json={"version": planned.version, "reason": "Patient asked"})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text


def _token(api, user: User, **kwargs: Any) -> str:
    _, plain = accounts.create_token(api.session, user, "lane test", at=NOW, **kwargs)
    api.session.commit()
    return plain


def _callers(api) -> dict[str, dict[str, str]]:
    """Request headers of every kind of caller: each role, both patients, another clinic, and bad credentials."""
    north = {role: api.world.users[("North", role)] for role in Role if role is not Role.PATIENT}
    callers = {role.value: {"Authorization": f"Bearer {_token(api, user)}"} for role, user in north.items()}
    callers["ada"] = {"Authorization": f"Bearer {_token(api, api.world.ada_user)}"}
    callers["bea"] = {"Authorization": f"Bearer {_token(api, api.world.bea_user)}"}
    south = api.world.users[("South", Role.CLINICIAN)]
    callers["south clinician"] = {"Authorization": f"Bearer {_token(api, south)}"}
    clinician = north[Role.CLINICIAN]
    callers["clinician, cookie"] = {"Cookie": f"{SESSION_COOKIE}={_token(api, clinician)}"}
    callers["made-up token"] = {"Authorization": "Bearer exo_" + "x" * 40}
    callers["no credentials"] = {}
    expired = _token(api, clinician, expires_at=NOW - timedelta(minutes=1))
    callers["expired token"] = {"Authorization": f"Bearer {expired}"}
    revoked_token, revoked = accounts.create_token(api.session, clinician, "revoked", at=NOW)
    accounts.revoke_token_by_id(api.session, clinician, revoked_token.id, at=NOW)
    callers["revoked token"] = {"Authorization": f"Bearer {revoked}"}
    inactive = accounts.create_user(api.session, api.world.north, email="gone@north.example", display_name="Gone",
                                    role=Role.CLINICIAN.value, at=NOW)  # fmt: skip
    callers["inactive user"] = {"Authorization": f"Bearer {_token(api, inactive)}"}
    inactive.active = False
    api.session.commit()
    return callers


def _entries_after(api, seq: int) -> list[dict[str, Any]]:
    api.session.rollback()  # a fresh snapshot
    found = api.session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq))
    return [{name: getattr(entry, name) for name in SAID} for entry in found]


def _last_seq(api) -> int:
    api.session.rollback()
    return api.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0


def test_every_caller_gets_from_the_lane_what_the_route_answers(api, route_only):
    _plans(api)
    callers = _callers(api)
    charts = {"ada": api.world.ada.id, "bea": api.world.bea.id, "south's": api.world.cal.id, "made up": uuid.uuid4()}
    for headers in callers.values():  # a token's first use is noted (a write): the route does that, once
        api.client.get(f"/api/v1/patients/{api.world.ada.id}/plan", headers=headers)
    lane = api.client.app.state.plan_lane
    served = set()
    for caller, headers in callers.items():
        for chart, patient in charts.items():
            path = f"/api/v1/patients/{patient}/plan"
            seq, was_served = _last_seq(api), lane.served
            by_lane = api.client.get(path, headers=headers)
            lane_entries = _entries_after(api, seq)
            if lane.served > was_served:
                served.add((caller, chart))
            seq = _last_seq(api)
            by_route = route_only.get(path, headers=headers)
            route_entries = _entries_after(api, seq)
            where = f"{caller} reading {chart}'s plan"
            assert by_lane.status_code == by_route.status_code, where
            assert by_lane.content == by_route.content, where
            assert by_lane.headers.items() == by_route.headers.items(), where
            assert lane_entries == route_entries, where
    staff = {"coordinator", "clinician", "oncologist", "clinician, cookie"}  # an admin may not read plans
    assert served == {(caller, "ada") for caller in staff | {"ada"}}
    assert route_only.app.state.plan_lane.served == 0
    on_postgresql = api.client.app.state.sessions.kw["bind"].dialect.name == "postgresql"
    assert lane.on_loop == (lane.served if on_postgresql else 0)  # PostgreSQL: every one on the event loop
    assert verify_trail(api.session).intact


def test_the_lane_leaves_other_spellings_of_the_path_to_the_route(api, route_only):
    _plans(api)
    headers = {"Authorization": f"Bearer {_token(api, api.world.users[('North', Role.CLINICIAN)])}"}
    patient = str(api.world.ada.id)
    api.client.get(f"/api/v1/patients/{patient}/plan", headers=headers)  # the token's first use is noted
    lane = api.client.app.state.plan_lane
    served, passed = lane.served, lane.passed
    paths = [f"/api/v1/patients/{patient.upper()}/plan", f"/api/v1/patients/{patient}/plan?x=1",
             f"/api/v1/patients/{patient}/plan/", f"/api/v1/patients/{patient.replace('-', '')}/plan"]  # fmt: skip
    for path in paths:
        by_lane = api.client.get(path, headers=headers, follow_redirects=False)
        by_route = route_only.get(path, headers=headers, follow_redirects=False)
        assert (by_lane.status_code, by_lane.content) == (by_route.status_code, by_route.content), path
    assert (lane.served, lane.passed) == (served, passed)  # none was even tried: the route answered them all
    assert api.client.get(f"/api/v1/patients/{patient}/plan", headers=headers).status_code == 200
    assert lane.served == served + 1


def test_reads_through_the_lane_and_writes_at_once_keep_one_intact_chain(api):
    """On SQLite the lane commits its entry on the event loop when the append lock is free and in a thread when
    it is not; concurrent writes seal theirs in their own transactions. Every read must be in the chain once."""
    _plans(api)
    clinician = {"Authorization": f"Bearer {_token(api, api.world.users[('North', Role.CLINICIAN)])}"}
    coordinator = api.as_(Role.COORDINATOR)
    path = f"/api/v1/patients/{api.world.ada.id}/plan"
    api.client.get(path, headers=clinician)
    lane = api.client.app.state.plan_lane
    served, seq = lane.served, _last_seq(api)
    reads, writes = 20, 5

    def work(n: int) -> None:
        if n < 4:
            for _ in range(reads):
                assert api.client.get(path, headers=clinician).status_code == 200
        else:
            for k in range(writes):
                answer = coordinator.post("/api/v1/patients", json=_patient_in(f"L-{n}-{k}"))
                assert answer.status_code == 201, answer.text

    assert failures_in_threads(work, 6) == []
    assert lane.served == served + 4 * reads
    entries = _entries_after(api, seq)
    plan_reads = [e for e in entries if e["action"] == "read" and e["record_type"] == "plan_version"]
    assert len(plan_reads) == 4 * reads
    assert len([e for e in entries if e["action"] == "create" and e["record_type"] == "patient"]) == 2 * writes
    assert verify_trail(api.session).intact


def _patient_in(mrn: str) -> dict[str, Any]:
    return {"mrn": mrn, "family_name": "Lane", "given_name": "Lee", "date_of_birth": "1980-02-03", "sex": "female",
            "cancer_type": "breast"}  # fmt: skip


def test_a_lane_answer_waits_while_another_appender_holds_the_chain(api):
    """The read's entry cannot be linked while another appender holds the chain's lock (SQLite: the append queue,
    which the lane finds taken and so waits for in a thread; PostgreSQL: the advisory lock, which the read audit
    appender waits for). The answer waits with it, then arrives, with its entry in the chain."""
    _plans(api)
    headers = {"Authorization": f"Bearer {_token(api, api.world.users[('North', Role.CLINICIAN)])}"}
    path = f"/api/v1/patients/{api.world.ada.id}/plan"
    assert api.client.get(path, headers=headers).status_code == 200  # the token's first use is noted
    seq, served = _last_seq(api), api.client.app.state.plan_lane.served
    engine = api.client.app.state.sessions.kw["bind"]
    answers: list[int] = []
    with _append_lock_held(engine):
        reader = threading.Thread(target=lambda: answers.append(api.client.get(path, headers=headers).status_code))
        reader.start()
        reader.join(timeout=0.5)
        assert reader.is_alive()  # no answer while its entry cannot be committed
    reader.join(timeout=30)
    assert answers == [200]
    assert api.client.app.state.plan_lane.served == served + 1
    assert [e["record_type"] for e in _entries_after(api, seq)] == ["plan_version"]


@contextmanager
def _append_lock_held(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "sqlite":
        queue = queue_for(engine.url.database)
        queue.acquire()
        try:
            yield
        finally:
            queue.release()
        return
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
        yield
        holder.rollback()


# PostgreSQL: the lane reads and appends on the event loop (LoopDatabase), and falls back to a thread.
def on_postgresql(test):
    return pytest.mark.postgres(pytest.mark.parametrize("engine", ["postgres"], indirect=True)(test))


def _clinician_reading_ada(api) -> tuple[dict[str, str], str]:
    _plans(api)
    headers = {"Authorization": f"Bearer {_token(api, api.world.users[('North', Role.CLINICIAN)])}"}
    path = f"/api/v1/patients/{api.world.ada.id}/plan"
    assert api.client.get(path, headers=headers).status_code == 200  # the token's first use is noted (the route)
    assert api.client.get(path, headers=headers).status_code == 200  # the lane's connections are opened
    return headers, path


def _end_connections(engine: Engine, *names: str) -> int:
    """Have the server end the connections of these application_names, as an administrator or a restart would."""
    with engine.begin() as connection:
        return len(connection.execute(
            text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND application_name = ANY(:names)"),
            {"names": list(names)},
        ).all())  # fmt: skip


def _plan_reads_after(api, seq: int) -> int:
    return len([e for e in _entries_after(api, seq) if e["record_type"] == "plan_version"])


@on_postgresql
def test_on_postgresql_connections_the_server_ended_are_replaced_before_use(api):
    headers, path = _clinician_reading_ada(api)
    lane, engine = api.client.app.state.plan_lane, api.client.app.state.sessions.kw["bind"]
    assert _end_connections(engine, READER_NAME, CONNECTION_NAME) == 2  # one to read on, the appender's
    seq, on_loop = _last_seq(api), lane.on_loop
    for _ in range(3):
        assert api.client.get(path, headers=headers).status_code == 200
    assert lane.on_loop == on_loop + 3
    assert _plan_reads_after(api, seq) == 3
    assert verify_trail(api.session).intact


@on_postgresql
def test_on_postgresql_a_read_that_fails_on_its_connection_is_made_again_in_a_thread(api, monkeypatch):
    headers, path = _clinician_reading_ada(api)
    lane, engine = api.client.app.state.plan_lane, api.client.app.state.sessions.kw["bind"]
    monkeypatch.setattr(plan_lane, "gone", lambda connection: False)  # the ended connection is not noticed
    assert _end_connections(engine, READER_NAME) == 1
    seq, served, on_loop = _last_seq(api), lane.served, lane.on_loop
    assert api.client.get(path, headers=headers).status_code == 200  # the read failed on the loop: a thread
    assert (lane.served, lane.on_loop) == (served + 1, on_loop)
    assert api.client.get(path, headers=headers).status_code == 200  # a new connection, on the loop again
    assert (lane.served, lane.on_loop) == (served + 2, on_loop + 1)
    assert _plan_reads_after(api, seq) == 2


@on_postgresql
def test_on_postgresql_a_read_whose_entry_cannot_be_committed_is_withheld(api):
    headers, path = _clinician_reading_ada(api)
    engine = api.client.app.state.sessions.kw["bind"]
    seq = _last_seq(api)
    api.session.rollback()  # the test's own transaction must not keep the table from being altered
    refuse = "ALTER TABLE audit_entries ADD CONSTRAINT refuse_all CHECK (seq < 0) NOT VALID"
    with engine.begin() as connection:
        connection.execute(text(refuse))
    try:
        withheld = api.client.get(path, headers=headers)
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_entries DROP CONSTRAINT refuse_all"))
    assert withheld.status_code == 503
    assert withheld.json()["code"] == "audit_unavailable"
    assert "sessions" not in withheld.text
    assert _plan_reads_after(api, seq) == 0
    assert api.client.get(path, headers=headers).status_code == 200  # the appender goes on with the next batch
    assert _plan_reads_after(api, seq) == 1
    assert verify_trail(api.session).intact


@on_postgresql
def test_on_postgresql_a_plan_that_needs_more_than_its_row_is_read_in_a_thread(api, route_only):
    """North publishes protocol version 2 after Ada's plan was made with version 1: rebuilding hers needs version
    1 from the database, which the read on the loop cannot reach. It is read again in a thread, as the route would."""
    headers, path = _clinician_reading_ada(api)
    texts = dict(load_knowledge().texts)
    newer = texts["protocols.yaml"].replace(IN_CYCLE_V1, IN_CYCLE_V2).replace(FULL_V1, FULL_V1[:-1] + "2")
    publish(api.session, api.world.actor(Role.ADMIN), shipped_knowledge(), "protocols.yaml", newer,
            note="In-cycle sessions earlier", seen_number=0, at=NOW)  # fmt: skip
    api.session.commit()
    lane = api.client.app.state.plan_lane
    seq, served, on_loop = _last_seq(api), lane.served, lane.on_loop
    by_lane = api.client.get(path, headers=headers)
    assert (lane.served, lane.on_loop) == (served + 1, on_loop)
    by_route = route_only.get(path, headers=headers)
    assert by_lane.status_code == 200
    assert (by_lane.content, by_lane.headers.items()) == (by_route.content, by_route.headers.items())
    assert _plan_reads_after(api, seq) == 2
