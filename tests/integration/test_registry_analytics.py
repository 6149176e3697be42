"""The clinic's records read as a registry: who is in it (registry consent, chemotherapy ended), what the
endpoints read off her assessments, who may see it and how, and that every read is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry, ChemoCourse, ConsentRecord
from exohair.domain.access import Forbidden, Role
from exohair.features.analytics import service as analytics
from exohair.features.analytics.like_you import patients_like_you
from exohair.features.analytics.report import clinic_report
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.clinic_settings import sites
from exohair.features.consent import service as consent
from exohair.features.consent.schemas import ConsentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientChanges
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

KNOWLEDGE = shipped_knowledge()
FIRST = date(2026, 6, 1)  # nine months before NOW: the course has ended


@pytest.fixture
def world(db_session):
    return World(db_session)


def _course(session, world, patient, protocol: str) -> ChemoCourse:
    data = CourseIn(regimen="TC", first_infusion=FIRST, protocol=protocol)
    return courses.start_course(session, world.actor(Role.COORDINATOR), patient.id, data, KNOWLEDGE, at=NOW).course


def _registry_consent(session, world, patient) -> ConsentRecord:
    signed = ConsentIn(scope="registry", document_version="REG-1", signed_by=patient.given_name, signed_at=NOW)
    return consent.record_consent(session, world.actor(Role.CLINICIAN), patient.id, signed, at=NOW)


def _assess(session, world, patient, on: date, dean: int, cover: str) -> None:
    ctcae = 0 if dean == 0 else (1 if dean <= 2 else 2)  # CTCAE grade 1 is loss under 50%: Dean 1-2
    data = AssessmentIn(assessed_on=on, dean_score=dean, ctcae_grade=ctcae, head_cover=cover)
    assessments.record_assessment(session, world.actor(Role.CLINICIAN), patient.id, data, KNOWLEDGE.scales, at=NOW)


@pytest.fixture
def registry_world(db_session, world):
    """Ada: registry consent, assessed after her course; Bea: a course too, but no registry consent."""
    ada_course = _course(db_session, world, world.ada, "priming-regrowth")
    _course(db_session, world, world.bea, "observation-only")
    _registry_consent(db_session, world, world.ada)
    last = ada_course.last_cytotoxic_infusion
    for days, dean, cover in ((28, 2, "sometimes"), (40, 3, "always"), (120, 1, "none"), (200, 0, "none")):
        _assess(db_session, world, world.ada, last + timedelta(days=days), dean, cover)
    db_session.commit()
    return world, last


def test_the_registry_holds_patients_with_registry_consent_whose_chemotherapy_has_ended(db_session, registry_world):
    world, _last = registry_world
    found = analytics.clinic_registry(db_session, world.actor(Role.CLINICIAN), KNOWLEDGE, at=NOW)
    frame = found.registry.frame
    assert len(frame) == 1
    assert found.registry.without_consent == 1  # Bea
    row = frame.iloc[0]
    assert (row["regimen"], row["risk_class"], row["protocol"], row["period"], row["age_band"]) == (
        "tc", "high", "priming-regrowth", "2026-H1", "40–49",
    )  # fmt: skip
    assert row["patient_key"].startswith("R-")
    assert str(world.ada.id) not in row["patient_key"]


def test_the_endpoints_are_read_off_her_assessments(db_session, registry_world):
    world, _last = registry_world
    row = analytics.clinic_registry(db_session, world.actor(Role.CLINICIAN), KNOWLEDGE, at=NOW).registry.frame.iloc[0]
    assert row["preserved"] == 1.0  # Dean 2 on day 28 after the last infusion
    assert row["preserved_ctcae"] == 1.0  # the visit nearest the last infusion within 42 days: day 28, grade 1
    assert (row["regrowth_days"], bool(row["regrowth_event"])) == (120.0, True)  # Dean 1 on day 120
    assert (row["cover_free_days"], bool(row["cover_free_event"])) == (120.0, True)


def test_a_withdrawn_registry_consent_takes_her_out_at_once(db_session, registry_world):
    world, _last = registry_world
    clinician = world.actor(Role.CLINICIAN)
    assert len(analytics.clinic_registry(db_session, clinician, KNOWLEDGE, at=NOW).registry.frame) == 1
    record = db_session.scalars(select(ConsentRecord).where(ConsentRecord.scope == "registry")).one()
    consent.withdraw_consent(db_session, clinician, record.id, record.version, at=NOW)
    db_session.commit()
    assert len(analytics.clinic_registry(db_session, clinician, KNOWLEDGE, at=NOW).registry.frame) == 0


def test_the_report_is_for_staff_and_researchers_and_each_read_is_audited(db_session, registry_world):
    world, _last = registry_world
    for role in (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER):
        report = clinic_report(db_session, world.actor(role), KNOWLEDGE, at=NOW)
        assert report.patients == 1
    for role in (Role.ADMIN, Role.PATIENT):
        with pytest.raises(Forbidden):
            clinic_report(db_session, world.actor(role), KNOWLEDGE, at=NOW)
    db_session.commit()
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.record_type == "registry_report")).all()
    assert len(entries) == 4
    assert all(e.changes == {"patients": 1} for e in entries)


def test_another_clinic_sees_none_of_it(db_session, registry_world):
    world, _last = registry_world
    south = analytics.clinic_registry(db_session, world.actor(Role.CLINICIAN, clinic="south"), KNOWLEDGE, at=NOW)
    assert len(south.registry.frame) == 0


def test_the_researcher_gets_pseudonymous_rows_with_dates_shifted_and_no_identifiers(db_session, registry_world):
    world, last = registry_world
    rows = analytics.research_registry(db_session, world.actor(Role.RESEARCHER), KNOWLEDGE, at=NOW)
    assert len(rows) == 1
    assert not {"mrn", "family_name", "given_name", "date_of_birth", "age_years", "shift_days"} & set(rows.columns)
    shifted = rows.iloc[0]["last_infusion_shifted"]
    assert shifted != last
    assert 1 <= abs((shifted - last).days) <= 182
    assert (rows.iloc[0]["last_infusion_shifted"] - rows.iloc[0]["first_infusion_shifted"]) == (last - FIRST)
    with pytest.raises(Forbidden):  # identified staff read the aggregates, not the patient-level registry
        analytics.research_registry(db_session, world.actor(Role.CLINICIAN), KNOWLEDGE, at=NOW)
    db_session.commit()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.record_type == "registry")).one()
    assert (entry.action, entry.changes) == ("export", {"patients": 1})


def test_patients_like_you_gives_no_figure_below_the_minimum(db_session, registry_world):
    world, _last = registry_world
    like = patients_like_you(db_session, world.ada_actor, world.ada.id, KNOWLEDGE, at=NOW)
    assert (like.risk_class, like.protocol) == ("high", "priming-regrowth")
    mine = like.groups[0]
    assert mine.preserved.assessed == 1
    assert mine.preserved.rate is None
    assert mine.regrowth is not None
    assert not mine.regrowth.enough
    with pytest.raises(Exception, match="No such patient"):  # Bea's plan is not Ada's to read
        patients_like_you(db_session, world.ada_actor, world.bea.id, KNOWLEDGE, at=NOW)


def test_an_unchanged_registry_is_not_analysed_twice_and_a_change_is_seen_at_once(db_session, registry_world):
    world, last = registry_world
    clinician = world.actor(Role.CLINICIAN)
    first = clinic_report(db_session, clinician, KNOWLEDGE, at=NOW)
    again = clinic_report(db_session, clinician, KNOWLEDGE, at=NOW)
    assert again.analysis is first.analysis
    _assess(db_session, world, world.ada, last + timedelta(days=210), 0, "none")
    db_session.commit()
    changed = clinic_report(db_session, clinician, KNOWLEDGE, at=NOW)
    assert changed.analysis is not first.analysis


def test_her_site_is_in_the_registry_and_a_change_of_site_is_seen_at_once(db_session, registry_world):
    world, _last = registry_world
    clinician = world.actor(Role.CLINICIAN)
    assert analytics.clinic_registry(db_session, clinician, KNOWLEDGE, at=NOW).registry.frame.iloc[0]["site"] == (
        "not recorded"
    )
    riverside = sites.add_site(db_session, world.actor(Role.ADMIN), "Riverside", at=NOW)
    patient = patients.get_patient(db_session, clinician, world.ada.id, at=NOW)
    patients.edit_patient(db_session, clinician, world.ada.id,
                          PatientChanges(version=patient.version, site_id=riverside.id), at=NOW)  # fmt: skip
    db_session.commit()
    frame = analytics.clinic_registry(db_session, clinician, KNOWLEDGE, at=NOW).registry.frame
    assert frame.iloc[0]["site"] == "Riverside"  # the cached registry was not served: the patients table changed
    sites.rename_site(db_session, world.actor(Role.ADMIN), riverside.id, "Riverside Clinic",
                      seen_version=riverside.version, at=NOW)  # fmt: skip
    db_session.commit()
    frame = analytics.clinic_registry(db_session, clinician, KNOWLEDGE, at=NOW).registry.frame
    assert frame.iloc[0]["site"] == "Riverside Clinic"
