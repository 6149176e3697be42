"""Consent in the portal: the patient reads each document in force and signs the ones she ticks with her typed
name; she may withdraw; a new version published by the clinic asks her to sign again; a clinic whose forms are
on paper is not signed online; no one reaches another patient's consent."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from exohair.db.models import ConsentRecord
from exohair.domain.access import Role
from exohair.features.clinic_settings.publishing import FileRefused, publish
from exohair.features.consent import documents
from exohair.knowledge import shipped_knowledge
from personas import NOW

TEMPLATE = documents.template()


def _csrf(caller) -> str:
    page = caller.get("/my/plan").text
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)


def _sign(api, caller=None, **fields: str):
    caller = caller or api.as_ada()
    return caller.post("/my/consent", data=fields | {"csrf": _csrf(caller)}, follow_redirects=False)


def _consents(api) -> list[ConsentRecord]:
    api.session.expire_all()
    query = select(ConsentRecord).where(ConsentRecord.patient_id == api.world.ada.id).order_by(ConsentRecord.scope)
    return list(api.session.scalars(query))


def test_the_patient_reads_and_signs_the_forms_she_ticks(api):
    page = html.unescape(api.as_ada().get("/my/consent").text)
    assert page.count("Not signed.") == 3
    assert "Exosome scalp therapy is investigational." in page  # the document itself, to be read before signing
    refused = _sign(api, signed_by="Ada Able")
    assert refused.status_code == 422
    assert "Tick each form you agree to" in refused.text
    assert 'value="Ada Able"' in refused.text, "the typed name is kept"
    assert _consents(api) == []

    signed = _sign(api, agree_treatment="1", agree_photos="1", signed_by="Ada Able")
    assert (signed.status_code, signed.headers["location"]) == (303, "/my/consent?signed=1")
    rows = _consents(api)
    assert [(c.scope, c.document_version, c.signed_by) for c in rows] == [
        ("photos", TEMPLATE.photos.version, "Ada Able"),
        ("treatment", TEMPLATE.treatment.version, "Ada Able"),
    ]
    assert all(c.signed_at == NOW for c in rows)  # the time of signing is the server's, not typed
    page = html.unescape(api.as_ada().get(signed.headers["location"]).text)
    assert "your signature is on your record" in page
    assert page.count("Not signed.") == 1  # the registry, still hers to decide
    assert 'name="agree_treatment"' not in page, "nothing signed on this version is offered again"


def test_the_patient_withdraws_a_consent_and_another_patient_cannot(api):
    _sign(api, agree_photos="1", signed_by="Ada Able")
    photos = _consents(api)[0]
    bea = api.as_bea()
    stranger = bea.post(f"/my/consent/{photos.id}/withdraw", data={"csrf": _csrf(bea), "version": str(photos.version)})
    assert stranger.status_code == 404
    assert _consents(api)[0].withdrawn_at is None
    ada = api.as_ada()
    done = ada.post(f"/my/consent/{photos.id}/withdraw", data={"csrf": _csrf(ada), "version": str(photos.version)},
                    follow_redirects=False)  # fmt: skip
    assert done.headers["location"] == "/my/consent?withdrawn=1"
    assert _consents(api)[0].withdrawn_at == NOW


def test_a_new_version_of_a_form_asks_the_patient_to_sign_again(api):
    _sign(api, agree_treatment="1", signed_by="Ada Able")
    text = documents.template_text().replace(TEMPLATE.treatment.version, "north-treatment-2")
    text = text.replace("no treatment. Hair usually", "no treatment at all. Hair usually")
    admin = api.world.actor(Role.ADMIN)
    publish(api.session, admin, shipped_knowledge(), "consent.yaml", text, note="Reviewed", seen_number=0, at=NOW)
    api.session.commit()
    assert api.world.north.consent_document_version == "north-treatment-2"  # what the gate now asks for
    page = html.unescape(api.as_ada().get("/my/consent").text)
    assert f"You signed version {TEMPLATE.treatment.version}" in page
    assert "The clinic has a new version (north-treatment-2)" in page
    assert _sign(api, agree_treatment="1", signed_by="Ada Able").status_code == 303
    assert {c.document_version for c in _consents(api)} == {TEMPLATE.treatment.version, "north-treatment-2"}


def test_a_changed_form_needs_a_new_version(api):
    text = documents.template_text().replace("no treatment. Hair usually", "no treatment at all. Hair usually")
    admin = api.world.actor(Role.ADMIN)
    with pytest.raises(FileRefused) as refused:
        publish(api.session, admin, shipped_knowledge(), "consent.yaml", text, note="x", seen_number=0, at=NOW)
    assert refused.value.problems == (
        'your consent.yaml: treatment: the document changed but keeps version "exohair-treatment-1"; give it a '
        "new version, because every signature names the version signed.",
    )


def test_forms_on_paper_are_signed_at_the_clinic(api):
    api.world.north.consent_document_version = "PAPER-3"
    api.session.commit()
    page = html.unescape(api.as_ada().get("/my/consent").text)
    assert "consent forms are on paper" in page
    assert 'name="signed_by"' not in page
    refused = _sign(api, agree_treatment="1", signed_by="Ada Able")
    assert refused.status_code == 422
    assert _consents(api) == []


def test_staff_have_no_consent_portal(api):
    for role in (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER):
        assert api.as_(role).get("/my/consent").status_code == 404
