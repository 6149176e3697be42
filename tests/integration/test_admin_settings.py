"""The admin's staff accounts and closed days through the service layer: who may, what is refused, what is
audited, and that a stale edit changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry, ClosedDay, User
from exohair.domain.access import Actor, Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.accounts import service as accounts
from exohair.features.accounts import staff
from exohair.features.clinic_settings import closures
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

TODAY = NOW.date()
PASSWORD = "correct horse battery"


@pytest.fixture
def world(db_session):
    return World(db_session)


def _admin(world, clinic="north"):
    return world.actor(Role.ADMIN, clinic=clinic)


def test_the_staff_list_shows_staff_of_the_clinic_and_no_patient_accounts(db_session, world):
    listed = staff.list_staff(db_session, _admin(world))
    assert {u.role for u in listed} == {r.value for r in staff.STAFF_ROLES}
    assert all(u.clinic_id == world.north.id for u in listed)
    for role in (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT, Role.RESEARCHER):
        with pytest.raises(Forbidden):
            staff.list_staff(db_session, world.actor(role))


def test_an_admin_adds_a_staff_account_that_can_sign_in(db_session, world):
    added = staff.add_staff(
        db_session, _admin(world), email="New.Nurse@North.test", display_name="Nia Nurse", role="clinician",
        password=PASSWORD, at=NOW,
    )  # fmt: skip
    assert (added.email, added.role, added.active) == ("new.nurse@north.test", "clinician", True)
    signed = accounts.authenticate_password(db_session, world.north, "new.nurse@north.test", PASSWORD, at=NOW)
    assert signed is not None
    assert signed.id == added.id
    with pytest.raises(InvalidInput, match="opened from the patient's chart"):
        staff.add_staff(db_session, _admin(world), email="p@x.test", display_name="P", role="patient",
                        password=PASSWORD, at=NOW)  # fmt: skip
    with pytest.raises(InvalidInput, match="at least 12"):
        staff.add_staff(db_session, _admin(world), email="s@x.test", display_name="S", role="clinician",
                        password="short", at=NOW)  # fmt: skip
    with pytest.raises(Conflict):
        staff.add_staff(db_session, _admin(world), email="new.nurse@north.test", display_name="Again",
                        role="clinician", password=PASSWORD, at=NOW)  # fmt: skip


def test_a_role_change_is_audited_and_a_stale_one_changes_nothing(db_session, world):
    nurse = world.users[("North", Role.CLINICIAN)]
    seen = nurse.version
    staff.update_staff(db_session, _admin(world), nurse.id, role="coordinator", active=True, seen_version=seen, at=NOW)
    assert nurse.role == "coordinator"
    with pytest.raises(Conflict) as stale:  # a second admin's page still shows the old version
        staff.update_staff(db_session, _admin(world), nurse.id, role="oncologist", active=False, seen_version=seen,
                           at=NOW)  # fmt: skip
    assert stale.value.code == "stale_edit"
    assert (nurse.role, nurse.active) == ("coordinator", True)
    db_session.commit()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(nurse.id),
                                                        AuditEntry.action == "update")).one()  # fmt: skip
    assert entry.changes == {"role": ["clinician", "coordinator"]}


def test_a_deactivated_account_can_no_longer_sign_in(db_session, world):
    nurse = world.users[("North", Role.CLINICIAN)]
    _, plain = accounts.create_token(db_session, nurse, "laptop", at=NOW)
    assert accounts.authenticate_token(db_session, plain, at=NOW) is not None
    staff.update_staff(db_session, _admin(world), nurse.id, role="clinician", active=False,
                       seen_version=nurse.version, at=NOW)  # fmt: skip
    assert accounts.authenticate_token(db_session, plain, at=NOW) is None


def test_an_admin_cannot_lock_the_clinic_out(db_session, world):
    me = world.users[("North", Role.ADMIN)]
    with pytest.raises(InvalidInput, match="your own role"):
        staff.update_staff(db_session, _admin(world), me.id, role="clinician", active=True, seen_version=me.version,
                           at=NOW)  # fmt: skip
    other = staff.add_staff(db_session, _admin(world), email="a2@north.test", display_name="Second admin",
                            role="admin", password=PASSWORD, at=NOW)  # fmt: skip
    as_other = Actor(other.id, world.north.id, Role.ADMIN, None, "127.0.0.1")
    staff.update_staff(db_session, as_other, me.id, role="admin", active=False, seen_version=me.version, at=NOW)
    with pytest.raises(InvalidInput, match="at least one active admin"):
        staff.update_staff(db_session, _admin(world), other.id, role="admin", active=False,
                           seen_version=other.version, at=NOW)  # fmt: skip


def test_a_new_password_ends_the_accounts_open_sessions(db_session, world):
    nurse = world.users[("North", Role.CLINICIAN)]
    _, plain = accounts.create_token(db_session, nurse, "web session", at=NOW)
    staff.set_password(db_session, _admin(world), nurse.id, "a brand new passphrase", at=NOW)
    assert accounts.authenticate_token(db_session, plain, at=NOW) is None
    assert accounts.authenticate_password(db_session, world.north, nurse.email, "a brand new passphrase", at=NOW)


def test_accounts_of_other_clinics_and_patients_do_not_exist_for_the_admin(db_session, world):
    south_nurse = world.users[("South", Role.CLINICIAN)]
    for user in (south_nurse, world.ada_user):
        with pytest.raises(NotFound):
            staff.update_staff(db_session, _admin(world), user.id, role="clinician", active=True,
                               seen_version=user.version, at=NOW)  # fmt: skip
        with pytest.raises(NotFound):
            staff.set_password(db_session, _admin(world), user.id, "a brand new passphrase", at=NOW)
    assert db_session.get(User, south_nurse.id).role == "clinician"


def test_closing_weekdays_is_checked_and_guarded_against_stale_edits(db_session, world):
    seen = world.north.version
    with pytest.raises(InvalidInput, match="every day of the week"):
        closures.set_closed_weekdays(db_session, _admin(world), set(range(7)), seen_version=seen, at=NOW)
    closures.set_closed_weekdays(db_session, _admin(world), {5, 6}, seen_version=seen, at=NOW)
    assert world.north.closed_weekdays == [5, 6]
    with pytest.raises(Conflict):
        closures.set_closed_weekdays(db_session, _admin(world), {6}, seen_version=seen, at=NOW)
    assert world.north.closed_weekdays == [5, 6]
    with pytest.raises(Forbidden):
        closures.set_closed_weekdays(db_session, world.actor(Role.COORDINATOR), {6}, seen_version=seen, at=NOW)


def test_a_closed_day_reports_the_planned_sessions_that_fall_on_it(db_session, world):
    start = CourseIn(regimen="AC-T", first_infusion=date(2027, 3, 15), protocol="priming-regrowth")
    started = courses.start_course(
        db_session, world.actor(Role.COORDINATOR), world.ada.id, start, shipped_knowledge(), at=NOW
    )
    first = min(s["date"] for s in started.version.sessions if s["date"])
    day = date.fromisoformat(first)
    assert closures.closed_days(db_session, _admin(world), at=NOW).planned_on_closed == 0
    closures.add_closed_day(db_session, _admin(world), day, "Staff training", at=NOW)
    shown = closures.closed_days(db_session, _admin(world), at=NOW)
    assert [(d.day, d.reason) for d in shown.days] == [(day, "Staff training")]
    assert shown.planned_on_closed == 1
    closures.set_closed_weekdays(db_session, _admin(world), {day.weekday(), (day.weekday() + 1) % 7},
                                 seen_version=world.north.version, at=NOW)  # fmt: skip
    assert closures.closed_days(db_session, _admin(world), at=NOW).planned_on_closed >= 1
    with pytest.raises(Conflict):
        closures.add_closed_day(db_session, _admin(world), day, "", at=NOW)
    with pytest.raises(InvalidInput, match="has passed"):
        closures.add_closed_day(db_session, _admin(world), TODAY - timedelta(days=1), "", at=NOW)
    with pytest.raises(InvalidInput, match="check the year"):
        closures.add_closed_day(db_session, _admin(world), date(2207, 1, 1), "", at=NOW)
    assert closures.reopen_day(db_session, _admin(world), shown.days[0].id, at=NOW) == day
    assert db_session.scalars(select(ClosedDay)).all() == []
    with pytest.raises(NotFound):
        closures.reopen_day(db_session, _admin(world, "south"), shown.days[0].id, at=NOW)
