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
from exohair.features.audit.queue import queue_for
from exohair.features.audit.repository import APPEND_LOCK_KEY
from exohair.features.audit.service import verify_trail
from exohair.features.photos.storage import LocalPhotoStore
from exohair.knowledge import shipped_knowledge
from exohair.web.app import create_app
from exohair.web.deps import SESSION_COOKIE
from personas import NOW

COURSE = {"regimen": "ac-t", "first_infusion": "2027-03-15", "protocol": "priming-in-cycle-regrowth"}
# The entry's columns that say who read what, when and from where (seq and the hashes differ by position).
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
