"""A custom regimen (one the catalogue does not hold): its calendar, its risk class and nadir taken from its
agents with their basis, no invented probability, and a clear refusal for a schedule that cannot be one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.custom_regimens import CustomSchedule, custom_regimen
from exohair.domain.errors import InvalidInput
from exohair.domain.evidence import Evidence
from exohair.domain.patients import PatientFacts
from exohair.domain.regimens import CiaRisk
from exohair.domain.risk import estimate_cia_risk
from exohair.knowledge import shipped_knowledge

K = shipped_knowledge()


def _schedule(**changes: object) -> CustomSchedule:
    fields: dict[str, object] = {"name": "Trial arm B", "cycle_days": 21, "cycles": 4, "infusion_days": (1, 8),
                                 "agent_ids": ("carboplatin", "etoposide")}  # fmt: skip
    return CustomSchedule(**(fields | changes))  # type: ignore[arg-type]


def _agents(schedule: CustomSchedule):
    return [K.agent(a) for a in schedule.agent_ids]


def test_the_calendar_has_every_infusion_day_of_every_cycle():
    regimen = custom_regimen(_schedule(), _agents(_schedule()))
    calendar = build_chemo_calendar(regimen, date(2027, 4, 5))
    assert [i.date for i in calendar.infusions][:3] == [date(2027, 4, 5), date(2027, 4, 12), date(2027, 4, 26)]
    assert len(calendar.infusions) == 8
    assert calendar.last_cytotoxic_infusion == date(2027, 4, 5) + timedelta(days=3 * 21 + 7)  # cycle 4, day 8


def test_the_risk_class_is_the_highest_agents_and_no_probability_is_invented():
    regimen = custom_regimen(_schedule(), _agents(_schedule()))
    assert K.agent("carboplatin").cia_risk is CiaRisk.LOW
    assert K.agent("etoposide").cia_risk is CiaRisk.HIGH
    assert regimen.cia_risk is CiaRisk.HIGH
    assert regimen.p_grade2 is None
    assert regimen.schedule_basis.evidence is Evidence.D
    calendar = build_chemo_calendar(regimen, date(2027, 4, 5))
    risk = estimate_cia_risk(regimen, calendar, PatientFacts(), K.risk_model)
    assert risk.p_grade2 is None
    first = risk.basis[0]
    assert first.value.startswith("not known")
    assert first.basis.evidence is Evidence.D
    assert "Etoposide" in first.basis.source  # the agent the class comes from, and its source, are named


def test_the_nadir_spans_the_agents_windows_and_says_it_is_derived():
    agents = _agents(_schedule())
    regimen = custom_regimen(_schedule(), agents)
    nadir = regimen.phases[0].nadir
    assert nadir is not None
    windows = [a.nadir for a in agents if a.nadir is not None]
    assert nadir.start_day == min(w.start_day for w in windows)
    assert nadir.end_day == max(w.end_day for w in windows)
    assert nadir.basis.evidence is Evidence.D


def test_agents_that_do_not_lower_counts_give_no_nadir():
    schedule = _schedule(agent_ids=("trastuzumab",), infusion_days=(1,))
    assert custom_regimen(schedule, _agents(schedule)).phases[0].nadir is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": " "}, "custom_regimen_name"),
        ({"cycle_days": 0}, "custom_cycle_days"),
        ({"cycles": 53}, "custom_cycles"),
        ({"infusion_days": ()}, "custom_infusion_days"),
        ({"infusion_days": (1, 22)}, "custom_infusion_days"),
        ({"agent_ids": ()}, "custom_agents"),
    ],
)
def test_a_schedule_that_cannot_be_a_calendar_is_refused_naming_the_field(changes, code):
    schedule = _schedule(**changes)
    with pytest.raises(InvalidInput) as refused:
        custom_regimen(schedule, _agents(schedule))
    assert refused.value.code == code


def test_the_stored_form_reads_back_as_the_same_schedule():
    schedule = _schedule()
    assert CustomSchedule.from_json(schedule.as_json()) == schedule
