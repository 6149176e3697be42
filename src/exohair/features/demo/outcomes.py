"""The demo's hair assessments: a clinician scores each assessment visit the plan asked for, on its day.

The scores are invented to exercise the pages (the timeline, the hair tab, Today's overdue list), not data. The
made-up course of hair loss depends on the chemotherapy only (its risk class, and scalp cooling): never on the
exosome protocol, so the demo shows no effect of the therapy, which no trial has shown (clinical.md §6a).
A few visits are missed, so Today has assessments overdue.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from exohair.db.models import AssessmentDue, ChemoCourse
from exohair.domain.calendar import ChemoCalendar
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn, MeasurementIn
from exohair.features.courses.regimens import course_regimen
from exohair.features.demo.world import DemoWorld
from exohair.features.plans import inputs

MISSED = 0.12  # share of visits nobody recorded
PEAK_DEAN = {"high": 4, "moderate": 3, "low": 2}  # by the regimen's risk class, without scalp cooling
# Scalp cooling works for about half of patients in the trials (SCALP 50.5%, DigniCap 66%; clinical.md §1c):
# for them the peak is two bands lower, for the others one.
COOLING_RESPONDERS = 0.5


def dean_on(day: date, calendar: ChemoCalendar, risk_class: str, cooled: bool, *, responds: bool = False) -> int:
    """A made-up Dean score: loss from about two weeks into chemotherapy, rising to the regimen's peak by about
    six weeks, staying until about three months after the end, then a band less every two months."""
    peak = max(0, PEAK_DEAN.get(risk_class, 2) - ((2 if responds else 1) if cooled else 0))
    into = (day - calendar.first_infusion).days
    after = (day - calendar.end_of_chemo).days
    if into < 14:
        return 0
    rising = min(peak, 1 + (into - 14) // 14)
    if after < 90:
        return rising
    return max(0, rising - 1 - (after - 90) // 60)


def record_visit(
    world: DemoWorld,
    course: ChemoCourse,
    due: AssessmentDue,
    adjuncts: tuple[str, ...],
    rng: random.Random,
    at: datetime,
    *,
    responds_to_cooling: bool = False,
) -> None:
    if rng.random() < MISSED:
        return
    regimen = course_regimen(world.knowledge, course.regimen_id, course.custom_regimen)
    calendar = inputs.course_calendar(world.session, world.knowledge, course)
    dean = dean_on(due.due_on, calendar, regimen.cia_risk.value, "scalp-cooling" in adjuncts,
                   responds=responds_to_cooling)  # fmt: skip
    ctcae = 0 if dean == 0 else (1 if dean <= 2 else 2)
    density = round(rng.uniform(170, 230) * (1 - 0.22 * dean), 1)  # hairs/cm², falling with the loss
    data = AssessmentIn(
        assessed_on=due.due_on, ctcae_grade=ctcae, dean_score=dean,
        distress=min(10, 1 + 2 * dean + rng.randint(0, 1)),
        head_cover="none" if dean <= 1 else ("sometimes" if dean == 2 else "always"),
        measurements=[MeasurementIn(site="vertex", density_per_cm2=density, diameter_um=round(rng.uniform(55, 75)))],
    )  # fmt: skip
    assessments.record_assessment(world.session, world.clinician(), course.patient_id, data, world.knowledge.scales,
                                  at=at)  # fmt: skip
