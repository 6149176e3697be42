"""The chart's timeline: everything that happened or will happen to a patient, keyed to the chemo calendar.

Pure presentation of what the services returned (they checked access and audited the reads)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from exohair.db.models import AdverseEvent, Assessment, LabResult, TherapySession
from exohair.domain.calendar import InfusionStatus
from exohair.domain.full_plan import FullPlan


@dataclass(frozen=True, slots=True)
class Event:
    day: date
    kind: str  # infusion / nadir / session / labs / assessment / adverse-event: a CSS class, a legend entry
    title: str
    detail: str = ""
    until: date | None = None  # for windows (nadir)
    past: bool = False
    href: str | None = None


def timeline(
    full: FullPlan | None,
    sessions: Iterable[TherapySession],
    labs: Iterable[LabResult],
    adverse_events: Iterable[AdverseEvent],
    *,
    today: date,
    assessments: Iterable[Assessment] = (),
) -> list[Event]:
    events: list[Event] = []
    if full is not None:
        for infusion in full.calendar.infusions:
            title = f"Cycle {infusion.cycle} infusion ({infusion.phase}, day {infusion.day})"
            if infusion.status is InfusionStatus.SKIPPED:
                detail = "skipped"
            elif infusion.shift_days:
                late = "delayed" if infusion.shift_days > 0 else "brought forward"
                detail = f"{late} {abs(infusion.shift_days)} days from {infusion.scheduled:%-d %b}"
            else:
                detail = "as scheduled" if infusion.date <= today else "planned"
            events.append(Event(infusion.date, "infusion", title, detail, past=infusion.date < today))
            if infusion.nadir is not None and infusion.status is not InfusionStatus.SKIPPED:
                events.append(Event(infusion.nadir.start, "nadir", "Expected blood-count nadir",
                                    "no exosome session in this window", until=infusion.nadir.end,
                                    past=infusion.nadir.end < today))  # fmt: skip
    for row in sessions:
        day = row.performed_on or row.planned_on
        if day is None:
            continue
        states = {"planned": "planned", "performed": "performed", "cancelled": f"cancelled: {row.cancel_reason or ''}"}
        events.append(Event(day, "session", row.label, states.get(row.status, row.status), past=day < today,
                            href=f"/sessions/{row.id}"))  # fmt: skip
    for lab in labs:
        values = [
            f"ANC {lab.anc_per_ul:,.0f}/µL" if lab.anc_per_ul is not None else "",
            f"platelets {lab.platelets_per_ul:,.0f}/µL" if lab.platelets_per_ul is not None else "",
            f"Hb {lab.hb_g_dl:g} g/dL" if lab.hb_g_dl is not None else "",
            f"INR {lab.inr:g}" if lab.inr is not None else "",
        ]
        day = lab.taken_at.date()
        events.append(Event(day, "labs", "Blood counts", ", ".join(v for v in values if v), past=day < today))
    for event in adverse_events:
        serious = ", serious" if event.serious else ""
        detail = f"grade {event.grade}, {event.relatedness} to therapy{serious}"
        events.append(Event(event.onset_on, "adverse-event", event.ctcae_term, detail, past=True))
    for assessment in assessments:
        who = "self-assessment" if assessment.source == "patient" else "clinician's assessment"
        events.append(Event(assessment.assessed_on, "assessment", f"Hair: {who}", _scores(assessment), past=True))
    order = {"infusion": 0, "nadir": 1, "labs": 2, "session": 3, "assessment": 4, "adverse-event": 5}
    return sorted(events, key=lambda e: (e.day, order[e.kind], e.title))


def _scores(assessment: Assessment) -> str:
    parts = [
        f"CTCAE grade {assessment.ctcae_grade}" if assessment.ctcae_grade is not None else "",
        f"Dean {assessment.dean_score}" if assessment.dean_score is not None else "",
        f"distress {assessment.distress}/10" if assessment.distress is not None else "",
        f"head cover: {assessment.head_cover}" if assessment.head_cover else "",
        *(f"{m['site']} {m['density_per_cm2']:g}/cm²" for m in assessment.measurements if m.get("density_per_cm2")),
    ]
    return ", ".join(p for p in parts if p)
