"""Recording a chemo delay on its page: the preview says which sessions move and where and saves nothing; saving
files a new plan version; a form missing what its choice needs keeps what was typed; a stale form is refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from exohair.db.models import PlanVersion
from exohair.domain.access import Role
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

CO, ON = Role.COORDINATOR, Role.ONCOLOGIST


@pytest.fixture
def course_id(api) -> str:
    data = CourseIn(regimen="AC-T", first_infusion=date(2027, 3, 15), protocol="priming-in-cycle-regrowth")
    started = courses.start_course(
        api.session, api.world.actor(CO), api.world.ada.id, data, shipped_knowledge(), at=NOW
    )
    api.session.commit()
    return str(started.course.id)


def _hidden(api, course_id: str) -> dict[str, str]:
    page = api.as_(CO).get(f"/courses/{course_id}/infusion").text
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def _versions(api) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(PlanVersion))


def test_the_preview_lists_the_moves_and_saves_nothing_then_saving_files_version_two(api, course_id):
    fields = _hidden(api, course_id) | {"infusion": "2/1", "outcome": "delay", "delay_days": "7", "reason": "ANC low"}
    preview = api.as_(CO).post(f"/courses/{course_id}/infusion", data=fields | {"action": "preview"})
    assert preview.status_code == 200
    heading = re.search(r'id="moves-h">([^<]*)', preview.text).group(1)
    moved = int(re.search(r"(\d+) session", heading).group(1))
    assert moved > 0
    assert preview.text.count("<tr><td>") == moved
    assert _versions(api) == 1
    assert 'value="7"' in preview.text  # the form keeps what was typed
    saved = api.as_(CO).post(f"/courses/{course_id}/infusion", data=fields | {"action": "save"}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"?tab=plan&moved={moved}")
    assert _versions(api) == 2


def test_a_delay_without_its_days_says_so_beside_the_field(api, course_id):
    fields = _hidden(api, course_id) | {"infusion": "2/1", "outcome": "delay", "delay_days": "", "action": "save"}
    answer = api.as_(CO).post(f"/courses/{course_id}/infusion", data=fields)
    assert answer.status_code == 422
    assert 'id="delay_days-error"' in answer.text
    assert '<option value="2/1" selected>' in answer.text
    assert _versions(api) == 1


def test_a_stale_form_is_refused_and_changes_nothing_more(api, course_id):
    fields = _hidden(api, course_id) | {"infusion": "2/1", "outcome": "skip", "action": "save"}
    assert api.as_(CO).post(f"/courses/{course_id}/infusion", data=fields, follow_redirects=False).status_code == 303
    again = api.as_(CO).post(f"/courses/{course_id}/infusion", data=fields | {"infusion": "3/1"})
    assert again.status_code == 422
    assert "changed since you opened it" in again.text
    assert _versions(api) == 2


def test_the_oncologist_and_the_patient_may_not_record_a_delay(api, course_id):
    for caller in (api.as_(ON), api.as_ada()):
        assert caller.get(f"/courses/{course_id}/infusion").status_code == 403
