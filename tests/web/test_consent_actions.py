"""The chart's consent tab: staff record a consent signed on paper and open the patient's portal account; bad
input comes back beside its field with what was typed kept (passwords excepted); roles without the right, and
other clinics, are refused."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from exohair.db.models import ConsentRecord, User
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from personas import NOW

CO, CL, ON = Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST
PASSWORD = "a first passphrase"


def _post(api, path: str, as_role: Role = CO, clinic: str = "north", **fields: str):
    caller = api.as_(as_role, clinic=clinic)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', caller.get("/today").text).group(1)
    return caller.post(path, data=fields | {"csrf": token}, follow_redirects=False)


def test_a_paper_consent_is_recorded_with_the_time_it_was_signed(api):
    chart = f"/patients/{api.world.ada.id}"
    wrong = _post(api, f"{chart}/consent", scope="treatment", document_version="TX-3", signed_by="Ada Able",
                  signed_at="yesterday")  # fmt: skip
    assert wrong.status_code == 422
    assert "Enter when it was signed" in wrong.text
    assert 'value="Ada Able"' in wrong.text
    assert 'value="TX-3"' in wrong.text
    saved = _post(api, f"{chart}/consent", scope="photos", document_version="PH-1", signed_by="Ada Able",
                  signed_at="2027-03-01T08:30")  # fmt: skip
    assert saved.headers["location"] == f"{chart}?tab=consent&saved=consent"
    assert "Saved: the signed consent." in api.as_(CO).get(saved.headers["location"]).text
    api.session.expire_all()
    row = api.session.scalars(select(ConsentRecord)).one()
    assert (row.scope, row.document_version, row.signed_at.isoformat()) == (
        "photos",
        "PH-1",
        "2027-03-01T08:30:00+00:00",
    )
    future = _post(api, f"{chart}/consent", scope="treatment", document_version="TX-3", signed_by="Ada Able",
                   signed_at="2031-01-01T09:00")  # fmt: skip
    assert future.status_code == 422
    assert "in the future" in html.unescape(future.text)


def test_the_coordinator_opens_a_portal_account_the_patient_signs_in_with(api):
    bea = api.world.bea  # Ada has one already (personas)
    chart = f"/patients/{bea.id}"
    api.session.delete(api.world.bea_user)
    api.session.commit()
    weak = _post(api, f"{chart}/portal-account", portal_email="bea@home.test", portal_password="short")
    assert weak.status_code == 422
    assert 'value="bea@home.test"' in weak.text
    assert "short" not in re.findall(r'id="portal_password"[^>]*>', weak.text)[0]
    opened = _post(api, f"{chart}/portal-account", portal_email="bea@home.test", portal_password=PASSWORD)
    assert opened.headers["location"] == f"{chart}?tab=consent&saved=portal"
    api.session.expire_all()
    user = accounts.authenticate_password(api.session, api.world.north, "bea@home.test", PASSWORD, at=NOW)
    assert user is not None
    assert (user.role, user.patient_id) == ("patient", bea.id)
    again = _post(api, f"{chart}/portal-account", portal_email="bea2@home.test", portal_password=PASSWORD)
    assert again.status_code == 422
    assert "already has a portal account" in again.text
    suspended = _post(api, f"{chart}/portal-account/access", active="", version=str(user.version))
    assert suspended.status_code == 303
    api.session.expire_all()
    assert api.session.get(User, user.id).active is False


def test_the_oncologist_sees_the_tab_but_records_nothing(api):
    chart = f"/patients/{api.world.ada.id}"
    page = api.as_(ON).get(f"{chart}?tab=consent").text
    assert "n-1@patients.test" in page  # her portal account, read with the chart
    assert 'action="' + chart + '/consent"' not in page
    assert _post(api, f"{chart}/consent", ON, scope="treatment").status_code == 403
    assert _post(api, f"{chart}/portal-account", ON, portal_email="x@y.test").status_code == 403


def test_another_clinic_cannot_reach_the_chart(api):
    chart = f"/patients/{api.world.ada.id}"
    answer = _post(api, f"{chart}/consent", CO, "south", scope="treatment", document_version="TX-3",
                   signed_by="X", signed_at="2027-03-01T08:30")  # fmt: skip
    assert answer.status_code == 404
    answer = _post(api, f"{chart}/portal-account", CO, "south", portal_email="x@y.test", portal_password=PASSWORD)
    assert answer.status_code == 404
    api.session.expire_all()
    assert api.session.scalars(select(ConsentRecord)).all() == []
