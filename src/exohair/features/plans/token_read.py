"""The current plan read for a personal token, in one statement: the busiest route's fast lane.

`GET /patients/{id}/plan` is what the plan view, the portal and any integration poll. Served as every other
route is, a read cost the worker about 3 ms of CPU, most of it in layers around the plan rather than in it: the
framework solving the route's dependencies, a statement for the token and another for the chart, ORM objects
loaded and tracked for one read (docs/benchmarks.md, "Where the 3.1 ms goes"). Here the token's check, the chart,
the course, its plan and their rows come in one statement as columns (reads.token_plan_read), and the rest is the
general path's own code: the same permission and chart rules (domain.access: `permitted`, and `may_see_patient`,
the rule charts.visible_chart applies), the same
rebuild (service.rebuild_from) and the same audit entry (charts.chart_entry, as audit_chart makes it).

It only ever answers with a plan. Wherever the general route would answer anything else, or do anything more,
it returns None and the general route answers: an unknown, revoked or expired token, a token whose last use is
due to be written down, a role without the permission, a chart the actor may not see or that does not exist, no
plan yet, a protocol or knowledge problem. So every refusal and every error keeps one implementation, and the
two paths can be compared answer for answer (tests/api/test_plan_lane.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from exohair.domain.access import Actor, Permission, Role, may_see_patient, permitted
from exohair.domain.closures import ClinicClosures
from exohair.domain.errors import DomainError
from exohair.domain.full_plan import FullPlan
from exohair.features.accounts.secrets import token_hash
from exohair.features.accounts.service import in_force, use_to_note
from exohair.features.charts import chart_entry
from exohair.features.clinic_settings.knowledge import clinic_knowledge
from exohair.features.plans import reads
from exohair.features.plans.service import rebuild_from
from exohair.knowledge import Knowledge, KnowledgeError


@dataclass(frozen=True, slots=True)
class TokenPlan:
    """A plan read served: what the answer is made of, and the audit entry the read owes the trail."""

    knowledge: Knowledge
    version: reads.VersionRow
    full: FullPlan
    audit_entry: dict[str, Any]  # charts.audit_chart's entry, not yet linked into the chain


def current_plan_for_token(
    connection: Connection, plain: str, patient_id: uuid.UUID, base: Knowledge, *, at: datetime, source: str
) -> TokenPlan | None:
    """The current plan of `patient_id` for the holder of token `plain`; None where the general route must answer
    instead (see the module's docstring). Writes nothing: the caller commits the audit entry before answering.

    Reads on `connection` without an ORM session: the read needs columns only, and a session's bookkeeping cost
    more than the statement. One is made on the same connection where the clinic's own knowledge or an earlier
    protocol version must be read (not the common case)."""
    found = reads.token_plan_read(connection, token_hash(plain), patient_id)
    if found is None:
        return None
    with Session(bind=connection) as session:
        return plan_of_read(found, session, base, at=at, source=source)


def plan_of_read(
    found: reads.TokenPlanRead, session: Session, base: Knowledge, *, at: datetime, source: str
) -> TokenPlan | None:
    """`current_plan_for_token` from its row, read already. `session` is used only where the clinic's own
    knowledge or an earlier protocol version must be read: the plan lane on PostgreSQL passes one bound to
    nothing, and reads again in a thread if it is used (sqlalchemy.exc.UnboundExecutionError)."""
    signed = found.credentials
    if not in_force(signed, at) or use_to_note(signed, at):
        return None
    actor = Actor(signed.user_id, signed.clinic_id, Role(signed.role), signed.patient_id, source)
    patient, course, version = found.patient, found.course, found.version
    if not permitted(actor, Permission.READ_PLAN) or patient is None:
        return None
    if not may_see_patient(actor, patient.clinic_id, patient.id) or course is None or version is None:
        return None
    closures = ClinicClosures(frozenset(found.closed_weekdays), frozenset(found.closed_days))
    try:
        knowledge = clinic_knowledge(session, actor.clinic_id, base, signed.knowledge_revision)
        full = rebuild_from(
            session, knowledge, course, version, patient, closures=closures, sessions=found.sessions,
            infusions=found.infusions,
        )  # fmt: skip
    except (DomainError, KnowledgeError):
        return None
    entry = chart_entry(actor, "read", "plan_version", version.id, patient_id=patient.id, at=at)
    return TokenPlan(knowledge, version, full, entry)
