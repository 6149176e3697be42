"""Chemo courses, plan versions and sessions through the service layer: the calendar is built, a delay re-anchors
the plan and says what moved, and performing a session runs the safety gate (refusals, overrides, revocation)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from exohair.db.models import AuditEntry, ClosedDay, PlanVersion, TherapySession
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, NotFound
from exohair.domain.safety import GateRefused
from exohair.features.accounts import service as accounts
from exohair.features.accounts.secrets import token_hash
from exohair.features.audit.service import verify_trail
from exohair.features.clearances import service as clearances
from exohair.features.clearances.schemas import ClearanceRevoke
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn, PlanChangeIn
from exohair.features.labs import service as labs
from exohair.features.labs.schemas import LabsIn
from exohair.features.plans import inputs, reads, repository
from exohair.features.plans import service as plans
from exohair.features.products import service as products
from exohair.features.products.schemas import LotIn
from exohair.features.sessions import service as sessions
from exohair.features.sessions.schemas import CancelIn, PerformIn
from exohair.knowledge import shipped_knowledge
from personas import NOW, World, ready_for_sessions

KNOWLEDGE = shipped_knowledge()
FIRST_INFUSION = date(2027, 3, 15)  # two weeks after NOW: room for priming sessions


@pytest.fixture
def world(db_session):
    return World(db_session)


@pytest.fixture
def started(db_session, world):
    data = CourseIn(regimen="AC-T", first_infusion=FIRST_INFUSION, protocol="priming-in-cycle-regrowth")
    return courses.start_course(db_session, world.actor(Role.COORDINATOR), world.ada.id, data, KNOWLEDGE, at=NOW)


def _rows(session, course):
    found = select(TherapySession).where(TherapySession.course_id == course.id).order_by(TherapySession.key)
    return {r.key: (r.status, r.planned_on) for r in session.scalars(found)}


def _head(session):
    session.commit()  # audit entries are chained into the trail when the transaction commits
    return session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def test_starting_a_course_builds_the_calendar_and_files_plan_version_one(db_session, world, started):
    course, version = started.course, started.version
    assert (course.regimen_id, course.first_infusion, course.status) == ("ac-t", FIRST_INFUSION, "active")
    calendar_end = course.end_of_chemo
    assert calendar_end > FIRST_INFUSION + timedelta(days=100)  # AC-T runs about 20 weeks
    assert (version.number, version.current, version.protocol_id) == (1, True, "priming-in-cycle-regrowth")
    assert started.moves == ()  # nothing can move in a first plan
    rows = _rows(db_session, course)
    assert {s["key"] for s in version.sessions if s["date"]} == set(rows)
    assert all(status == "planned" for status, _ in rows.values())
    assert any(day < FIRST_INFUSION for _, day in rows.values()), "priming sessions come before the first infusion"
    with pytest.raises(Conflict) as refused:
        courses.start_course(
            db_session, world.actor(Role.COORDINATOR), world.ada.id,
            CourseIn(regimen="tc", first_infusion=FIRST_INFUSION, protocol="regrowth-only"), KNOWLEDGE, at=NOW,
        )  # fmt: skip
    assert refused.value.code == "course_active"


def test_unknown_regimen_or_protocol_writes_nothing(db_session, world):
    before = _head(db_session)
    for regimen, protocol in (("no-such-regimen", "regrowth-only"), ("ac-t", "no-such-protocol")):
        with pytest.raises(NotFound):
            courses.start_course(
                db_session, world.actor(Role.COORDINATOR), world.ada.id,
                CourseIn(regimen=regimen, first_infusion=FIRST_INFUSION, protocol=protocol), KNOWLEDGE, at=NOW,
            )  # fmt: skip
    assert _head(db_session) == before
    assert courses.list_courses(db_session, world.actor(Role.CLINICIAN), world.ada.id, at=NOW) == []


def test_a_delayed_infusion_re_anchors_the_plan_and_reports_each_move(db_session, world, started):
    course = started.course
    before = _rows(db_session, course)
    old_end = course.end_of_chemo
    delayed = courses.record_infusion(
        db_session, world.actor(Role.COORDINATOR), course.id,
        InfusionRecordIn(version=course.version, cycle=2, delay_days=7, reason="ANC 900"), KNOWLEDGE, at=NOW,
    )  # fmt: skip
    assert course.end_of_chemo == old_end + timedelta(days=7)
    assert (delayed.version.number, delayed.version.current) == (2, True)
    assert delayed.moves, "a week's delay in cycle 2 moves the later sessions"
    after = _rows(db_session, course)
    for move in delayed.moves:
        assert before[move.key][1].isoformat() == move.before
        if move.after is not None:
            assert after[move.key] == ("planned", date.fromisoformat(move.after))
    unmoved = set(before) - {m.key for m in delayed.moves}
    assert all(after[key] == before[key] for key in unmoved)
    history = plans.list_versions(db_session, world.actor(Role.CLINICIAN), world.ada.id, at=NOW)
    assert [(v.number, v.current) for v in history] == [(2, True), (1, False)]  # the old version is kept
    assert history[0].moved == [
        {"key": m.key, "label": m.label, "before": m.before, "after": m.after} for m in delayed.moves
    ]


def test_a_preview_shows_the_moves_and_keeps_nothing(db_session, world, started):
    course = started.course
    rows, head, version = _rows(db_session, course), _head(db_session), course.version
    data = InfusionRecordIn(version=course.version, cycle=3, delay_days=5)
    shown = courses.record_infusion(
        db_session, world.actor(Role.COORDINATOR), course.id, data, KNOWLEDGE, at=NOW, preview=True
    )
    assert shown.moves
    assert shown.version.number == 2
    assert (_rows(db_session, course), _head(db_session), course.version) == (rows, head, version)
    assert db_session.scalar(select(func.count()).select_from(PlanVersion)) == 1
    saved = courses.record_infusion(db_session, world.actor(Role.COORDINATOR), course.id, data, KNOWLEDGE, at=NOW)
    assert saved.moves == shown.moves  # the preview was the truth


def test_a_stale_infusion_record_is_refused_and_changes_nothing(db_session, world, started):
    course, coordinator = started.course, world.actor(Role.COORDINATOR)
    seen = course.version
    courses.record_infusion(
        db_session, coordinator, course.id, InfusionRecordIn(version=seen, cycle=2, delay_days=3), KNOWLEDGE, at=NOW
    )
    rows, end = _rows(db_session, course), course.end_of_chemo
    with pytest.raises(Conflict) as stale:
        courses.record_infusion(
            db_session, coordinator, course.id, InfusionRecordIn(version=seen, cycle=2, skipped=True), KNOWLEDGE, at=NOW
        )
    assert stale.value.code == "stale_edit"
    assert (_rows(db_session, course), course.end_of_chemo) == (rows, end)


def test_an_infusion_record_names_exactly_one_outcome():
    with pytest.raises(ValidationError, match="exactly one"):
        InfusionRecordIn(version=1, cycle=2, delay_days=7, skipped=True)
    with pytest.raises(ValidationError, match="exactly one"):
        InfusionRecordIn(version=1, cycle=2)


def test_changing_the_protocol_files_a_new_version_and_keeps_the_old(db_session, world, started):
    change = PlanChangeIn(protocol="regrowth-only", adjuncts=["minoxidil"], reason="Patient declined priming")
    changed = courses.change_plan(db_session, world.actor(Role.COORDINATOR), world.ada.id, change, KNOWLEDGE, at=NOW)
    assert (changed.version.number, changed.version.protocol_id, changed.version.adjuncts) == (
        2,
        "regrowth-only",
        ["minoxidil"],
    )
    stored = plans.current_plan(db_session, world.ada_actor, world.ada.id, KNOWLEDGE, at=NOW)
    assert stored.version.id == changed.version.id
    cancelled = [r for r in db_session.scalars(select(TherapySession)) if r.status == "cancelled"]
    assert cancelled
    assert all("version 2" in (r.cancel_reason or "") for r in cancelled)


def test_the_plan_read_keeps_assessments_off_the_clinics_closed_days_and_ignores_other_clinics(
    db_session, world, started
):
    before = plans.current_plan(db_session, world.ada_actor, world.ada.id, KNOWLEDGE, at=NOW).full.plan.assessments
    first, last = before[0].date, before[-1].date
    north, south = world.ada.clinic_id, world.actor(Role.CLINICIAN, clinic="south").clinic_id
    db_session.add_all([ClosedDay(clinic_id=north, day=first), ClosedDay(clinic_id=north, day=last)])
    db_session.add(ClosedDay(clinic_id=south, day=first + timedelta(days=1)))  # another clinic's: no effect here
    db_session.flush()

    read = reads.plan_read(db_session, north, world.ada.id)
    assert read is not None
    assert sorted(read.closed_days) == sorted({first, last})
    after = plans.current_plan(db_session, world.ada_actor, world.ada.id, KNOWLEDGE, at=NOW).full.plan.assessments
    assert [a.label for a in after] == [a.label for a in before]
    assert {a.date for a in after}.isdisjoint({first, last})
    assert after[0].date == first + timedelta(days=1)  # the next day: North is open, whatever South does


def test_the_plan_read_carries_the_same_rows_as_the_queries_it_replaced(db_session, world, started):
    """plan_read brings the session states and infusion records as JSON columns: their dates, flags and order
    must come back exactly as the row queries give them, on both databases."""
    course = started.course
    coordinator = world.actor(Role.COORDINATOR)
    for change in ({"cycle": 2, "delay_days": 7}, {"cycle": 3, "skipped": True}):  # course.version is kept current
        record = InfusionRecordIn(version=course.version, **change)
        courses.record_infusion(db_session, coordinator, course.id, record, KNOWLEDGE, at=NOW)
    read = reads.plan_read(db_session, world.ada.clinic_id, world.ada.id)
    assert read is not None
    assert read.course is not None
    assert read.course.id == course.id
    assert read.version is not None
    assert read.version.current
    assert sorted(read.sessions) == sorted(repository.session_states(db_session, course.clinic_id, course.id))
    assert read.infusions == repository.infusion_changes(db_session, course.clinic_id, course.id)
    assert [(r.cycle, r.delay_days, r.skipped) for r in read.infusions] == [(2, 7, False), (3, 0, True)]
    assert all(isinstance(s.planned_on, date) for s in read.sessions)
    assert reads.plan_read(db_session, world.ada.clinic_id, world.bea.id).course is None  # no course yet
    assert reads.plan_read(db_session, world.actor(Role.CLINICIAN, clinic="south").clinic_id, world.ada.id) is None


def test_the_plan_read_with_the_token_carries_what_the_plan_read_does_and_stays_in_the_tokens_clinic(
    db_session, world, started
):
    """token_plan_read (the plan lane's one statement) must bring the same rows as plan_read, the token's holder
    as the token check reads it, and nothing of a patient outside the holder's clinic."""
    delay = InfusionRecordIn(version=started.course.version, cycle=2, delay_days=7)
    courses.record_infusion(db_session, world.actor(Role.COORDINATOR), started.course.id, delay, KNOWLEDGE, at=NOW)
    db_session.add(ClosedDay(clinic_id=world.ada.clinic_id, day=NOW.date() + timedelta(days=30)))
    clinician = world.users[("North", Role.CLINICIAN)]
    _, plain = accounts.create_token(db_session, clinician, "lane", at=NOW)
    db_session.flush()
    connection = db_session.connection()

    general = reads.plan_read(db_session, world.ada.clinic_id, world.ada.id)
    read = reads.token_plan_read(connection, token_hash(plain), world.ada.id)
    assert general is not None
    assert general.course is not None
    assert general.version is not None
    assert read is not None
    assert read.credentials == accounts.repository.credentials(db_session, token_hash(plain))
    assert read.credentials.user_id == clinician.id
    patient = general.patient
    assert read.patient == (patient.id, patient.clinic_id, patient.date_of_birth, patient.aga_stage,
                            patient.conditions, patient.anticoagulated)  # fmt: skip
    course, version = general.course, general.version
    assert read.course == (course.id, course.clinic_id, course.regimen_id, course.custom_regimen, course.first_infusion)
    assert read.version == (version.id, version.number, version.protocol_id, version.protocol_version,
                            version.adjuncts, version.planned_from)  # fmt: skip
    assert version.number == 2
    assert (read.closed_weekdays, sorted(read.closed_days)) == (general.closed_weekdays, sorted(general.closed_days))
    assert read.closed_days
    assert sorted(read.sessions) == sorted(general.sessions)
    assert read.infusions == general.infusions != []

    no_course = reads.token_plan_read(connection, token_hash(plain), world.bea.id)
    assert no_course is not None
    assert no_course.patient is not None
    assert (no_course.course, no_course.version, no_course.sessions, no_course.infusions) == (None, None, [], [])
    south = world.users[("South", Role.CLINICIAN)]
    _, southern = accounts.create_token(db_session, south, "lane", at=NOW)
    db_session.flush()
    elsewhere = reads.token_plan_read(connection, token_hash(southern), world.ada.id)
    assert elsewhere is not None
    assert elsewhere.credentials.user_id == south.id
    assert (elsewhere.patient, elsewhere.course, elsewhere.version) == (None, None, None)
    assert (elsewhere.sessions, elsewhere.infusions) == ([], [])
    assert reads.token_plan_read(connection, token_hash("exo_made-up"), world.ada.id) is None


def test_courses_are_hidden_from_other_patients_and_other_clinics(db_session, world, started):
    course = started.course
    for outsider in (world.bea_actor, world.actor(Role.CLINICIAN, clinic="south")):
        with pytest.raises(NotFound):
            courses.get_course(db_session, outsider, course.id, at=NOW)
        with pytest.raises(NotFound):
            plans.current_plan(db_session, outsider, world.ada.id, KNOWLEDGE, at=NOW)
    with pytest.raises(Forbidden):
        courses.record_infusion(
            db_session, world.actor(Role.ONCOLOGIST), course.id,
            InfusionRecordIn(version=course.version, cycle=2, delay_days=1), KNOWLEDGE, at=NOW,
        )  # fmt: skip
    with pytest.raises(Forbidden):
        plans.current_plan(db_session, world.actor(Role.RESEARCHER), world.ada.id, KNOWLEDGE, at=NOW)


# --- performing sessions --------------------------------------------------------------------------------------


def _first_session(session, course) -> TherapySession:
    found = select(TherapySession).where(TherapySession.course_id == course.id).order_by(TherapySession.planned_on)
    return session.scalars(found).first()


def _perform(row, lot, on: date, **fields) -> PerformIn:
    values = {"version": row.version, "performed_on": on, "product_lot_id": lot.id, "dose_ml": 2.0}
    return PerformIn.model_validate(values | {"scalp_sites": ["vertex", "frontal"]} | fields)


def _nadir_day(session, started) -> date:
    calendar = inputs.course_calendar(session, KNOWLEDGE, started.course)
    first = next(i for i in calendar.given if i.nadir is not None)
    return first.nadir.start + timedelta(days=1)


def test_labs_are_judged_on_the_sessions_day_not_on_the_day_the_gate_is_checked(db_session, world, started):
    """Counts drawn today are fresh for a session today, stale for one later than the allowed age, and a session
    entered after the fact is judged by the counts of its own day."""
    row = _first_session(db_session, started.course)
    _, lot = ready_for_sessions(db_session, world, on=NOW.date())  # counts drawn the day before NOW
    max_hours = KNOWLEDGE.gates.labs_max_age_hours
    later = NOW.date() + timedelta(days=max_hours // 24 + 2)
    today = sessions.check_gate(db_session, world.actor(Role.CLINICIAN), row.id, KNOWLEDGE, on=NOW.date(), at=NOW,
                                product_lot_id=lot.id)  # fmt: skip
    assert "labs_stale" not in today.codes
    ahead = sessions.check_gate(db_session, world.actor(Role.CLINICIAN), row.id, KNOWLEDGE, on=later, at=NOW,
                                product_lot_id=lot.id)  # fmt: skip
    assert "labs_stale" in ahead.codes
    afterwards = NOW + timedelta(days=30)  # entered a month later: the counts of NOW still judge the day of NOW
    back = sessions.check_gate(db_session, world.actor(Role.CLINICIAN), row.id, KNOWLEDGE, on=NOW.date(),
                               at=afterwards, product_lot_id=lot.id)  # fmt: skip
    assert "labs_stale" not in back.codes


def test_the_worklists_batch_gate_answers_as_the_one_session_gate_for_past_and_future_days(db_session, world, started):
    rows = sorted(
        (r for r in db_session.scalars(select(TherapySession).where(TherapySession.course_id == started.course.id))
         if r.planned_on is not None),
        key=lambda r: r.planned_on,
    )  # fmt: skip
    ready_for_sessions(db_session, world, on=rows[0].planned_on)
    at = NOW + timedelta(days=30)  # the first session's day is past; later ones are not
    later = NOW.replace(hour=8) + timedelta(days=(rows[0].planned_on - NOW.date()).days + 5)  # after the first day
    drawn = LabsIn(taken_at=later, anc_per_ul=900)  # low: judging the first session by it would refuse it
    labs.record_labs(db_session, world.actor(Role.CLINICIAN), world.ada.id, drawn, at=at)
    batch = sessions.gates_on_planned_days(db_session, KNOWLEDGE, rows, at=at)
    one = [sessions.check_gate(db_session, world.actor(Role.CLINICIAN), r.id, KNOWLEDGE, on=r.planned_on, at=at)
           for r in rows]  # fmt: skip
    assert [b.codes for b in batch] == [o.codes for o in one]


def test_a_session_with_nothing_on_file_is_refused_with_every_reason(db_session, world, started):
    row = _first_session(db_session, started.course)
    lot = products.add_lot(
        db_session, world.actor(Role.CLINICIAN),
        LotIn(product="ExoDerm", source_cells="MSC", manufacturer="Acme", lot_number="L-9", expires_on=date(2027, 2, 1),
              stock_on_hand=1),
        at=NOW,
    )  # fmt: skip
    with pytest.raises(GateRefused) as refused:
        sessions.perform_session(
            db_session, world.actor(Role.CLINICIAN), row.id, _perform(row, lot, row.planned_on), KNOWLEDGE, at=NOW
        )
    codes = {r["code"] for r in refused.value.extensions()["reasons"]}
    assert {"clearance_missing", "consent_missing", "labs_missing", "product_expired"} <= codes
    assert refused.value.http_status == 409
    assert (row.status, lot.stock_on_hand) == ("planned", 1)


def test_in_nadir_the_gate_refuses_a_coordinator_cannot_override_and_a_clinician_can(db_session, world, started):
    nadir = _nadir_day(db_session, started)
    _, lot = ready_for_sessions(db_session, world, on=nadir)
    row = _first_session(db_session, started.course)
    clinician = world.actor(Role.CLINICIAN)
    with pytest.raises(GateRefused) as refused:
        sessions.perform_session(db_session, clinician, row.id, _perform(row, lot, nadir), KNOWLEDGE, at=NOW)
    assert "in_nadir" in {r["code"] for r in refused.value.extensions()["reasons"]}
    with pytest.raises(Forbidden):
        sessions.perform_session(
            db_session, world.actor(Role.COORDINATOR), row.id,
            _perform(row, lot, nadir, override_reason="Patient travelling, oncologist agreed by phone"), KNOWLEDGE,
            at=NOW,
        )  # fmt: skip
    head = _head(db_session)
    done = sessions.perform_session(
        db_session, clinician, row.id,
        _perform(row, lot, nadir, override_reason="Counts checked same day, ANC 2500; oncologist agreed"), KNOWLEDGE,
        at=NOW,
    )  # fmt: skip
    assert (done.status, done.performed_on, done.operator_id) == ("performed", nadir, clinician.user_id)
    assert done.gate_result["passed"] is False
    assert "in_nadir" in {r["code"] for r in done.gate_result["reasons"]}
    assert done.override_reason.startswith("Counts checked")
    assert (done.product_lot_id, done.dose_particles, lot.stock_on_hand) == (lot.id, 2e9, 4)
    db_session.commit()
    (entry,) = db_session.scalars(select(AuditEntry).where(AuditEntry.seq > head)).all()
    assert (entry.action, entry.record_type, entry.actor_id) == ("override", "therapy_session", clinician.user_id)
    assert "in_nadir" in entry.changes["gate_reasons"]
    assert verify_trail(db_session).intact


def test_a_session_on_a_valid_day_is_performed_and_revoking_clearance_blocks_the_next(db_session, world, started):
    row = _first_session(db_session, started.course)
    clearance, lot = ready_for_sessions(db_session, world, on=row.planned_on)
    clinician = world.actor(Role.CLINICIAN)
    check = sessions.check_gate(
        db_session, clinician, row.id, KNOWLEDGE, on=row.planned_on, at=NOW, product_lot_id=lot.id
    )
    assert check.passed, [r.code for r in check.reasons]
    done = sessions.perform_session(
        db_session, clinician, row.id, _perform(row, lot, row.planned_on), KNOWLEDGE, at=NOW
    )
    assert (done.status, done.gate_result["passed"], done.override_reason) == ("performed", True, None)
    with pytest.raises(Conflict):  # performing twice
        sessions.perform_session(db_session, clinician, row.id, _perform(done, lot, row.planned_on), KNOWLEDGE, at=NOW)
    clearances.revoke_clearance(
        db_session, world.actor(Role.ONCOLOGIST), clearance.id,
        ClearanceRevoke(version=clearance.version, revoked_on=NOW.date(), reason="Disease progression"), at=NOW,
    )  # fmt: skip
    upcoming = [
        r for r in db_session.scalars(select(TherapySession).where(TherapySession.status == "planned"))
        if r.planned_on > row.planned_on
    ]  # fmt: skip
    result = sessions.check_gate(db_session, clinician, upcoming[0].id, KNOWLEDGE, on=upcoming[0].planned_on, at=NOW)
    assert "clearance_revoked" in result.codes


def test_cancelling_needs_the_current_version_and_is_audited(db_session, world, started):
    row = _first_session(db_session, started.course)
    coordinator = world.actor(Role.COORDINATOR)
    seen = row.version
    cancelled = sessions.cancel_session(db_session, coordinator, row.id, CancelIn(version=seen, reason="Ill"), at=NOW)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Ill")
    with pytest.raises(Conflict):
        sessions.cancel_session(db_session, coordinator, row.id, CancelIn(version=seen, reason="Again"), at=NOW)
    assert row.cancel_reason == "Ill"
    own = sessions.find_sessions(db_session, world.ada_actor, at=NOW)
    assert own
    assert all(s.patient_id == world.ada.id for s in own)
    with pytest.raises(NotFound):  # not Forbidden: whether Bea has a chart here is not Ada's to know
        sessions.find_sessions(db_session, world.ada_actor, at=NOW, patient_id=world.bea.id)
