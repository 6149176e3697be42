"""The chart's hair tab: the clinician records an assessment with measurements and photos; any two photos of a
view are compared side by side and faded one over the other; bad input keeps what was typed and saves nothing;
roles without the right are refused, and photos disappear from the chart when photo consent is withdrawn."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import func, select

from exohair.db.models import Assessment, AssessmentDue, ScalpPhoto
from exohair.domain.access import Role
from exohair.features.consent import service as consents
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

CL, CO, ON = Role.CLINICIAN, Role.COORDINATOR, Role.ONCOLOGIST


def _jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (shade, shade, shade)).save(out, format="JPEG")
    return out.getvalue()


def _post(api, as_role: Role, files=None, **fields: str):
    caller = api.as_(as_role)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', caller.get("/today").text).group(1)
    return caller.post(f"/patients/{api.world.ada.id}/assessments", data=fields | {"csrf": token}, files=files,
                       follow_redirects=False)  # fmt: skip


def _count(api, model) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(model))


def test_the_clinician_records_an_assessment_with_measurements_and_photos(api, photo_consent):
    earlier = (NOW.date() - timedelta(days=7)).isoformat()
    first = _post(api, CL, {"photo_vertex": ("a.jpg", _jpeg(200), "image/jpeg")}, assessed_on=earlier,
                  ctcae_grade="1", dean_score="1", site_1="vertex", density_1="182.5", diameter_1="64")  # fmt: skip
    assert first.headers["location"].endswith("?tab=hair&saved=assessment")
    second = _post(api, CL, {"photo_vertex": ("b.jpg", _jpeg(90), "image/jpeg")}, assessed_on=NOW.date().isoformat(),
                   ctcae_grade="2", dean_score="3", distress="7", head_cover="always")  # fmt: skip
    assert second.status_code == 303
    rows = api.session.scalars(select(Assessment).order_by(Assessment.assessed_on)).all()
    assert [(r.source, r.ctcae_grade, r.dean_score) for r in rows] == [("clinician", 1, 1), ("clinician", 2, 3)]
    assert rows[0].measurements == [{"site": "vertex", "density_per_cm2": 182.5, "diameter_um": 64.0}]
    tab = html.unescape(api.as_(ON).get(f"/patients/{api.world.ada.id}?tab=hair").text)  # read by every staff role
    assert "Top of the head 182.5/cm² 64.0 µm" in tab
    assert tab.count("?size=thumbnail") == 2
    assert 'action="/patients/' not in tab, "the oncologist records nothing"

    photos = api.session.scalars(select(ScalpPhoto).order_by(ScalpPhoto.taken_on)).all()
    compared = api.as_(CL).get(f"/patients/{api.world.ada.id}?tab=hair&a={photos[1].id}&b={photos[0].id}").text
    assert 'aria-label="Comparison"' in compared
    overlay = re.search(r'<div class="stacked">(.*?)</div>', compared).group(1)
    assert overlay.index(f"/photos/{photos[1].id}") < overlay.index(f'class="faded" src="/photos/{photos[0].id}"')

    consents.withdraw_consent(api.session, api.world.ada_actor, photo_consent.id, photo_consent.version, at=NOW)
    api.session.commit()
    tab = api.as_(CL).get(f"/patients/{api.world.ada.id}?tab=hair").text
    assert "?size=thumbnail" not in tab
    assert "No photo consent stands" in tab


def test_bad_input_saves_nothing_and_keeps_what_was_typed(api, photo_consent):
    wrong = _post(api, CL, assessed_on=NOW.date().isoformat(), ctcae_grade="1", site_1="vertex", density_1="lots")
    assert wrong.status_code == 422
    assert 'id="measurements-error"' in wrong.text
    assert 'value="lots"' in wrong.text
    bad_photo = _post(api, CL, {"photo_left": ("x.jpg", b"not a jpeg", "image/jpeg")},
                      assessed_on=NOW.date().isoformat(), dean_score="2")  # fmt: skip
    assert bad_photo.status_code == 422
    assert 'id="photo_left-error"' in bad_photo.text
    future = _post(api, CL, assessed_on=(NOW.date() + timedelta(days=3)).isoformat(), dean_score="2")
    assert future.status_code == 422
    assert "has not come yet" in future.text
    assert (_count(api, Assessment), _count(api, ScalpPhoto)) == (0, 0)


def test_roles_without_the_right_are_refused(api):
    for role in (CO, ON, Role.ADMIN, Role.RESEARCHER):
        assert _post(api, role, assessed_on=NOW.date().isoformat(), dean_score="1").status_code == 403
    assert _count(api, Assessment) == 0


def test_today_lists_an_overdue_assessment_until_the_clinician_records_it(api):
    data = CourseIn(regimen="TC", first_infusion=date(2027, 3, 22), protocol="priming-regrowth")
    started = courses.start_course(api.session, api.world.actor(CO), api.world.ada.id, data, shipped_knowledge(),
                                   at=NOW)  # fmt: skip
    missed = NOW.date() - timedelta(days=10)  # as if the plan had asked for a visit ten days ago
    api.session.add(AssessmentDue(clinic_id=api.world.north.id, patient_id=api.world.ada.id,
                                  course_id=started.course.id, label="baseline", due_on=missed))  # fmt: skip
    api.session.commit()
    today = html.unescape(api.as_(CL).get("/today").text)
    assert f"baseline, due {missed:%a %-d %b %Y}" in today
    assert f'href="/patients/{api.world.ada.id}?tab=hair"' in today
    assert _post(api, CL, assessed_on=NOW.date().isoformat(), ctcae_grade="0").status_code == 303
    assert "No assessment is overdue." in api.as_(CL).get("/today").text
