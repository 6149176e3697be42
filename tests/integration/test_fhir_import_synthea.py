"""Importing bundles no one wrote for this project: Synthea's breast-cancer patients (tests/fixtures/fhir/README.md
says where each comes from). Synthea gives one drug every three weeks or so, not a catalogue regimen, so the import
infers a custom schedule and says so; a patient whose drugs change midway is refused with why, and nothing changes,
unless a partial import is accepted. A bundle in Synthea's MedicationRequest shape (one order per cycle, dated by
authoredOn) is read the same way."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import AuditEntry, ChemoCourse, InfusionRecord, Patient, PlanVersion
from exohair.domain.access import Role
from exohair.domain.import_issues import ImportRefused
from exohair.features.fhir.importing import import_bundle
from exohair.features.plans.inputs import course_calendar
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fhir"
KNOWLEDGE = shipped_knowledge()


def _bundle(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _counts(session: Session) -> dict[str, int]:
    session.expire_all()
    tables = (Patient, ChemoCourse, InfusionRecord, PlanVersion, AuditEntry)
    return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


@pytest.fixture
def world(db_session: Session) -> World:
    made = World(db_session)
    db_session.commit()
    return made


def test_a_synthea_paclitaxel_patient_comes_in_on_a_custom_three_weekly_schedule(db_session, world):
    actor = world.actor(Role.COORDINATOR)

    report = import_bundle(db_session, actor, _bundle("synthea-28f36cfa-paclitaxel.json"), KNOWLEDGE, at=NOW)
    db_session.commit()

    inferred = report.inferred
    assert inferred is not None
    assert inferred.fit is None
    assert inferred.custom is not None
    assert (inferred.custom.agent_ids, inferred.custom.cycle_days, inferred.custom.cycles) == (("paclitaxel",), 21, 8)
    assert inferred.confidence_label == "moderate"
    assert any("Tamoxifen" in line for line in inferred.evidence)  # endocrine: named, left out of the match
    patient = db_session.scalars(select(Patient).where(Patient.mrn == "synthea-28f36cfa-7696-4f73-ac4f-427e802199d9"))
    row = patient.one()
    assert (row.family_name, row.date_of_birth, row.cancer_type) == (
        "Wilkinson796", date(1974, 1, 17), "Malignant neoplasm of breast (disorder)")  # fmt: skip
    course = db_session.scalars(select(ChemoCourse).where(ChemoCourse.patient_id == row.id)).one()
    assert (course.regimen_id, course.first_infusion) == ("custom", date(2016, 1, 21))
    # The calendar the records make is the dates Synthea gave, to the day.
    given = [i.date.isoformat() for i in course_calendar(db_session, KNOWLEDGE, course).given]
    assert given == ["2016-01-21", "2016-02-11", "2016-03-02", "2016-03-24", "2016-04-12", "2016-05-03",
                     "2016-05-25", "2016-06-14"]  # fmt: skip
    codes = {i.code for i in report.issues}
    assert {"mrn_from_id", "default_protocol"} <= codes  # said, not hidden


def test_a_synthea_doxorubicin_patient_keeps_her_cancer_from_its_condition(db_session, world):
    report = import_bundle(db_session, world.actor(Role.CLINICIAN), _bundle("synthea-71ba0469-doxorubicin.json"),
                           KNOWLEDGE, at=NOW)  # fmt: skip
    assert report.inferred is not None
    assert report.inferred.custom is not None
    assert report.inferred.custom.agent_ids == ("doxorubicin",)
    assert report.created["infusion_records"] == len(report.recorded) > 0
    row = db_session.scalars(select(Patient).where(Patient.family_name == "Konopelski743")).one()
    assert row.cancer_type == "Malignant neoplasm of breast (disorder)"


def test_a_synthea_patient_whose_drugs_change_midway_is_refused_with_why_and_nothing_changes(db_session, world):
    before = _counts(db_session)
    bundle = _bundle("synthea-cdef53d5-epirubicin-then-cyclophosphamide.json")

    with pytest.raises(ImportRefused) as refused:
        import_bundle(db_session, world.actor(Role.COORDINATOR), bundle, KNOWLEDGE, at=NOW)
    db_session.rollback()

    errors = {i.code: i for i in refused.value.issues if i.severity.value == "error"}
    assert set(errors) == {"unknown_drug", "no_regimen"}
    assert "palbociclib" in errors["unknown_drug"].message
    assert errors["unknown_drug"].index == 18
    assert "change from day to day" in errors["no_regimen"].message
    assert refused.value.partial_possible
    assert _counts(db_session) == before


def test_a_partial_import_of_that_patient_keeps_her_record_without_a_course(db_session, world):
    bundle = _bundle("synthea-cdef53d5-epirubicin-then-cyclophosphamide.json")
    report = import_bundle(db_session, world.actor(Role.COORDINATOR), bundle, KNOWLEDGE, at=NOW, accept_partial=True)
    db_session.commit()
    assert report.created["patients"] == 1
    assert report.created["courses"] == 0
    row = db_session.scalars(select(Patient).where(Patient.family_name == "Grant908")).one()
    assert db_session.scalars(select(ChemoCourse).where(ChemoCourse.patient_id == row.id)).all() == []


def _synthea_shaped_orders() -> dict:
    """Synthea-shaped, not Synthea output: its chemotherapy_breast module's MedicationRequest per cycle (RxNorm
    1790099 doxorubicin and 1734919 cyclophosphamide, dated by authoredOn, status stopped once the cycle's
    MedicationEnd ran), urn:uuid fullUrls and a transaction with request entries, laid out as Synthea writes R4."""
    patient_id = "5d3f0c56-2a5e-4d4c-9e4f-0f3b8c1a7e21"
    entries = [{"fullUrl": f"urn:uuid:{patient_id}", "request": {"method": "POST", "url": "Patient"}, "resource": {
        "resourceType": "Patient", "id": patient_id, "gender": "female", "birthDate": "1968-09-14",
        "name": [{"use": "official", "family": "Shaped123", "given": ["Synthea456"]}],
        "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR",
                                             "display": "Medical Record Number"}], "text": "Medical Record Number"},
                        "system": "http://hospital.smarthealthit.org", "value": patient_id}]}}]  # fmt: skip
    cycle_days = ["2026-06-01", "2026-06-22", "2026-07-13", "2026-08-03"]
    for n, day in enumerate(cycle_days):
        for code, display in (("1790099", "10 ML Doxorubicin Hydrochloride 2 MG/ML Injection"),
                              ("1734919", "Cyclophosphamide 1000 MG Injection")):  # fmt: skip
            ident = f"0000000{n}-{code}-4000-8000-000000000000"
            entries.append({"fullUrl": f"urn:uuid:{ident}", "request": {"method": "POST", "url": "MedicationRequest"},
                            "resource": {"resourceType": "MedicationRequest", "id": ident, "status": "stopped",
                                         "intent": "order", "medicationCodeableConcept": {"coding": [{
                                             "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code,
                                             "display": display}], "text": display},
                                         "subject": {"reference": f"urn:uuid:{patient_id}"},
                                         "authoredOn": f"{day}T09:12:44-04:00"}})  # fmt: skip
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def test_synthea_shaped_orders_one_per_cycle_are_read_as_the_dose_days(db_session, world):
    report = import_bundle(db_session, world.actor(Role.CLINICIAN), _synthea_shaped_orders(), KNOWLEDGE, at=NOW,
                           preview=True)  # fmt: skip
    assert report.inferred is not None
    assert report.inferred.fit is not None
    assert report.inferred.fit.regimen_id == "ac"
    assert report.inferred.confidence_label == "high"
    assert any("orders' dates" in line for line in report.inferred.evidence)
    assert report.mrn == "5d3f0c56-2a5e-4d4c-9e4f-0f3b8c1a7e21"


def test_endocrine_therapy_alone_imports_the_patient_without_a_course(db_session, world):
    bundle = _bundle("synthea-28f36cfa-paclitaxel.json")
    bundle["entry"] = [e for e in bundle["entry"] if "Paclitaxel" not in json.dumps(e)]  # tamoxifen is left

    report = import_bundle(db_session, world.actor(Role.COORDINATOR), bundle, KNOWLEDGE, at=NOW)

    assert report.created["patients"] == 1
    assert report.created["courses"] == 0
    (warning,) = [i for i in report.issues if i.code == "no_chemotherapy"]
    assert "Tamoxifen 10 MG Oral Tablet" in warning.message
