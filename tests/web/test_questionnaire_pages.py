"""The portal's questionnaires and what the chart shows of them: the patient answers a form built from the
instrument, answers that do not fit come back beside their questions with what was typed, the chart's hair tab
shows the scores and the answers in words; the admin publishes the clinic's own instruments.yaml."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from exohair.db.models import KnowledgeRevision, QuestionnaireResponse
from exohair.domain.access import Role
from exohair.knowledge import load_knowledge

CO, AD = Role.COORDINATOR, Role.ADMIN
TEXT = load_knowledge().texts["instruments.yaml"]
CHECK = {"item-shedding": "2", "item-scalp": "1", "item-upset": "3", "item-looks": "1", "item-avoiding": "4",
         "item-covered": "yes", "item-note": "Itchy at night"}  # fmt: skip


def _csrf(caller, page: str = "/my/plan") -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', caller.get(page).text).group(1)


def _send(caller, instrument: str, version: str = "1", page: str = "/my/plan", **fields: str):
    data = fields | {"csrf": _csrf(caller, page), "instrument_version": version}
    return caller.post(f"/my/questionnaires/{instrument}", data=data, follow_redirects=False)


def _responses(api) -> list[QuestionnaireResponse]:
    api.session.expire_all()
    return list(api.session.scalars(select(QuestionnaireResponse)))


def test_the_patient_answers_the_hair_check_and_the_chart_shows_its_scores(api):
    listed = api.as_ada().get("/my/questionnaires").text
    assert 'href="/my/questionnaires/hair-check"' in listed
    form = api.as_ada().get("/my/questionnaires/hair-check").text
    assert form.count('type="radio" name="item-shedding"') == 5
    assert '<textarea id="q7" name="item-note"' in form
    assert "(optional)" in form
    sent = _send(api.as_ada(), "hair-check", **CHECK)
    assert (sent.status_code, sent.headers["location"]) == (303, "/my/questionnaires?saved=hair-check")
    (row,) = _responses(api)
    assert (row.source, row.patient_id, row.instrument_version) == ("patient", api.world.ada.id, 1)
    assert row.answers["covered"] is True
    thanks = html.unescape(api.as_ada().get(sent.headers["location"]).text)
    assert "your answers to Hair and wellbeing check are on your record" in thanks
    assert "Hair and scalp: 3 (0 to 8)" in thanks
    chart = html.unescape(api.as_(CO).get(f"/patients/{api.world.ada.id}?tab=hair").text)
    assert "Hair and wellbeing check" in chart
    assert "Hair and scalp: 3 (0 to 8)" in chart
    assert "Feelings and daily life: 2.67 (0 to 4)" in chart  # (3 + 1 + 4) / 3
    assert "<dd>A noticeable amount</dd>" in chart
    assert "<dd>Itchy at night</dd>" in chart


def test_answers_that_do_not_fit_come_back_beside_their_questions_as_typed(api):
    refused = _send(api.as_ada(), "hair-check", **{"item-scalp": "2", "item-note": "Still sore"})
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert 'id="q1-error">an answer is needed' in page
    assert 'fieldset aria-describedby="q1-error"' in page
    assert re.search(r'name="item-scalp" value="2" checked', page), "her choice is kept"
    assert ">Still sore</textarea>" in page
    rating = _send(api.as_ada(), "hair-loss-rating", **{"item-hair-lost": "150"})
    assert rating.status_code == 422
    assert 'value="150" aria-invalid="true" aria-describedby="q1-error"' in rating.text
    assert "150 is outside its range: from 0 to 100" in rating.text
    assert _responses(api) == []


def test_a_form_of_a_replaced_version_is_refused_and_an_unknown_one_is_missing(api):
    stale = _send(api.as_ada(), "hair-loss-rating", version="7", **{"item-hair-lost": "20"})
    assert stale.status_code == 409
    assert "changed since it was opened" in html.unescape(stale.text)
    assert 'value="20"' in stale.text
    assert api.as_ada().get("/my/questionnaires/cads").status_code == 404
    assert _responses(api) == []


def test_the_admin_publishes_the_clinics_own_instruments(api):
    page = api.as_(AD).get("/admin/knowledge").text
    assert "Hair and wellbeing check" in page
    assert 'href="/admin/knowledge/instruments.yaml"' in page
    reworded = TEXT.replace("title: Hair and wellbeing check", "title: Our hair check")
    csrf = _csrf(api.as_(AD), "/admin/users")
    refused = api.as_(AD).post("/admin/knowledge/instruments.yaml", follow_redirects=False,
                               data={"csrf": csrf, "seen": "0", "text": reworded, "note": "Our title"})  # fmt: skip
    assert refused.status_code == 422
    assert "instrument &#39;hair-check&#39; changed but keeps version 1" in refused.text
    assert "title: Our hair check" in refused.text, "the edited file is kept"
    bumped = reworded.replace("  - id: hair-check\n    version: 1", "  - id: hair-check\n    version: 2")
    published = api.as_(AD).post("/admin/knowledge/instruments.yaml", follow_redirects=False,
                                 data={"csrf": csrf, "seen": "0", "text": bumped, "note": "Our title"})  # fmt: skip
    assert published.status_code == 303
    assert api.session.scalar(select(func.count()).select_from(KnowledgeRevision)) == 1
    assert "Our hair check" in api.as_ada().get("/my/questionnaires").text
    assert 'name="instrument_version" value="2"' in api.as_ada().get("/my/questionnaires/hair-check").text
