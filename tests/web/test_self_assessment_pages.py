"""The portal's self-assessment: the patient scores her hair (Dean pictures, distress 0-10, head cover) and, with
photo consent, adds photos that are kept without their EXIF; bad input changes nothing and keeps what was
chosen; photos are shown only to those who may see the chart, and only while photo consent stands."""

from __future__ import annotations

import html
import io
import re

from PIL import Image
from sqlalchemy import func, select

from exohair.db.models import Assessment, AuditEntry, ScalpPhoto
from exohair.domain.access import Role
from exohair.features.consent import service as consents
from personas import NOW

CO = Role.COORDINATOR
GPS_IFD = 0x8825


def _jpeg_with_location() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[2] = (51.0, 30.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (150, 110, 80)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _csrf(caller) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', caller.get("/my/plan").text).group(1)


def _send(api, files: dict[str, tuple[str, bytes, str]] | None = None, caller=None, **fields: str):
    caller = caller or api.as_ada()
    return caller.post("/my/assessment", data=fields | {"csrf": _csrf(caller)}, files=files or None,
                       follow_redirects=False)  # fmt: skip


def _count(api, model) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(model))


def test_the_patient_scores_her_hair_against_the_pictures(api):
    page = api.as_ada().get("/my/assessment").text
    assert page.count('src="/static/dean/dean-') == 5
    assert 'type="file"' not in page, "no photos without photo consent"
    sent = _send(api, dean_score="2", distress="6", head_cover="sometimes", notes="Shedding on the pillow")
    assert (sent.status_code, sent.headers["location"]) == (303, "/my/assessment?saved=1")
    api.session.expire_all()
    row = api.session.scalars(select(Assessment)).one()
    assert (row.source, row.dean_score, row.distress, row.head_cover) == ("patient", 2, 6, "sometimes")
    assert (row.assessed_on, row.patient_id) == (NOW.date(), api.world.ada.id)
    chart = api.as_(CO).get(f"/patients/{api.world.ada.id}").text
    assert "Hair: self-assessment" in chart
    assert "Dean 2, distress 6/10, head cover: sometimes" in chart


def test_an_empty_or_impossible_answer_changes_nothing_and_keeps_the_choices(api):
    empty = _send(api, notes="Just a note")
    assert empty.status_code == 422
    assert "Score at least one thing" in empty.text
    assert "Just a note" in empty.text
    wrong = _send(api, dean_score="7", distress="4")
    assert wrong.status_code == 422
    assert re.search(r'name="distress" value="4" checked', wrong.text)
    assert _count(api, Assessment) == 0


def test_a_photo_is_kept_without_its_location_and_shown_to_the_chart_only(api, photo_consent):
    page = api.as_ada().get("/my/assessment").text
    assert page.count('type="file"') == 5
    sent = _send(api, {"photo_vertex": ("IMG_0001.jpg", _jpeg_with_location(), "image/jpeg")}, dean_score="1")
    assert sent.status_code == 303
    api.session.expire_all()
    photo = api.session.scalars(select(ScalpPhoto)).one()
    assert (photo.view, photo.source, photo.width, photo.height) == ("vertex", "patient", 400, 300)
    assert photo.assessment_id == api.session.scalars(select(Assessment.id)).one()
    shown = api.as_ada().get(f"/photos/{photo.id}")
    assert (shown.status_code, shown.headers["content-type"]) == (200, "image/jpeg")
    with Image.open(io.BytesIO(shown.content)) as kept:
        assert dict(kept.getexif()) == {}
    assert api.as_(CO).get(f"/photos/{photo.id}?size=thumbnail").status_code == 200
    for outsider in (api.as_bea(), api.as_(CO, clinic="south"), api.as_(Role.ADMIN)):
        assert outsider.get(f"/photos/{photo.id}").status_code in (403, 404)
    reads = api.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.record_id == str(photo.id), AuditEntry.action == "read"))  # fmt: skip
    assert reads == 2  # Ada's and the coordinator's views, not the refused ones

    consents.withdraw_consent(api.session, api.world.ada_actor, photo_consent.id, photo_consent.version, at=NOW)
    api.session.commit()
    assert api.as_ada().get(f"/photos/{photo.id}").status_code == 403
    assert f"/photos/{photo.id}" not in api.as_ada().get("/my/assessment").text


def test_a_file_that_is_not_a_photo_is_refused_beside_its_field(api, photo_consent):
    sent = _send(api, {"photo_left": ("notes.pdf", b"%PDF-1.7 hello", "application/pdf")}, dean_score="3",
                 distress="8")  # fmt: skip
    assert sent.status_code == 422
    assert 'id="photo_left-error"' in sent.text
    assert "not an image that can be read" in html.unescape(sent.text)
    assert re.search(r'name="dean_score" value="3" checked', sent.text), "her answers are kept"
    assert (_count(api, Assessment), _count(api, ScalpPhoto)) == (0, 0), "nothing is half-saved"


def test_an_oversized_photo_is_refused(api, photo_consent):
    api.client.app.state.max_photo_bytes = 1_048_576
    big = _jpeg_with_location() + b"\0" * 1_100_000
    sent = _send(api, {"photo_frontal": ("big.jpg", big, "image/jpeg")}, dean_score="1")
    assert sent.status_code == 422
    assert "The frontal photo is larger than the 1 MB accepted" in html.unescape(sent.text)
    assert _count(api, ScalpPhoto) == 0


def test_staff_have_no_self_assessment(api):
    for role in (Role.ADMIN, CO, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER):
        assert api.as_(role).get("/my/assessment").status_code == 404


def test_a_request_larger_than_five_photos_is_refused_before_it_is_read(api, photo_consent):
    api.client.app.state.max_photo_bytes = 1_048_576
    sent = _send(api, {"photo_right": ("huge.jpg", b"\0" * 7_000_000, "image/jpeg")}, dean_score="1")
    assert sent.status_code == 413
    assert _count(api, Assessment) == 0


def test_photo_forms_are_read_before_a_database_slot_is_taken():
    """A slow phone upload must not hold one of the worker's database slots while it arrives (web/deps.py)."""
    from exohair.web.deps import signed_in
    from exohair.web.pages import hair, self_assessment
    from exohair.web.pages.uploads import posted_upload

    posting = [
        route
        for route in (*hair.router.routes, *self_assessment.router.routes)
        if "POST" in getattr(route, "methods", ())
        and route.path in ("/my/assessment", "/patients/{patient_id}/assessments")
    ]
    assert len(posting) == 2
    for route in posting:
        calls = [d.call for d in route.dependant.dependencies]
        assert calls.index(posted_upload) < calls.index(signed_in), route.path


def test_an_upload_without_any_credential_is_refused_unread(api):
    answer = api.anonymous().post("/my/assessment", files={"photo_vertex": ("a.jpg", b"x" * 1000, "image/jpeg")},
                                  follow_redirects=False)  # fmt: skip
    assert answer.status_code in (303, 401)
