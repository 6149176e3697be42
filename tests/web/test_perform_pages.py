"""Performing a session on its page: the gate's checklist for the chosen day, a refusal in a nadir window with
every reason, the clinician's override with a reason, and the coordinator who can neither record nor override."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exohair.db.models import AdverseEvent, TherapySession
from exohair.domain.access import Role
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.plans import inputs
from exohair.knowledge import shipped_knowledge
from personas import NOW, ready_for_sessions

CL, CO = Role.CLINICIAN, Role.COORDINATOR
KNOWLEDGE = shipped_knowledge()


@pytest.fixture
def course(api):
    data = CourseIn(regimen="AC-T", first_infusion=date(2027, 3, 15), protocol="priming-in-cycle-regrowth")
    started = courses.start_course(api.session, api.world.actor(CO), api.world.ada.id, data, KNOWLEDGE, at=NOW)
    ready_for_sessions(api.session, api.world, on=NOW.date())
    api.session.commit()
    return started.course


@pytest.fixture
def first(api, course) -> TherapySession:
    query = select(TherapySession).where(TherapySession.course_id == course.id).order_by(TherapySession.planned_on)
    return api.session.scalars(query).first()


def _nadir_day(api, course) -> date:
    calendar = inputs.course_calendar(api.session, KNOWLEDGE, course)
    return next(i for i in calendar.given if i.nadir is not None).nadir.start + timedelta(days=1)


def _perform_form(html: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/sessions/[^"]+/perform".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_page_shows_the_checklist_passing_on_the_planned_day(api, first):
    page = api.as_(CL).get(f"/sessions/{first.id}")
    assert page.status_code == 200
    gate = re.search(r'id="gate-h">(.*?)</h2>', page.text, re.S).group(1)
    assert "passes" in gate
    assert page.text.count('<li class="pass">') == 6  # clearance, consent, labs, calendar, contraindications, lot


def test_in_a_nadir_window_the_gate_refuses_and_a_clinician_may_override_with_a_reason(api, course, first):
    nadir = _nadir_day(api, course)
    page = api.as_(CL).get(f"/sessions/{first.id}?on={nadir.isoformat()}")
    assert "refuses" in re.search(r'id="gate-h">(.*?)</h2>', page.text, re.S).group(1)
    assert '<li class="fail">' in page.text
    hidden = _perform_form(page.text)
    refused = api.as_(CL).post(f"/sessions/{first.id}/perform", data=hidden | {"dose_ml": "2", "site_vertex": "1"})
    assert refused.status_code == 422
    assert "The gate refused this session" in refused.text
    assert 'value="2"' in refused.text  # the dose typed is kept
    api.session.expire_all()
    assert api.session.get_one(TherapySession, first.id).status == "planned"
    short = hidden | {"dose_ml": "2", "site_vertex": "1", "override_reason": "ok"}
    too_short = api.as_(CL).post(f"/sessions/{first.id}/perform", data=short)
    assert 'id="override-error"' in too_short.text
    done = api.as_(CL).post(
        f"/sessions/{first.id}/perform", follow_redirects=False,
        data=hidden | {"dose_ml": "2", "site_vertex": "1", "override_reason": "Oncologist agreed by phone today"},
    )  # fmt: skip
    assert done.status_code == 303
    api.session.expire_all()
    row = api.session.get_one(TherapySession, first.id)
    assert (row.status, row.performed_on, row.override_reason) == (
        "performed",
        nadir,
        "Oncologist agreed by phone today",
    )


def test_on_a_valid_day_the_clinician_records_the_session(api, first):
    page = api.as_(CL).get(f"/sessions/{first.id}")
    data = _perform_form(page.text) | {"dose_ml": "2.5", "site_vertex": "1", "site_frontal": "1"}
    assert api.as_(CL).post(f"/sessions/{first.id}/perform", data=data, follow_redirects=False).status_code == 303
    api.session.expire_all()
    row = api.session.get_one(TherapySession, first.id)
    assert (row.status, row.dose_ml, row.scalp_sites, row.override_reason) == (
        "performed",
        2.5,
        ["vertex", "frontal"],
        None,
    )


def test_the_coordinator_sees_the_checklist_but_cannot_record_or_override(api, course, first):
    nadir = _nadir_day(api, course)
    page = api.as_(CO).get(f"/sessions/{first.id}?on={nadir.isoformat()}")
    assert page.status_code == 200
    assert "/perform" not in page.text
    assert "only a clinician may go ahead" in page.text
    hidden = _perform_form(api.as_(CL).get(f"/sessions/{first.id}?on={nadir.isoformat()}").text)
    hidden["csrf"] = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # the coordinator's own token
    insist = hidden | {"dose_ml": "2", "site_vertex": "1", "override_reason": "I insist, really"}
    answer = api.as_(CO).post(f"/sessions/{first.id}/perform", data=insist)
    assert answer.status_code == 403
    api.session.expire_all()
    assert api.session.get_one(TherapySession, first.id).status == "planned"


def test_another_patient_and_another_clinic_get_the_made_up_answer(api, first):
    for outsider in (api.as_bea(), api.as_(CL, clinic="south")):
        assert outsider.get(f"/sessions/{first.id}", follow_redirects=False).status_code == 404


def test_after_a_session_the_clinician_reports_an_adverse_event_traced_to_its_lot(api, first):
    page = api.as_(CL).get(f"/sessions/{first.id}")
    data = _perform_form(page.text) | {"dose_ml": "2", "site_vertex": "1"}
    assert api.as_(CL).post(f"/sessions/{first.id}/perform", data=data, follow_redirects=False).status_code == 303
    performed = api.as_(CL).get(f"/sessions/{first.id}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', performed).group(1)
    event = {"csrf": csrf, "ctcae_term": "Scalp pain", "onset_on": NOW.date().isoformat(), "grade": "1",
             "relatedness": "possible"}  # fmt: skip
    unsure = api.as_(CL).post(f"/sessions/{first.id}/adverse-events", data=event)
    assert unsure.status_code == 422
    assert 'id="ae-serious-error"' in unsure.text
    assert 'value="Scalp pain"' in unsure.text  # kept
    done = api.as_(CL).post(f"/sessions/{first.id}/adverse-events", data=event | {"serious": "no"},
                            follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    api.session.expire_all()
    stored = api.session.scalars(select(AdverseEvent)).one()
    row = api.session.get_one(TherapySession, first.id)
    assert (stored.session_id, stored.product_lot_id, stored.grade, stored.serious) == (
        row.id,
        row.product_lot_id,
        1,
        False,
    )


def test_the_coordinator_may_not_report_an_adverse_event(api, first):
    page = api.as_(CO).get(f"/sessions/{first.id}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = api.as_(CO).post(f"/sessions/{first.id}/adverse-events", data={
        "csrf": csrf, "ctcae_term": "Scalp pain", "onset_on": NOW.date().isoformat(), "grade": "1",
        "relatedness": "possible", "serious": "no"})  # fmt: skip
    assert answer.status_code == 403
    api.session.expire_all()
    assert api.session.scalars(select(AdverseEvent)).all() == []
