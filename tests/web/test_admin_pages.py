"""The admin's pages: staff accounts, protocols and tariffs, closed days. Each action works from its form, a bad
or stale one is refused with the reason beside it and what was typed kept, and other roles are refused."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exohair.db.models import ClosedDay, KnowledgeRevision, User
from exohair.domain.access import Role
from exohair.knowledge import load_knowledge
from personas import NOW

AD = Role.ADMIN
TARIFFS = load_knowledge().texts["tariffs.yaml"]
NOT_ADMIN = (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT, Role.RESEARCHER)


def _csrf(api, role: Role = AD) -> str:
    page = api.as_(role).get("/today" if role is not AD else "/admin/users").text
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)


def _post(api, path: str, as_role: Role = AD, **fields: str):
    return api.as_(as_role).post(path, data=fields | {"csrf": _csrf(api, as_role)}, follow_redirects=False)


def _count(api, model, *where) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_admin_signs_in_to_the_staff_list(api):
    home = api.as_(AD).get("/", follow_redirects=False)
    assert home.headers["location"] == "/admin/users"
    page = api.as_(AD).get("/admin/users").text
    assert "coordinator@north.test" in page
    assert "@south.test" not in page, "another clinic's accounts"
    assert "@patients.test" not in page, "patient accounts are patient data"


def test_adding_an_account_keeps_what_was_typed_when_refused(api):
    refused = _post(api, "/admin/users", display_name="Nia Nurse", email="nia@north.test", role="clinician",
                     password="short")  # fmt: skip
    assert refused.status_code == 422
    assert 'value="Nia Nurse"' in refused.text
    assert 'value="nia@north.test"' in refused.text
    assert "short" not in re.findall(r'id="password"[^>]*>', refused.text)[0], "a password is never sent back"
    assert "at least 12 characters" in refused.text
    assert _count(api, User, User.email == "nia@north.test") == 0
    added = _post(api, "/admin/users", display_name="Nia Nurse", email="nia@north.test", role="clinician",
                  password="a long enough passphrase")  # fmt: skip
    assert (added.status_code, added.headers["location"]) == (303, "/admin/users?saved=added")
    assert "Account added." in api.as_(AD).get(added.headers["location"]).text
    assert _count(api, User, User.email == "nia@north.test", User.role == "clinician") == 1


def test_a_stale_role_change_is_refused_and_says_so(api):
    nurse = api.world.users[("North", Role.CLINICIAN)]
    seen = str(nurse.version)
    first = _post(api, f"/admin/users/{nurse.id}", role="coordinator", active="1", version=seen)
    assert first.status_code == 303
    stale = _post(api, f"/admin/users/{nurse.id}", role="oncologist", active="1", version=seen)
    assert stale.status_code == 409
    assert "changed by someone else" in html.unescape(stale.text)
    api.session.expire_all()
    assert api.session.get(User, nurse.id).role == "coordinator"


def test_deactivating_an_account_signs_it_out(api):
    nurse = api.world.users[("North", Role.CLINICIAN)]
    assert api.as_(Role.CLINICIAN).get("/today").status_code == 200
    _post(api, f"/admin/users/{nurse.id}", role="clinician", version=str(nurse.version))  # no `active`: unticked
    answer = api.as_(Role.CLINICIAN).get("/today", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in?next=/today")


def test_the_knowledge_page_shows_what_is_in_force_with_its_sources(api):
    page = html.unescape(api.as_(AD).get("/admin/knowledge").text)
    assert "Priming + in-cycle + regrowth" in page
    assert "the default shipped with exohair" in page
    assert "USD 2,000.00" in page  # the shipped expected session price
    assert "clinical.md §9" in page


def test_publishing_tariffs_from_the_editor(api):
    editor = api.as_(AD).get("/admin/knowledge/tariffs.yaml").text
    assert html.unescape(editor).count('version: "2026-11-24.1"') == 1, "the editor holds the file in force, as written"
    changed = TARIFFS.replace("expected_cents: 200000", "expected_cents: 180000", 1)
    refused = _post(api, "/admin/knowledge/tariffs.yaml", text=changed, note="New prices", seen="0")
    assert refused.status_code == 422
    assert "version: is still" in html.unescape(refused.text)
    assert "expected_cents: 180000" in refused.text, "the text as typed is kept"
    assert 'value="New prices"' in refused.text
    assert _count(api, KnowledgeRevision) == 0
    published = _post(api, "/admin/knowledge/tariffs.yaml", note="New prices", seen="0",
                      text=changed.replace('"2026-11-24.1"', '"north-2027"'))  # fmt: skip
    assert published.headers["location"] == "/admin/knowledge?published=tariffs.yaml"
    page = html.unescape(api.as_(AD).get(published.headers["location"]).text)
    assert "USD 1,800.00" in page
    assert "revision 1" in page
    stale = _post(api, "/admin/knowledge/tariffs.yaml", note="Other", seen="0",
                  text=changed.replace('"2026-11-24.1"', '"north-2027b"'))  # fmt: skip
    assert stale.status_code == 409
    assert "published again" in html.unescape(stale.text)


def test_a_broken_protocols_file_is_refused_with_where_it_is_wrong(api):
    refused = _post(api, "/admin/knowledge/protocols.yaml", text="version: 1\nprotocols: [", note="x", seen="0")
    assert refused.status_code == 422
    assert "your protocols.yaml: line" in refused.text
    assert "protocols: [" in refused.text


def test_closing_weekdays_and_a_holiday(api):
    clinic = api.world.north
    saved = _post(api, "/admin/closed-days/weekdays", closed_sun="1", version=str(clinic.version))
    assert saved.headers["location"] == "/admin/closed-days?saved=weekdays"
    holiday = (NOW.date() + timedelta(days=30)).isoformat()
    added = _post(api, "/admin/closed-days", day=holiday, reason="Clinic holiday")
    assert added.status_code == 303
    page = api.as_(AD).get("/admin/closed-days").text
    assert "Clinic holiday" in page
    assert re.search(r'name="closed_sun" value="1" checked', page)
    duplicate = _post(api, "/admin/closed-days", day=holiday, reason="Again")
    assert duplicate.status_code == 409
    assert 'value="Again"' in duplicate.text
    bad = _post(api, "/admin/closed-days", day="2026-02-30", reason="Typo")
    assert bad.status_code == 422
    assert "Enter a date" in bad.text
    day_id = api.session.scalars(select(ClosedDay.id)).one()
    assert _post(api, f"/admin/closed-days/{day_id}/reopen").status_code == 303
    assert _count(api, ClosedDay) == 0
    all_week = {f"closed_{d}": "1" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    refused = _post(api, "/admin/closed-days/weekdays", version=str(_version(api)), **all_week)
    assert refused.status_code == 422
    assert "every day of the week" in refused.text


def _version(api) -> int:
    api.session.expire_all()
    api.session.refresh(api.world.north)
    return api.world.north.version


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin"), ("GET", "/admin/users"), ("POST", "/admin/users"), ("GET", "/admin/knowledge"),
     ("GET", "/admin/knowledge/tariffs.yaml"), ("POST", "/admin/knowledge/tariffs.yaml"),
     ("GET", "/admin/closed-days"), ("POST", "/admin/closed-days"), ("POST", "/admin/closed-days/weekdays")],
)  # fmt: skip
def test_other_roles_are_refused_every_admin_page(api, method, path):
    for role in NOT_ADMIN:
        if method == "GET":
            answer = api.as_(role).get(path, follow_redirects=False)
        else:
            answer = _post(
                api, path, role, role="admin", day=date(2027, 1, 1).isoformat(), text="x", note="x", seen="0"
            )
        assert answer.status_code == 403, (role, answer.status_code)
    assert _count(api, ClosedDay) == 0
    assert _count(api, KnowledgeRevision) == 0


def test_a_user_of_another_clinic_is_a_record_that_does_not_exist(api):
    south_nurse = api.world.users[("South", Role.CLINICIAN)]
    answer = _post(api, f"/admin/users/{south_nurse.id}", role="admin", active="1", version=str(south_nurse.version))
    assert answer.status_code == 404
    api.session.expire_all()
    assert api.session.get(User, south_nurse.id).role == "clinician"
