"""The migration that keeps each plan version's assessment visits fills in the current versions from the visits
on file, exactly as a version filed after it would have kept them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import PlanVersion
from exohair.domain.access import Role
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

BEFORE = "5e2b8c41d7f3"  # the revision before plan_versions.assessments


def test_the_current_version_gets_back_the_visits_it_placed_and_earlier_versions_none(engine):
    migrate.upgrade(engine)
    knowledge = shipped_knowledge()
    with make_sessions(engine)() as session:
        world = World(session)
        coordinator = world.actor(Role.COORDINATOR)
        course_in = CourseIn(regimen="ac-t", first_infusion=date(2027, 3, 15), protocol="priming-in-cycle-regrowth")
        started = courses.start_course(session, coordinator, world.ada.id, course_in, knowledge, at=NOW)
        delay = InfusionRecordIn(version=started.course.version, cycle=2, delay_days=7)
        courses.record_infusion(session, coordinator, started.course.id, delay, knowledge, at=NOW)
        session.commit()
        kept = {v.number: v.assessments for v in session.scalars(select(PlanVersion))}
    assert kept[1]
    assert kept[2] != kept[1]  # the delay moved the visits of cycle 2 on

    migrate.downgrade(engine, BEFORE)
    migrate.upgrade(engine)
    with make_sessions(engine)() as session:
        refilled = {v.number: v.assessments for v in session.scalars(select(PlanVersion))}
    assert refilled == {1: None, 2: kept[2]}
