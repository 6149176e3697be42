"""The oncologist decides clearance requests on pages: a bad form keeps what was typed and says what is wrong
beside the field, a decision is saved once, only the oncologist may decide, and another clinic's request is
answered as a made-up one."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from exohair.db.models import Clearance
from exohair.domain.access import Role
from exohair.features.clearances import service as clearances
from personas import NOW

ON, CO, CL = Role.ONCOLOGIST, Role.COORDINATOR, Role.CLINICIAN
TODAY = NOW.date()


@pytest.fixture
def request_id(api) -> uuid.UUID:
    clearance = clearances.request_clearance(api.session, api.world.actor(CO), api.world.ada.id, at=NOW)
    api.session.commit()
    return clearance.id


def _form(page_html: str, action: str) -> dict[str, str]:
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page_html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _post(caller, request_id: uuid.UUID, decision: str, fields: dict[str, str]):
    page = caller.get(f"/clearances/{request_id}")
    hidden = _form(page.text, f"/clearances/{request_id}/{decision}")
    return caller.post(f"/clearances/{request_id}/{decision}", data=hidden | fields, follow_redirects=False)


def _stored(api, request_id: uuid.UUID) -> Clearance:
    api.session.expire_all()
    return api.session.get_one(Clearance, request_id)


def test_the_inbox_lists_the_waiting_request_with_the_patients_name(api, request_id):
    inbox = api.as_(ON).get("/clearances")
    assert f'href="/clearances/{request_id}"' in inbox.text
    assert "Able" in inbox.text  # Ada's family name in the personas


def test_a_sign_with_an_expiry_before_the_signing_keeps_the_form_and_saves_nothing(api, request_id):
    answer = _post(api.as_(ON), request_id, "sign", {
        "signed_on": TODAY.isoformat(), "expires_on": (TODAY - timedelta(days=1)).isoformat(),
        "conditions": "Not within 7 days of an infusion",
    })  # fmt: skip
    assert answer.status_code == 422
    assert 'id="sign-expires_on-error"' in answer.text
    assert "Not within 7 days of an infusion</textarea>" in answer.text
    assert f'value="{(TODAY - timedelta(days=1)).isoformat()}"' in answer.text
    assert _stored(api, request_id).status == "requested"


def test_a_signing_date_in_the_future_is_refused_with_the_services_sentence(api, request_id):
    answer = _post(api.as_(ON), request_id, "sign", {"signed_on": (TODAY + timedelta(days=3)).isoformat()})
    assert answer.status_code == 422
    assert "is after today" in re.search(r'role="alert">([^<]*)', answer.text).group(1)
    assert _stored(api, request_id).status == "requested"


def test_the_oncologist_signs_with_conditions_and_expiry_then_revokes(api, request_id):
    expires = TODAY + timedelta(days=90)
    answer = _post(api.as_(ON), request_id, "sign", {
        "signed_on": TODAY.isoformat(), "expires_on": expires.isoformat(), "conditions": "Platelets over 100k",
    })  # fmt: skip
    assert answer.status_code == 303
    stored = _stored(api, request_id)
    assert (stored.status, stored.signed_on, stored.expires_on, stored.conditions) == (
        "signed", TODAY, expires, "Platelets over 100k"
    )  # fmt: skip
    answer = _post(api.as_(ON), request_id, "revoke", {"revoked_on": TODAY.isoformat(), "reason": "Febrile"})
    assert answer.status_code == 303
    assert (_stored(api, request_id).status, _stored(api, request_id).revoked_on) == ("revoked", TODAY)


def test_declining_needs_a_reason(api, request_id):
    answer = _post(api.as_(ON), request_id, "decline", {"reason": ""})
    assert answer.status_code == 422
    assert 'id="decline-reason-error"' in answer.text
    assert _post(api.as_(ON), request_id, "decline", {"reason": "Trial protocol forbids"}).status_code == 303
    assert _stored(api, request_id).decline_reason == "Trial protocol forbids"


@pytest.mark.parametrize("role", [CO, CL])
def test_only_the_oncologist_decides(api, request_id, role):
    oncologist_page = api.as_(ON).get(f"/clearances/{request_id}").text
    hidden = _form(oncologist_page, f"/clearances/{request_id}/sign")
    staff_page = api.as_(role).get(f"/clearances/{request_id}")
    assert staff_page.status_code == 200
    assert f"/clearances/{request_id}/sign" not in staff_page.text  # no decision forms
    answer = api.as_(role).post(f"/clearances/{request_id}/sign", data=hidden | {"signed_on": TODAY.isoformat()})
    assert answer.status_code == 400  # the form's CSRF token is bound to the oncologist's credential
    own = _form(api.as_(ON).get(f"/clearances/{request_id}").text, f"/clearances/{request_id}/sign")
    own["csrf"] = re.search(r'name="csrf" value="([^"]+)"', staff_page.text).group(1)  # a token of their own
    answer = api.as_(role).post(f"/clearances/{request_id}/sign", data=own | {"signed_on": TODAY.isoformat()})
    assert answer.status_code == 403
    assert _stored(api, request_id).status == "requested"


def test_another_clinics_oncologist_gets_the_made_up_answer(api, request_id):
    south = api.as_(ON, clinic="south")
    made_up = south.get(f"/clearances/{uuid.uuid4()}")
    theirs = south.get(f"/clearances/{request_id}")
    assert (theirs.status_code, made_up.status_code) == (404, 404)
    assert re.search(r"<main.*</main>", theirs.text, re.S).group(0) == re.search(
        r"<main.*</main>", made_up.text, re.S
    ).group(0)


def test_a_stale_decision_is_refused_and_changes_nothing(api, request_id):
    page = api.as_(ON).get(f"/clearances/{request_id}").text
    sign = _form(page, f"/clearances/{request_id}/sign")
    decline = _form(page, f"/clearances/{request_id}/decline")
    first = api.as_(ON).post(
        f"/clearances/{request_id}/decline", data=decline | {"reason": "No"}, follow_redirects=False
    )
    assert first.status_code == 303
    second = api.as_(ON).post(f"/clearances/{request_id}/sign", data=sign | {"signed_on": TODAY.isoformat()})
    assert second.status_code == 422
    assert _stored(api, request_id).status == "declined"
