"""A Bundle read for import, whole: the patient, her cancer, her chemotherapy, the plan and outcomes an exohair
export carries, and one issue for every entry that cannot be used (or is not read), in entry order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exohair.domain.import_issues import EntryIssue, ImportRefused, Severity
from exohair.interop.fhir.drugs import DrugCatalogue
from exohair.interop.fhir.read_care import AssessmentFacts, PlanFacts, read_assessments, read_plan
from exohair.interop.fhir.read_chart import CancerFacts, DrugUse, PatientFacts, read_cancer, read_drugs, read_patient
from exohair.interop.fhir.reading import READ_TYPES, bundle_entries, is_fhir_type

NOT_IMPORTED = {"AdverseEvent", "Consent", "QuestionnaireResponse", "Media"}  # exported, not (yet) imported


@dataclass(frozen=True, slots=True)
class ImportRead:
    bundle_type: str
    entry_count: int
    patient: PatientFacts
    cancer: CancerFacts | None
    drugs: tuple[DrugUse, ...]
    plan: PlanFacts | None
    assessments: tuple[AssessmentFacts, ...]
    issues: tuple[EntryIssue, ...]


def read_import(data: object, catalogue: DrugCatalogue, *, today: date) -> ImportRead:
    """Read everything usable; ImportRefused (partial_possible False) when there is no bundle or no one patient."""
    entries, kind, fatal = bundle_entries(data)
    if entries is None:
        raise ImportRefused(fatal[0].message, fatal, partial_possible=False)
    patient = read_patient(entries, today=today)
    if patient is None:
        raise ImportRefused("The bundle has no usable Patient, so nothing can be imported.",
                            _ordered(entries.issues), partial_possible=False)  # fmt: skip
    drugs = read_drugs(entries, catalogue, today=today, born=patient.date_of_birth)
    cancer = read_cancer(entries, drugs)
    plan = read_plan(entries, today=today)
    assessments = read_assessments(entries, today=today, born=patient.date_of_birth)
    used = {patient.entry.index, *(d.entry.index for d in drugs)}
    used |= {cancer.entry.index} if cancer and cancer.entry else set()
    if plan is not None:
        used.add(plan.entry.index)
        for session in plan.sessions:
            used |= {e.index for e in (session.procedure, session.lot.entry if session.lot else None) if e}
    used |= {e.index for a in assessments for e in a.entries}
    used |= {e.index for d in drugs for e in entries.items if e.resource_type == "Medication"
             and f"Medication/{e.id}" in str(d.entry.resource.get("medicationReference"))}  # fmt: skip
    noted = {issue.index for issue in entries.issues}
    for entry in entries.items:
        if entry.index in used or entry.index in noted:
            continue
        if not is_fhir_type(entry.resource_type):
            entries.issue(
                entry, f"'{entry.resource_type}' is not a FHIR R4 resource type.", code="unknown_resource_type"
            )
            continue
        why = (f"exohair does not import {entry.resource_type} resources yet" if entry.resource_type in NOT_IMPORTED
               else f"exohair does not read {entry.resource_type} resources" if entry.resource_type not in READ_TYPES
               else "nothing in the bundle uses it")  # fmt: skip
        entries.issue(entry, f"Not imported: {why}.", severity=Severity.SKIPPED, code="not_read")
    return ImportRead(kind, len(entries.items), patient, cancer, tuple(drugs), plan, tuple(assessments),
                      _ordered(entries.issues))  # fmt: skip


def _ordered(issues: list[EntryIssue]) -> tuple[EntryIssue, ...]:
    return tuple(sorted(issues, key=lambda i: -1 if i.index is None else i.index))
