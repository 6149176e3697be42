"""Assessments overdue on Today: a visit the plan asked for that has passed with no clinician's assessment; it
stays overdue across a re-plan, and leaves the list once an assessment is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exohair.domain.access import Role
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn
from exohair.features.worklist.service import worklist
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

KNOWLEDGE = shipped_knowledge()
FIRST_INFUSION = date(2027, 3, 15)


@pytest.fixture
def world(db_session):
    return World(db_session)


def _overdue(db_session, world, at):
    work = worklist(db_session, world.actor(Role.CLINICIAN), KNOWLEDGE, at=at)
    return [(due.label, due.due_on) for due, _ in work.overdue], work.total_overdue


def test_a_missed_visit_is_overdue_until_a_clinician_records_the_assessment(db_session, world):
    start = CourseIn(regimen="TC", first_infusion=FIRST_INFUSION, protocol="priming-regrowth")
    started = courses.start_course(db_session, world.actor(Role.COORDINATOR), world.ada.id, start, KNOWLEDGE, at=NOW)
    assert _overdue(db_session, world, NOW) == ([], 0)

    later = NOW + timedelta(days=30)  # the baseline and cycle 1 visits have passed
    overdue, total = _overdue(db_session, world, later)
    assert total == len(overdue) >= 2
    assert all(day < later.date() for _, day in overdue)
    assert overdue == sorted(overdue, key=lambda item: item[1])

    # A delay re-plans from the day it is recorded; the visits already missed stay overdue.
    delay = InfusionRecordIn(version=started.course.version, cycle=2, delay_days=7, reason="ANC 900")
    courses.record_infusion(db_session, world.actor(Role.COORDINATOR), started.course.id, delay, KNOWLEDGE, at=later)
    assert _overdue(db_session, world, later)[0] == overdue

    # The patient's own self-assessment is not the clinic's visit; the clinician's is, for every visit before it.
    mine = AssessmentIn(assessed_on=later.date(), dean_score=1)
    assessments.record_assessment(db_session, world.ada_actor, world.ada.id, mine, KNOWLEDGE.scales, at=later)
    assert _overdue(db_session, world, later)[1] == total
    seen = AssessmentIn(assessed_on=later.date(), ctcae_grade=1)
    assessments.record_assessment(db_session, world.actor(Role.CLINICIAN), world.ada.id, seen, KNOWLEDGE.scales,
                                  at=later)  # fmt: skip
    assert _overdue(db_session, world, later) == ([], 0)
