"""A read's answer leaves only once its audit entry is committed; if it cannot be, the answer is withheld."""

from __future__ import annotations

from sqlalchemy import func, select

from exohair.db.engine import make_engine
from exohair.db.models import AuditEntry
from exohair.domain.access import Role
from exohair.features.audit.reads import ReadAuditAppender

COURSE = {"regimen": "ac-t", "first_infusion": "2027-03-15", "protocol": "priming-regrowth"}


def _entries(api) -> int:
    api.session.rollback()  # a fresh snapshot
    return api.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_a_plan_read_is_in_the_trail_when_its_answer_arrives(api):
    patient = api.world.ada.id
    assert api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{patient}/courses", json=COURSE).status_code == 201
    before = _entries(api)
    for n in range(1, 4):
        assert api.as_(Role.CLINICIAN).get(f"/api/v1/patients/{patient}/plan").status_code == 200
        assert _entries(api) == before + n


def test_a_read_whose_entry_cannot_be_committed_is_answered_503_and_discloses_nothing(api, tmp_path):
    patient = api.world.ada.id
    assert api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{patient}/courses", json=COURSE).status_code == 201
    # The token's first use notes when it was used (a write, which seals its own entry): get that out of the way.
    assert api.as_(Role.CLINICIAN).get(f"/api/v1/patients/{patient}/plan").status_code == 200
    before = _entries(api)
    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")  # no audit_entries table: every batch fails
    api.client.app.state.read_audits = ReadAuditAppender(broken)
    # On PostgreSQL the plan lane commits on the event loop with an appender of its own, whose failure
    # test_plan_lane.py tests; without it (as in an app not started through its lifespan) it uses this one.
    api.client.app.state.loop_database = None
    answer = api.as_(Role.CLINICIAN).get(f"/api/v1/patients/{patient}/plan")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "audit_unavailable"
    assert "sessions" not in answer.text
    assert str(patient) not in answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["x-frame-options"] == "DENY"  # the security headers still apply
    assert _entries(api) == before
    broken.dispose()


def test_a_write_commits_its_entry_with_its_change_without_the_appender(api, tmp_path):
    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")
    api.client.app.state.read_audits = ReadAuditAppender(broken)
    before = _entries(api)
    answer = api.as_(Role.COORDINATOR).post(f"/api/v1/patients/{api.world.ada.id}/courses", json=COURSE)
    assert answer.status_code == 201  # a write never waits for the read appender
    assert _entries(api) > before
    broken.dispose()
