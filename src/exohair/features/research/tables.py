"""The clinic's records as the research tables, de-identified the one way the registry already is
(domain/deidentify): pseudonyms keyed by the clinic's research key, every date of a patient shifted by her own
offset, ages as bands. Only patients whose registry consent stands are in them, as in the registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from exohair.domain.deidentify import age_band, age_on, period_of, pseudonym, record_pseudonym, shift_days, shifted
from exohair.domain.errors import DomainError
from exohair.features.analytics.registry import NO_SITE, registry_patients
from exohair.features.courses.regimens import course_regimen
from exohair.features.plans.inputs import patient_facts
from exohair.features.research import repository
from exohair.features.research.dictionary import TABLES
from exohair.interop.research.columns import Row, Table
from exohair.knowledge import Knowledge


@dataclass(frozen=True)
class _Keys:
    """The clinic's research key and, per patient in the export, her pseudonym and date offset."""

    key: bytes
    patients: dict[uuid.UUID, tuple[str, int]]

    def of(self, patient_id: uuid.UUID) -> tuple[str, int] | None:
        return self.patients.get(patient_id)

    def record(self, kind: str, record_id: uuid.UUID | None) -> str | None:
        return record_pseudonym(self.key, kind, str(record_id)) if record_id is not None else None


def research_tables(
    session: Session, clinic_id: uuid.UUID, knowledge: Knowledge, *, key: bytes, today: date
) -> dict[str, Table]:
    """The five tables as of the clinic's `today`, rows ordered by pseudonym and then date (never by anything a
    record's position could betray, such as when it was created)."""
    consented = registry_patients(session, clinic_id)
    keys = _Keys(key, {p: (pseudonym(key, str(p)), shift_days(key, str(p))) for p in consented})
    courses = [c for c in repository.courses(session, clinic_id) if c.patient_id in consented]
    first_of: dict[uuid.UUID, date] = {}
    for course in sorted(courses, key=lambda c: c.first_infusion):
        first_of.setdefault(course.patient_id, course.first_infusion)
    rows = {
        "patients": [_patient(r, keys, first_of.get(r.id)) for r in repository.patients(session, clinic_id)
                     if r.id in consented],
        "courses": [_course(r, keys, knowledge, today) for r in courses],
        "sessions": list(_each(repository.sessions(session, clinic_id), keys, _session)),
        "assessments": list(_each(repository.assessments(session, clinic_id), keys, _assessment)),
        "adverse_events": list(_each(repository.adverse_events(session, clinic_id), keys, _adverse_event)),
    }  # fmt: skip
    return {name: Table(name, TABLES[name], sorted(rows[name], key=_ORDER[name])) for name in TABLES}


def _by(*columns: str) -> Callable[[Row], tuple[str, ...]]:
    return lambda row: tuple(str(row[c]) if row[c] is not None else "" for c in columns)


# Within a patient, by (shifted) date: one offset per patient keeps the order of her dates.
_ORDER = {
    "patients": _by("patient_key"),
    "courses": _by("patient_key", "first_infusion_shifted", "course_key"),
    "sessions": _by("patient_key", "planned_on_shifted", "protocol_step", "session_key"),
    "assessments": _by("patient_key", "assessed_on_shifted", "assessment_key"),
    "adverse_events": _by("patient_key", "onset_on_shifted", "event_key"),
}


def _each(found: Iterable[Any], keys: _Keys, build: Any) -> Iterable[Row]:
    for record in found:
        patient = keys.of(record.patient_id)
        if patient is not None:
            yield build(record, keys, *patient)


def _shift(day: date | None, offset: int) -> date | None:
    return shifted(day, offset) if day is not None else None


def _patient(r: Any, keys: _Keys, first_infusion: date | None) -> Row:
    name, _ = keys.patients[r.id]
    facts = patient_facts(r, r.date_of_birth)  # only for the planner's reading of the stage: one way to read it
    return {
        "patient_key": name, "sex": r.sex,
        "age_band": age_band(age_on(r.date_of_birth, first_infusion)) if first_infusion else None,
        "site": r.site or NO_SITE, "baseline_density_per_cm2": r.baseline_density_per_cm2,
        "androgenetic_alopecia": facts.androgenetic_alopecia, "aga_family_history": r.aga_family_history,
        "conditions": _joined(r.conditions), "anticoagulated": r.anticoagulated,
    }  # fmt: skip


def _course(r: Any, keys: _Keys, knowledge: Knowledge, today: date) -> Row:
    name, offset = keys.patients[r.patient_id]
    return {
        "course_key": keys.record("C", r.id), "patient_key": name,
        "regimen": "custom" if r.custom_regimen is not None else r.regimen_id,
        "risk_class": _risk_class(knowledge, r.regimen_id, r.custom_regimen), "protocol": r.protocol_id,
        "protocol_version": r.protocol_version, "adjuncts": _joined(r.adjuncts), "status": r.status,
        "period": period_of(r.first_infusion), "first_infusion_shifted": shifted(r.first_infusion, offset),
        "last_infusion_shifted": shifted(r.last_cytotoxic_infusion, offset),
        "end_of_chemo_shifted": shifted(r.end_of_chemo, offset), "chemo_ended": r.end_of_chemo < today,
        "plan_versions": r.plan_versions or 0,
    }  # fmt: skip


def _session(r: Any, keys: _Keys, name: str, offset: int) -> Row:
    return {
        "session_key": keys.record("S", r.id), "course_key": keys.record("C", r.course_id), "patient_key": name,
        "protocol_step": r.key, "kind": r.kind, "status": r.status,
        "planned_on_shifted": _shift(r.planned_on, offset), "performed_on_shifted": _shift(r.performed_on, offset),
        "product": r.product, "lot_key": keys.record("L", r.product_lot_id), "dose_ml": r.dose_ml,
        "dose_particles": r.dose_particles, "dose_protein_ug": r.dose_protein_ug,
        "scalp_sites": _joined(r.scalp_sites),
        "gate_passed": bool(r.gate_result["passed"]) if r.gate_result else None,
        "gate_overridden": bool(r.overridden) if r.status == "performed" else None,
    }  # fmt: skip


def _assessment(r: Any, keys: _Keys, name: str, offset: int) -> Row:
    measured = r.measurements or []
    return {
        "assessment_key": keys.record("A", r.id), "patient_key": name,
        "assessed_on_shifted": shifted(r.assessed_on, offset), "source": r.source, "ctcae_grade": r.ctcae_grade,
        "dean_score": r.dean_score, "distress": r.distress, "head_cover": r.head_cover,
        "density_per_cm2": _mean(m.get("density_per_cm2") for m in measured),
        "diameter_um": _mean(m.get("diameter_um") for m in measured),
        "measured_sites": _joined(m.get("site") for m in measured),
    }  # fmt: skip


def _adverse_event(r: Any, keys: _Keys, name: str, offset: int) -> Row:
    return {
        "event_key": keys.record("E", r.id), "patient_key": name, "session_key": keys.record("S", r.session_id),
        "lot_key": keys.record("L", r.product_lot_id), "onset_on_shifted": shifted(r.onset_on, offset),
        "resolved_on_shifted": _shift(r.resolved_on, offset), "ctcae_term": r.ctcae_term, "grade": r.grade,
        "relatedness": r.relatedness, "serious": r.serious,
    }  # fmt: skip


def _joined(values: Iterable[Any] | None) -> str | None:
    found = sorted({str(v) for v in values or () if v})
    return "+".join(found) if found else None


def _mean(values: Iterable[Any]) -> float | None:
    found = [float(v) for v in values if v is not None]
    return sum(found) / len(found) if found else None


def _risk_class(knowledge: Knowledge, regimen_id: str, custom: dict[str, Any] | None) -> str:
    try:
        return course_regimen(knowledge, regimen_id, custom).cia_risk.value
    except DomainError:  # a regimen the clinic's catalogue no longer holds, as in the registry
        return "unknown"
