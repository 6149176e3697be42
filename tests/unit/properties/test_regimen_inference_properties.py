"""Regimen inference (domain/regimen_inference.py) over every catalogue regimen: its own calendar, from any first
day, with or without one late infusion, given as dose days the way an export or an EHR gives them, is inferred back
as that regimen, and the delays it reads rebuild the same calendar to the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exohair.domain.calendar import InfusionChange, InfusionStatus, build_chemo_calendar
from exohair.domain.regimen_inference import DoseDay, infer_regimen
from exohair.domain.regimens import Regimen
from exohair.knowledge import shipped_knowledge

KNOWLEDGE = shipped_knowledge()
REGIMENS = KNOWLEDGE.regimens
SETTINGS = settings(max_examples=60, deadline=None)


def _dose_days(regimen: Regimen, first: date, changes: list[InfusionChange]) -> list[DoseDay]:
    calendar = build_chemo_calendar(regimen, first, changes)
    phases = {phase.name: phase for phase in regimen.phases}
    found = []
    for infusion in calendar.infusions:
        agents = frozenset(d.agent_id for d in phases[infusion.phase].agents if infusion.day in d.days)
        found.append(DoseDay(infusion.date, agents, infusion.status is InfusionStatus.PLANNED))
    return found


@pytest.mark.parametrize("regimen", REGIMENS, ids=lambda r: r.id)
@SETTINGS
@given(first=st.dates(date(2015, 1, 1), date(2030, 12, 31)), data=st.data())
def test_a_regimens_own_calendar_is_inferred_as_that_regimen(regimen: Regimen, first: date, data: st.DataObject):
    slots = [(i.cycle, i.day) for i in build_chemo_calendar(regimen, first).infusions]
    changes = []
    if data.draw(st.booleans(), label="one late infusion"):
        cycle, day = data.draw(st.sampled_from(slots[1:]), label="which")
        changes = [InfusionChange(cycle, day, delay_days=data.draw(st.integers(1, 7), label="days late"))]
    days = _dose_days(regimen, first, changes)
    ended = max(d.on for d in days) + timedelta(days=200)

    inferred = infer_regimen(days, REGIMENS, as_of=ended)

    assert inferred.fit is not None, inferred.evidence
    assert inferred.fit.regimen_id == regimen.id, inferred.evidence
    rebuilt = _dose_days(regimen, inferred.first_infusion or first, list(inferred.changes))
    assert [d.on for d in rebuilt] == [d.on for d in days]  # the recorded delays give back every dose day


@pytest.mark.parametrize("regimen", REGIMENS, ids=lambda r: r.id)
def test_a_skipped_dose_is_read_as_skipped_not_as_a_delay(regimen: Regimen):
    first = date(2027, 3, 1)
    slots = [(i.cycle, i.day) for i in build_chemo_calendar(regimen, first).infusions]
    skipped = InfusionChange(*slots[len(slots) // 2], skipped=True)
    days = _dose_days(regimen, first, [skipped])

    inferred = infer_regimen(days, REGIMENS, as_of=date(2030, 1, 1))

    assert inferred.fit is not None
    assert inferred.fit.regimen_id == regimen.id
    assert list(inferred.changes) == [skipped]


def test_nothing_is_matched_when_no_dose_day_has_a_catalogue_agent():
    days = [DoseDay(date(2027, 3, 1) + timedelta(days=28 * n), frozenset({"tamoxifen"})) for n in range(3)]
    inferred = infer_regimen(days, REGIMENS, as_of=date(2028, 1, 1))
    assert not inferred.matched
    assert "no catalogue regimen" in inferred.evidence[0]
    assert "Tamoxifen" not in inferred.evidence[0]  # ids, not names, when no names are given
    assert "tamoxifen" in inferred.evidence[0]
