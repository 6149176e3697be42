"""Hair assessments through the service layer: a clinician scores what a clinician judges, a patient her own
self-assessment; scores outside the scales, dates to come and other patients' charts are refused; every
assessment is audited naming the patient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import InvalidInput, NotFound
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn, MeasurementIn
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

SCALES = shipped_knowledge().scales
TODAY = NOW.date()


@pytest.fixture
def world(db_session):
    return World(db_session)


def test_a_clinician_grades_and_measures(db_session, world):
    data = AssessmentIn(assessed_on=TODAY, ctcae_grade=1, dean_score=2,
                        measurements=[MeasurementIn(site="vertex", density_per_cm2=142.5, diameter_um=61)])  # fmt: skip
    row = assessments.record_assessment(db_session, world.actor(Role.CLINICIAN), world.ada.id, data, SCALES, at=NOW)
    assert (row.source, row.ctcae_grade, row.dean_score) == ("clinician", 1, 2)
    assert row.measurements == [{"site": "vertex", "density_per_cm2": 142.5, "diameter_um": 61.0}]
    db_session.commit()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(row.id))).one()
    assert entry.action == "create"
    assert str(world.ada.id) in str(entry.changes)


def test_a_patient_records_her_own_self_assessment_only(db_session, world):
    mine = AssessmentIn(assessed_on=TODAY, dean_score=3, distress=7, head_cover="always")
    row = assessments.record_assessment(db_session, world.ada_actor, world.ada.id, mine, SCALES, at=NOW)
    assert (row.source, row.distress, row.head_cover) == ("patient", 7, "always")
    with pytest.raises(InvalidInput, match="scored by a clinician"):
        assessments.record_assessment(db_session, world.ada_actor, world.ada.id,
                                      AssessmentIn(assessed_on=TODAY, ctcae_grade=2), SCALES, at=NOW)  # fmt: skip
    with pytest.raises(NotFound):  # Bea's chart does not exist for Ada
        assessments.record_assessment(db_session, world.ada_actor, world.bea.id, mine, SCALES, at=NOW)
    with pytest.raises(Forbidden):  # an oncologist reads outcomes, does not record them
        assessments.record_assessment(db_session, world.actor(Role.ONCOLOGIST), world.ada.id, mine, SCALES, at=NOW)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"assessed_on": TODAY + timedelta(days=1), "dean_score": 1}, "assessed_in_future"),
        ({"assessed_on": date(1900, 1, 1), "dean_score": 1}, "assessed_before_birth"),
        ({"assessed_on": TODAY, "notes": "nothing scored"}, "assessment_empty"),
    ],
)
def test_it_refuses_what_cannot_be_an_assessment(db_session, world, fields, code):
    with pytest.raises(InvalidInput) as refused:
        assessments.record_assessment(db_session, world.actor(Role.CLINICIAN), world.ada.id, AssessmentIn(**fields),
                                      SCALES, at=NOW)  # fmt: skip
    assert refused.value.code == code


def test_other_clinics_see_no_assessments(db_session, world):
    with pytest.raises(NotFound):
        assessments.list_assessments(db_session, world.actor(Role.CLINICIAN, clinic="south"), world.ada.id, at=NOW)
