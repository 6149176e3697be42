"""The patient and her cancer treatment as FHIR R4: Patient, Condition, and the chemotherapy as one
MedicationRequest per agent with one MedicationAdministration per dose day on the clinic's calendar.

Aligned with mCODE (CancerPatient, PrimaryCancerCondition, CancerRelatedMedicationRequest and
-Administration) but not claiming those profiles in `meta.profile`: mCODE requires SNOMED CT codes for the cancer
and RxNorm codes for the drugs, and the clinic records the cancer as text and the drugs by our catalogue's ids.
The chemotherapy is the oncology team's: the clinic only knows it as reported to it, so every MedicationRequest
says `reportedBoolean: true`, and an administration is "completed" only for a day that has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from exohair.db.models import ChemoCourse, Patient
from exohair.domain.calendar import InfusionStatus
from exohair.domain.full_plan import FullPlan
from exohair.interop.fhir import codes
from exohair.interop.fhir.codes import coding, derived_id

Resource = dict[str, Any]


def ref(resource: Resource) -> dict[str, str]:
    """A reference to another resource of the same Bundle, by its fullUrl."""
    return {"reference": f"urn:uuid:{resource['id']}"}


def patient(row: Patient) -> Resource:
    return {
        "resourceType": "Patient",
        "id": str(row.id),
        "identifier": [{"use": "usual", "system": f"{codes.MRN}/{row.clinic_id}", "value": row.mrn}],
        "name": [{"use": "official", "family": row.family_name, "given": [row.given_name]}],
        "gender": row.sex,  # our four values are FHIR's administrative genders
        "birthDate": row.date_of_birth.isoformat(),
    }


def condition(row: Patient, subject: Resource) -> Resource:
    found: Resource = {
        "resourceType": "Condition",
        "id": derived_id(row.id, "cancer"),
        "clinicalStatus": {"coding": [coding(codes.CONDITION_CLINICAL, "active")]},
        "verificationStatus": {"coding": [coding(codes.CONDITION_VERIFICATION, "confirmed")]},
        "category": [{"coding": [coding(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]}],
        "code": {"text": row.cancer_type},
        "subject": ref(subject),
    }
    if row.cancer_stage:
        found["stage"] = [{"summary": {"text": row.cancer_stage}}]
    return found


def chemotherapy(
    course: ChemoCourse,
    full: FullPlan,
    subject: Resource,
    cancer: Resource,
    *,
    agent_names: Mapping[str, str],
    today: date,
) -> list[Resource]:
    """One MedicationRequest per agent of the regimen (its timing starting on the agent's first dose day, so an
    import can date a course not begun yet), then one MedicationAdministration per agent per dose day."""
    regimen = full.regimen
    regimen_code = {"coding": [coding(codes.REGIMEN, regimen.id, regimen.name)], "text": regimen.name}
    ended = course.status != "active"
    requests: dict[str, Resource] = {}
    agents_of_phase = {phase.name: phase.agents for phase in regimen.phases}
    first_dose: dict[str, str] = {}  # agent -> the first day it is given on the calendar: where the order starts
    for infusion in full.calendar.infusions:
        for dose in agents_of_phase.get(infusion.phase, ()):
            if infusion.day in dose.days and infusion.status is not InfusionStatus.SKIPPED:
                first_dose.setdefault(dose.agent_id, infusion.date.isoformat())
    for phase in regimen.phases:
        for dose in phase.agents:
            if dose.agent_id in requests:
                continue
            requests[dose.agent_id] = {
                "resourceType": "MedicationRequest",
                "id": derived_id(course.id, f"request/{dose.agent_id}"),
                "status": "completed" if ended else "active",
                "intent": "order",
                "category": [regimen_code],
                "reportedBoolean": True,  # ordered by the oncology team, recorded by the clinic
                "medicationCodeableConcept": _agent(dose.agent_id, agent_names),
                "subject": ref(subject),
                "reasonReference": [ref(cancer)],
                "dosageInstruction": [_dosage(dose.dose, dose.unit, dose.route, phase.name)],
            }
            if dose.agent_id in first_dose:
                starts = {"repeat": {"boundsPeriod": {"start": first_dose[dose.agent_id]}}}
                requests[dose.agent_id]["dosageInstruction"][0]["timing"] = starts
    administrations = []
    for infusion in full.calendar.infusions:
        if infusion.date > today:
            continue  # still to come: part of the request, not yet an administration
        for dose in agents_of_phase.get(infusion.phase, ()):
            if infusion.day not in dose.days:
                continue
            skipped = infusion.status is InfusionStatus.SKIPPED
            administrations.append({
                "resourceType": "MedicationAdministration",
                "id": derived_id(course.id, f"given/{infusion.cycle}/{infusion.day}/{dose.agent_id}"),
                "status": "not-done" if skipped else "completed",
                "category": {"text": f"{regimen.name}, cycle {infusion.cycle} day {infusion.day}"},
                "medicationCodeableConcept": _agent(dose.agent_id, agent_names),
                "subject": ref(subject),
                "effectiveDateTime": infusion.date.isoformat(),
                "request": ref(requests[dose.agent_id]),
                "reasonReference": [ref(cancer)],
                "note": [{"text": "As recorded by the hair clinic from the oncology calendar"
                          + (" (skipped)" if skipped else "")
                          + (f"; given {infusion.shift_days} days late" if infusion.shift_days > 0 else "")}],
            })  # fmt: skip
    return [*requests.values(), *administrations]


def _agent(agent_id: str, names: Mapping[str, str]) -> dict[str, Any]:
    name = names.get(agent_id, agent_id)
    return {"coding": [coding(codes.AGENT, agent_id, name)], "text": name}


def _dosage(dose: float | None, unit: str, route: str, phase: str) -> dict[str, Any]:
    text = f"{phase}: " + (f"{dose:g} {unit}" if dose is not None else f"dose individualised ({unit})") + f" {route}"
    found: dict[str, Any] = {"text": text, "route": {"text": route}}
    if dose is not None and unit in ("mg/m2", "mg/kg", "mg"):
        ucum = {"mg/m2": "mg/m2", "mg/kg": "mg/kg", "mg": "mg"}[unit]
        found["doseAndRate"] = [{"doseQuantity": {"value": dose, "unit": unit, "system": codes.UCUM, "code": ucum}}]
    return found
