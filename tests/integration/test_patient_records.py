"""Patient records through the service layer: every role, two clinics, stale edits, and the audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import AuditEntry, Patient
from exohair.domain.access import Actor, Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.accounts import service as accounts
from exohair.features.audit.service import verify_trail
from exohair.features.clinic_settings import sites
from exohair.features.patients import service
from exohair.features.patients.schemas import PatientChanges, PatientIn

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _data(mrn: str, family: str = "Example") -> PatientIn:
    return PatientIn(
        mrn=mrn,
        family_name=family,
        given_name="Ada",
        date_of_birth=date(1978, 5, 2),
        sex="female",
        cancer_type="breast",
        cancer_stage="IIA",
    )


class World:
    """Two clinics; in North a patient Ada (with an account) and a patient Bea; an actor of every role."""

    def __init__(self, session) -> None:
        self.north = accounts.create_clinic(session, "North", at=NOW)
        self.south = accounts.create_clinic(session, "South", at=NOW)
        coordinator = self.actor(Role.COORDINATOR)
        self.ada = service.register_patient(session, coordinator, _data("N-1", "Able"), at=NOW)
        self.bea = service.register_patient(session, coordinator, _data("N-2", "Baker"), at=NOW)

    def actor(self, role: Role, *, clinic=None, patient=None) -> Actor:
        clinic = clinic or self.north
        patient_id = patient.id if patient is not None else None
        return Actor(uuid.uuid4(), clinic.id, role, patient_id, "127.0.0.1")


@pytest.fixture
def session(db_session):
    return db_session


@pytest.fixture
def world(session):
    return World(session)


READERS = [Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST]
WRITERS = [Role.COORDINATOR, Role.CLINICIAN]


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_a_patient_record(session, world, role):
    actor = world.actor(role, patient=world.ada if role is Role.PATIENT else None)
    if role in READERS or role is Role.PATIENT:
        assert service.get_patient(session, actor, world.ada.id, at=NOW).mrn == "N-1"
    else:
        with pytest.raises(Forbidden):
            service.get_patient(session, actor, world.ada.id, at=NOW)


@pytest.mark.parametrize("role", list(Role))
def test_who_may_register_and_edit_a_patient(session, world, role):
    actor = world.actor(role, patient=world.ada if role is Role.PATIENT else None)
    if role in WRITERS:
        service.register_patient(session, actor, _data(f"N-{role.value}"), at=NOW)
        edited = service.edit_patient(
            session, actor, world.bea.id, PatientChanges(version=world.bea.version, cancer_stage="IIB"), at=NOW
        )
        assert edited.cancer_stage == "IIB"
    else:
        with pytest.raises(Forbidden):
            service.register_patient(session, actor, _data("N-9"), at=NOW)
        with pytest.raises(Forbidden):
            service.edit_patient(session, actor, world.bea.id, PatientChanges(version=1), at=NOW)


def test_a_patient_sees_only_their_own_record(session, world):
    ada = world.actor(Role.PATIENT, patient=world.ada)
    with pytest.raises(NotFound) as other:
        service.get_patient(session, ada, world.bea.id, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.get_patient(session, ada, uuid.uuid4(), at=NOW)
    assert other.value.message == missing.value.message  # nothing tells her Bea's record exists
    assert service.find_patients(session, ada, "Baker", at=NOW) == []
    assert [p.id for p in service.find_patients(session, ada, "able", at=NOW)] == [world.ada.id]
    assert [p.id for p in service.find_patients(session, ada, None, at=NOW)] == [world.ada.id]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST])
def test_another_clinic_cannot_tell_a_record_exists(session, world, role):
    outsider = world.actor(role, clinic=world.south)
    with pytest.raises(NotFound) as existing:
        service.get_patient(session, outsider, world.ada.id, at=NOW)
    with pytest.raises(NotFound) as missing:
        service.get_patient(session, outsider, uuid.uuid4(), at=NOW)
    assert existing.value.message == missing.value.message
    assert service.find_patients(session, outsider, "Able", at=NOW) == []


def test_search_by_name_or_mrn_within_the_clinic(session, world):
    coordinator = world.actor(Role.COORDINATOR)
    assert [p.mrn for p in service.find_patients(session, coordinator, "bak", at=NOW)] == ["N-2"]
    assert [p.mrn for p in service.find_patients(session, coordinator, "n-1", at=NOW)] == ["N-1"]
    assert [p.mrn for p in service.find_patients(session, coordinator, None, at=NOW)] == ["N-1", "N-2"]
    assert [p.mrn for p in service.find_patients(session, coordinator, None, at=NOW, limit=1, offset=1)] == ["N-2"]


def test_the_same_mrn_twice_in_a_clinic_is_a_conflict(session, world):
    with pytest.raises(Conflict):
        service.register_patient(session, world.actor(Role.COORDINATOR), _data("N-1"), at=NOW)
    service.register_patient(session, world.actor(Role.COORDINATOR, clinic=world.south), _data("N-1"), at=NOW)


def test_a_stale_edit_is_refused_and_changes_nothing(session, world):
    clinician = world.actor(Role.CLINICIAN)
    seen = world.ada.version
    service.edit_patient(session, clinician, world.ada.id, PatientChanges(version=seen, cancer_stage="IIB"), at=NOW)
    with pytest.raises(Conflict) as error:
        service.edit_patient(
            session, clinician, world.ada.id, PatientChanges(version=seen, cancer_stage="IIIA"), at=NOW
        )
    assert error.value.code == "stale_edit"
    assert session.get(Patient, world.ada.id).cancer_stage == "IIB"


def test_two_editors_racing_lose_nothing(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        world = World(session)
        ada_id, seen = world.ada.id, world.ada.version
    clinician = world.actor(Role.CLINICIAN)
    with sessions() as first, sessions() as second:
        service.get_patient(first, clinician, ada_id, at=NOW)
        service.get_patient(second, clinician, ada_id, at=NOW)  # both opened version `seen`
        service.edit_patient(first, clinician, ada_id, PatientChanges(version=seen, hair_type="curly"), at=NOW)
        first.commit()
        with pytest.raises(Conflict):
            service.edit_patient(second, clinician, ada_id, PatientChanges(version=seen, hair_type="straight"), at=NOW)
        second.rollback()
    with sessions() as session:
        assert session.get(Patient, ada_id).hair_type == "curly"


def test_every_read_and_write_is_audited(session, world):
    session.commit()
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    clinician = world.actor(Role.CLINICIAN)
    service.get_patient(session, clinician, world.ada.id, at=NOW)
    service.find_patients(session, clinician, "Able", at=NOW)
    service.edit_patient(
        session, clinician, world.ada.id, PatientChanges(version=world.ada.version, cancer_stage="IIB"), at=NOW
    )
    session.commit()  # entries are linked into the chain and written when the transaction commits
    entries = session.scalars(select(AuditEntry).where(AuditEntry.seq > before).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["read", "search", "update"]
    assert all(e.actor_id == clinician.user_id and e.source == "127.0.0.1" for e in entries)
    assert entries[1].changes == {"disclosed": [str(world.ada.id)]}
    assert entries[2].changes == {"cancer_stage": ["IIA", "IIB"]}
    assert verify_trail(session).intact


def test_a_refused_read_leaves_no_disclosure_in_the_trail(session, world):
    session.commit()
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(NotFound):
        service.get_patient(session, world.actor(Role.CLINICIAN, clinic=world.south), world.ada.id, at=NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_her_site_must_be_one_of_her_clinics_sites(session, world):
    admin = world.actor(Role.ADMIN)
    north_site = sites.add_site(session, admin, "Riverside", at=NOW)
    south_site = sites.add_site(session, world.actor(Role.ADMIN, clinic=world.south), "Harbour", at=NOW)
    coordinator = world.actor(Role.COORDINATOR)
    placed = service.register_patient(session, coordinator, _data("N-3").model_copy(update={"site_id": north_site.id}),
                                      at=NOW)  # fmt: skip
    assert placed.site_id == north_site.id
    with pytest.raises(InvalidInput, match="site_id: this clinic has no such site"):
        service.register_patient(session, coordinator, _data("N-4").model_copy(update={"site_id": south_site.id}),
                                 at=NOW)  # fmt: skip
    with pytest.raises(InvalidInput, match="no such site"):
        service.edit_patient(session, coordinator, placed.id,
                             PatientChanges(version=placed.version, site_id=south_site.id), at=NOW)  # fmt: skip
    session.refresh(placed)
    assert placed.site_id == north_site.id  # kept
    cleared = service.edit_patient(session, coordinator, placed.id,
                                   PatientChanges(version=placed.version, site_id=None), at=NOW)  # fmt: skip
    assert cleared.site_id is None


def test_sites_are_kept_by_the_admin_and_named_once(session, world):
    admin = world.actor(Role.ADMIN)
    with pytest.raises(Forbidden):
        sites.add_site(session, world.actor(Role.COORDINATOR), "Riverside", at=NOW)
    site = sites.add_site(session, admin, "Riverside", at=NOW)
    with pytest.raises(Conflict, match="already has a site called RIVERSIDE"):
        sites.add_site(session, admin, "RIVERSIDE", at=NOW)
    sites.add_site(session, world.actor(Role.ADMIN, clinic=world.south), "Riverside", at=NOW)  # another clinic's
    with pytest.raises(InvalidInput, match="Give the site a name"):
        sites.add_site(session, admin, "   ", at=NOW)
    with pytest.raises(InvalidInput, match="at most 200"):
        sites.add_site(session, admin, "x" * 201, at=NOW)
    with pytest.raises(NotFound):
        sites.rename_site(session, world.actor(Role.ADMIN, clinic=world.south), site.id, "Ours",
                          seen_version=site.version, at=NOW)  # fmt: skip
    renamed = sites.rename_site(session, admin, site.id, "riverside", seen_version=site.version, at=NOW)
    assert renamed.name == "riverside"  # its own name in another case is no clash
    with pytest.raises(Conflict, match="changed since you opened it"):
        sites.rename_site(session, admin, site.id, "River", seen_version=1, at=NOW)
    assert [s.name for s in sites.clinic_sites(session, world.actor(Role.PATIENT, patient=world.ada))] == ["riverside"]
