"""Every kind of row the plan read returns, for comparing a statement run on a driver with SQLAlchemy's execution
(tests/integration/test_driver_statements.py on SQLite, test_loop_statements.py on PostgreSQL): UUIDs, UTC
datetimes set and unset, dates, JSON lists and a JSON object, JSON null, booleans, NULL columns of an outer join,
and no row at all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from exohair.db.engine import make_sessions
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.accounts.secrets import token_hash
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.plans import reads
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

STATEMENT = reads._TOKEN_PLAN_READ
CUT = reads._ENDS


@dataclass(frozen=True)
class Cases:
    params: list[dict[str, Any]]  # every token (4 real, 1 made up) × every chart (3 real, 1 made up)
    showing: dict[str, Any]  # the params of the row whose values each kind shows (`check_values`)


def plan_read_cases(engine: Engine) -> Cases:
    """Ada with a course, a plan and conditions; clinicians' tokens fresh, used, expiring and revoked; her own."""
    with make_sessions(engine)() as session:
        world = World(session)
        course = CourseIn(regimen="AC-T", first_infusion=NOW.date() + timedelta(days=14),
                          protocol="priming-in-cycle-regrowth", adjuncts=["minoxidil"])  # fmt: skip
        courses.start_course(session, world.actor(Role.COORDINATOR), world.ada.id, course, shipped_knowledge(), at=NOW)
        world.ada.conditions = ["hypertension"]
        clinician = world.users[("North", Role.CLINICIAN)]
        plain = {
            "fresh": accounts.create_token(session, clinician, "fresh", at=NOW)[1],
            "expiring": accounts.create_token(
                session, clinician, "expiring", at=NOW, expires_at=NOW + timedelta(days=1)
            )[1],
            "patient's": accounts.create_token(session, world.ada_user, "own", at=NOW)[1],
        }
        revoked, plain["revoked"] = accounts.create_token(session, clinician, "revoked", at=NOW)
        accounts.revoke_token_by_id(session, clinician, revoked.id, at=NOW)
        accounts.token_holder(session, plain["fresh"], at=NOW)  # notes its use: last_used_at set
        session.commit()
        patients = [world.ada.id, world.bea.id, world.cal.id, uuid.uuid4()]
        ada = world.ada.id
    params = [{"hash": token_hash(t), "patient_id": p} for t in [*plain.values(), "exo_made-up"] for p in patients]
    return Cases(params, {"hash": token_hash(plain["expiring"]), "patient_id": ada})


def check_values(row: tuple[Any, ...] | None) -> None:
    """The values themselves, where each kind shows, in the row of `Cases.showing`."""
    assert row is not None
    assert row[2] == NOW + timedelta(days=1)  # expires_at
    assert row[2].tzinfo is not None  # in UTC, as stored
    assert row[CUT[0] + 4] == ["hypertension"]  # the patient's conditions (JSON)
    assert row[CUT[1] + 3] is None  # custom_regimen: JSON null
    assert row[CUT[2] + 4] == ["minoxidil"]  # the plan's adjuncts


AUDIT_ENTRIES = [  # one with every column set, one with every nullable column null
    dict(at=NOW + timedelta(microseconds=123), action="read", record_type="plan_version", record_id=str(uuid.uuid4()),
         clinic_id=uuid.uuid4(), actor_id=uuid.uuid4(), source="10.0.0.1",
         changes={"patient_id": str(uuid.uuid4()), "moved": ["s1", "s2"], "n": 2}),
    dict(at=NOW, action="read", record_type="patient", record_id=None, clinic_id=None, actor_id=None, source="cli",
         changes=None),
]  # fmt: skip
