"""The role rules of the records hold on every page as in the API: each page × each role, the outsiders (another
patient, another clinic) answered as for a record that does not exist, anonymous visitors sent to sign in, and
every page that shows patient data leaves an audit entry naming the patient."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry, ChemoCourse, TherapySession
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.clearances import service as clearances
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

AD, CO, CL, ON, P, R = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT, Role.RESEARCHER)
ALL = (AD, CO, CL, ON, P, R)
STAFF = (CO, CL, ON)


@pytest.fixture
def ada_chart(api) -> str:
    data = CourseIn(regimen="AC-T", first_infusion=date(2027, 3, 15), protocol="priming-in-cycle-regrowth")
    courses.start_course(api.session, api.world.actor(CO), api.world.ada.id, data, shipped_knowledge(), at=NOW)
    api.session.commit()
    return f"/patients/{api.world.ada.id}"


@pytest.fixture
def ada_clearance(api, ada_chart) -> str:
    clearance = clearances.request_clearance(api.session, api.world.actor(CO), api.world.ada.id, at=NOW)
    api.session.commit()
    return f"/clearances/{clearance.id}"


def expected(path: str, role: Role) -> int:
    if path == "/":
        return 303  # everyone is sent to where their work is (the researcher to the evidence)
    if path == "/analytics":
        return 200 if role in (*STAFF, R) else 403  # aggregates only: staff and researchers
    if path in ("/analytics/registry.csv", "/analytics/research.zip"):
        return 200 if role is R else 403  # rows per patient, de-identified: researchers only
    if path.startswith("/admin/"):
        return 200 if role is AD else 403  # the clinic's settings: accounts, protocols, tariffs, closed days
    if path.startswith("/my/"):
        return 200 if role is P else 404
    if path == "/patients":
        return {P: 303, AD: 403, R: 403}.get(role, 200)
    if path.startswith("/patients/"):
        return {P: 303, AD: 403, R: 403}.get(role, 200)  # Ada's own chart: sent to her portal
    if path == "/clearances":
        return 200 if role is ON else 403  # the inbox is the oncologist's
    if path.startswith("/clearances/"):
        return 200 if role in STAFF else 403  # a request: read by staff, decided by the oncologist
    if path.startswith("/sessions/"):
        return 200 if role in STAFF else 403  # the gate's checklist is clinical: staff only
    if path == "/intake":
        return 200 if role in (CO, CL) else 403  # those who may register a patient and start a course
    if path.startswith("/courses/"):
        return 200 if role in (CO, CL) else 403  # those who may record a delay
    return 200 if role in STAFF else 403  # /today


PAGES = [
    "/", "/today", "/patients", "CHART", "CHART?tab=plan", "CHART?tab=hair", "CHART?tab=consent", "CHART?tab=billing",
    "/my/plan", "/my/consent", "/my/assessment", "/my/costs", "/my/guide", "/my/questionnaires",
    "/my/questionnaires/hair-check",
    "/clearances", "CLEARANCE", "SESSION", "DELAY", "/intake",
    "/admin/users", "/admin/knowledge", "/admin/knowledge/protocols.yaml", "/admin/knowledge/tariffs.yaml",
    "/admin/knowledge/consent.yaml", "/admin/knowledge/instruments.yaml", "/admin/closed-days", "/admin/sites",
    "/analytics", "/analytics/registry.csv", "/analytics/research.zip", "/analytics/research.zip?format=redcap",
    "/my/patients-like-me", "CHART/patients-like-this",
]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_page_for_every_role(api, ada_chart, ada_clearance, path):
    path = path.replace("CHART", ada_chart).replace("CLEARANCE", ada_clearance)
    path = path.replace("SESSION", _first_session(api)).replace("DELAY", f"/courses/{_course_id(api)}/infusion")
    wrong = []
    for role in ALL:
        answer = api.as_(role).get(path, follow_redirects=False)
        if answer.status_code != expected(path.split("?")[0], role):
            wrong.append(f"{role.value}: {answer.status_code}")
        elif answer.status_code == 200:
            assert "content-security-policy" in answer.headers
            assert "'unsafe-inline'" not in answer.headers["content-security-policy"]
    assert not wrong, f"{path}: " + ", ".join(wrong)


@pytest.mark.parametrize("tab", ["timeline", "plan", "hair", "consent", "billing"])
def test_outsiders_get_the_page_a_made_up_chart_gets(api, ada_chart, tab):
    made_up = api.as_(CO).get(f"/patients/{uuid.uuid4()}?tab={tab}")
    assert made_up.status_code == 404
    for outsider in (api.as_bea(), api.as_(CO, clinic="south"), api.as_(CL, clinic="south")):
        answer = outsider.get(f"{ada_chart}?tab={tab}", follow_redirects=False)
        assert (answer.status_code, _main(answer.text)) == (404, _main(made_up.text))


def test_the_oncologist_has_no_billing_tab(api, ada_chart):
    answer = api.as_(ON).get(f"{ada_chart}?tab=billing")
    assert answer.status_code == 200
    assert "Billing" not in re.findall(r'aria-label="Chart sections">(.*?)</nav>', answer.text, re.S)[0]
    assert 'id="tl-h"' in answer.text  # shown the timeline instead


@pytest.mark.parametrize("path", ["/", "/today", "/patients?q=able", "CHART", "/my/plan"])
def test_anonymous_visitors_are_sent_to_sign_in_and_back(api, ada_chart, path):
    path = path.replace("CHART", ada_chart)
    answer = api.anonymous().get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=")
    assert path.split("?")[0] in answer.headers["location"]


@pytest.mark.parametrize("path", PAGES)
def test_a_made_up_token_is_sent_to_sign_in_on_every_page(api, ada_chart, ada_clearance, path):
    """Pages check the credential inside the route, as the API does (web/deps.py): none may answer without it."""
    path = path.replace("CHART", ada_chart).replace("CLEARANCE", ada_clearance)
    path = path.replace("SESSION", _first_session(api)).replace("DELAY", f"/courses/{_course_id(api)}/infusion")
    answer = api.anonymous().get(path, headers={"Authorization": "Bearer exo_madeup"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=")


def test_a_chart_visit_is_audited_naming_the_patient(api, ada_chart):
    before = _entries_naming(api, api.world.ada.id)
    assert api.as_(CL).get(ada_chart).status_code == 200
    after = _entries_naming(api, api.world.ada.id)
    assert len(after) > len(before)
    assert {"read", "search"} <= {e.action for e in after[len(before) :]}


def test_sign_in_and_sign_out_need_the_forms_csrf_token(api):
    accounts.create_user(api.session, api.world.north, email="pw@north.test", display_name="Pw", role="clinician",
                         password="correct horse battery", at=NOW)  # fmt: skip
    api.session.commit()
    client = api.client
    form = client.get("/sign-in")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    fields = {"email": "pw@north.test", "password": "correct horse battery", "clinic": "North"}
    forged = client.post("/sign-in", data=fields | {"csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 400
    assert 'value="pw@north.test"' in forged.text  # what was typed is kept
    signed = client.post("/sign-in", data=fields | {"csrf": token}, follow_redirects=False)
    assert signed.status_code == 303
    assert client.get("/today", follow_redirects=False).status_code == 200
    page_token = re.search(r'name="csrf" value="([^"]+)"', client.get("/today").text).group(1)
    assert client.post("/sign-out", data={"csrf": "forged"}, follow_redirects=False).status_code == 400
    assert client.get("/today", follow_redirects=False).status_code == 200  # still signed in
    assert client.post("/sign-out", data={"csrf": page_token}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get("/today", follow_redirects=False).status_code == 303


def test_sign_in_sends_only_to_local_addresses(api):
    form = api.client.get("/sign-in?next=//evil.example/x")
    assert 'name="next" value=""' in form.text


def _entries_naming(api, patient_id: uuid.UUID) -> list[AuditEntry]:
    api.session.expire_all()
    named = str(patient_id)
    entries = api.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    return [
        e for e in entries
        if e.record_id == named or (e.changes or {}).get("patient_id") == named
        or named in (e.changes or {}).get("disclosed", [])
    ]  # fmt: skip


def _course_id(api) -> str:
    return str(api.session.scalars(select(ChemoCourse.id).where(ChemoCourse.patient_id == api.world.ada.id)).one())


def _first_session(api) -> str:
    query = select(TherapySession.id).where(TherapySession.patient_id == api.world.ada.id)
    return f"/sessions/{api.session.scalars(query.order_by(TherapySession.planned_on)).first()}"


def _main(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)
