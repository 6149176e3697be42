"""Sites on the pages: the admin adds and renames them (a duplicate or a stale rename is refused beside the
field, keeping what was typed); intake offers them once the clinic has any, and the chart says where she is
treated; no other role may touch them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from test_intake_pages import DETAILS, Intake

from exohair.db.models import AuditEntry, Patient, Site
from exohair.domain.access import Role
from exohair.features.clinic_settings import sites
from personas import NOW

AD, CO = Role.ADMIN, Role.COORDINATOR
NOT_ADMIN = (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT, Role.RESEARCHER)


def _csrf(caller, page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', caller.get(page).text).group(1)


def _post(api, path: str, role: Role = AD, **fields: str):
    caller = api.as_(role)
    token = _csrf(caller, "/admin/sites" if role is AD else "/")
    return caller.post(path, data=fields | {"csrf": token}, follow_redirects=False)


def _sites(api) -> list[Site]:
    api.session.expire_all()
    return list(api.session.scalars(select(Site).where(Site.clinic_id == api.world.north.id).order_by(Site.name)))


def test_an_admin_adds_and_renames_sites(api):
    assert "No sites yet" in api.as_(AD).get("/admin/sites").text
    added = _post(api, "/admin/sites", name="  Riverside   Clinic ")
    assert (added.status_code, added.headers["location"]) == (303, "/admin/sites?saved=added")
    assert [s.name for s in _sites(api)] == ["Riverside Clinic"]  # spaces tidied
    site = _sites(api)[0]
    renamed = _post(api, f"/admin/sites/{site.id}", name="Riverside", version=str(site.version))
    assert renamed.status_code == 303
    page = api.as_(AD).get("/admin/sites?saved=renamed").text
    assert "Site renamed." in page
    assert ">Riverside</th>" in page
    actions = [e.action for e in api.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "site"))]
    assert sorted(actions) == ["create", "update"]


def test_a_duplicate_name_is_refused_and_what_was_typed_is_kept(api):
    _post(api, "/admin/sites", name="City Centre")
    again = _post(api, "/admin/sites", name="city centre")
    assert again.status_code == 409
    assert "already has a site called city centre" in again.text
    assert 'value="city centre"' in again.text
    assert len(_sites(api)) == 1


def test_a_stale_rename_is_refused_and_changes_nothing(api):
    _post(api, "/admin/sites", name="North Wing")
    site = _sites(api)[0]
    first = _post(api, f"/admin/sites/{site.id}", name="East Wing", version=str(site.version))
    stale = _post(api, f"/admin/sites/{site.id}", name="West Wing", version=str(site.version))
    assert (first.status_code, stale.status_code) == (303, 409)
    assert "This site changed since you opened it" in stale.text
    assert 'value="West Wing"' in stale.text  # what the admin typed, to try again
    assert [s.name for s in _sites(api)] == ["East Wing"]


@pytest.mark.parametrize("path", ["/admin/sites", "/admin/sites/SITE"])
def test_other_roles_may_not_add_or_rename(api, path):
    site = sites.add_site(api.session, api.world.actor(AD), "Main", at=NOW)
    api.session.commit()
    for role in NOT_ADMIN:
        answer = _post(api, path.replace("SITE", str(site.id)), role, name="Taken over", version=str(site.version))
        assert answer.status_code == 403, role
    assert [s.name for s in _sites(api)] == ["Main"]


def test_another_clinics_admin_finds_no_such_site(api):
    site = sites.add_site(api.session, api.world.actor(AD), "Main", at=NOW)
    api.session.commit()
    caller = api.as_(AD, clinic="south")
    token = _csrf(caller, "/admin/sites")
    answer = caller.post(f"/admin/sites/{site.id}", data={"csrf": token, "name": "Ours", "version": "1"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 404
    assert [s.name for s in _sites(api)] == ["Main"]


def test_intake_offers_the_sites_and_the_chart_names_hers(api):
    assert 'name="site_id"' not in api.as_(CO).get("/intake").text  # no sites: nothing to choose
    riverside = sites.add_site(api.session, api.world.actor(AD), "Riverside", at=NOW)
    sites.add_site(api.session, api.world.actor(AD), "City Centre", at=NOW)
    api.session.commit()
    intake = Intake(api, CO)
    assert '<option value="' + str(riverside.id) + '">Riverside</option>' in api.as_(CO).get("/intake").text
    intake.through("costs")
    intake.form["site_id"] = str(riverside.id)  # chosen on the first step, carried along since
    sent = intake.post("submit", "send", clearance_note="")
    assert sent.status_code == 303, sent.text[:500]
    patient = api.session.scalar(select(Patient).where(Patient.mrn == DETAILS["mrn"]))
    assert patient.site_id == riverside.id
    assert "treated at Riverside" in api.as_(CO).get(f"/patients/{patient.id}").text


def test_intake_refuses_a_site_of_another_clinic_on_the_first_step(api):
    south_site = sites.add_site(api.session, api.world.actor(AD, clinic="south"), "South Main", at=NOW)
    sites.add_site(api.session, api.world.actor(AD), "Riverside", at=NOW)
    api.session.commit()
    intake = Intake(api, CO)
    intake.through("costs")
    intake.form["site_id"] = str(south_site.id)
    refused = intake.post("submit", "send", clearance_note="")
    assert refused.status_code == 422
    assert "1. Patient details" in refused.text
    assert "no such site" in refused.text
    assert api.session.scalar(select(Patient).where(Patient.mrn == DETAILS["mrn"])) is None
