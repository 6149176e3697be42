"""The regimen a course follows: a catalogue entry by id, or the custom regimen stored with the course."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from exohair.domain.custom_regimens import CustomSchedule, custom_regimen
from exohair.domain.regimens import Regimen
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import Knowledge


def course_regimen(knowledge: Knowledge, regimen_id: str, custom: Mapping[str, Any] | None) -> Regimen:
    """What `regimen_id` names, unless the course carries its own schedule (`custom`, as CustomSchedule.as_json
    wrote it). Agents are looked up by id: an agent a clinic's catalogue no longer has fails as an unknown name."""
    if custom is None:
        return knowledge.regimen(regimen_id)
    return _custom(knowledge, CustomSchedule.from_json(dict(custom)))


def requested_regimen(knowledge: Knowledge, course: CourseIn) -> Regimen:
    """The regimen a course being started names: a catalogue entry, or the custom one it describes."""
    if course.custom_regimen is None:
        return knowledge.regimen(course.regimen or "")
    return _custom(knowledge, course.custom_regimen.schedule())


@lru_cache(maxsize=256)  # lists rebuild many calendars per request; a knowledge base and a schedule are hashable
def _custom(knowledge: Knowledge, schedule: CustomSchedule) -> Regimen:
    agents = [knowledge.agent(name) for name in dict.fromkeys(schedule.agent_ids)]
    return custom_regimen(schedule, agents)
