"""A patient's whole episode as one FHIR R4 Bundle, every resource validated before it leaves.

FHIR version: R4 (4.0.1), what oncology EHRs speak. The resources are checked with fhir.resources' R4B models
(4.3.0; the package's default is R5, and it ships no 4.0.1 models): types, cardinality, required elements and no
unknown elements. R4B changed none of the elements we write from R4. Codes are not checked against their value
sets by that library, so tests/unit/test_fhir_export.py checks ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from exohair.db.models import (
    AdverseEvent,
    Assessment,
    ChemoCourse,
    ConsentRecord,
    Patient,
    PlanVersion,
    ProductLot,
    QuestionnaireResponse,
    ScalpPhoto,
    TherapySession,
)
from exohair.domain.errors import InvalidInput
from exohair.domain.full_plan import FullPlan
from exohair.interop.fhir import care, chart, outcomes
from exohair.interop.fhir.chart import Resource

FHIR_VERSION = "4.0.1"


@dataclass(frozen=True)
class CourseEpisode:
    course: ChemoCourse
    version: PlanVersion  # its current plan version
    full: FullPlan  # rebuilt from it, for the chemotherapy calendar
    sessions: list[TherapySession]


@dataclass(frozen=True)
class Episode:
    """Everything on file for one patient that the export carries; photos empty without photo consent."""

    patient: Patient
    courses: list[CourseEpisode]
    lots: dict[str, ProductLot]  # by id, the lots her performed sessions used
    assessments: list[Assessment]
    adverse_events: list[AdverseEvent]
    consents: list[ConsentRecord]
    responses: list[QuestionnaireResponse]
    photos: list[ScalpPhoto] = field(default_factory=list)


def episode_resources(
    episode: Episode, *, agent_names: Mapping[str, str], photo_url: str, today: date
) -> list[Resource]:
    """Every resource of the episode, the Patient first; `photo_url` is formatted with patient_id and photo_id."""
    patient = chart.patient(episode.patient)
    cancer = chart.condition(episode.patient, patient)
    found: list[Resource] = [patient, cancer]
    lots = {lot_id: care.lot_medication(lot) for lot_id, lot in episode.lots.items()}
    found += lots.values()
    procedures: dict[str, Resource] = {}
    for course in episode.courses:
        found += chart.chemotherapy(course.course, course.full, patient, cancer, agent_names=agent_names, today=today)
        for row in course.sessions:
            if row.status == "performed":
                lot = lots.get(str(row.product_lot_id)) if row.product_lot_id else None
                procedures[str(row.id)] = care.procedure(row, patient, lot)
        found.append(care.care_plan(course.version, course.full, course.sessions, patient, procedures))
    found += procedures.values()
    for event in episode.adverse_events:
        suspects = [procedures[str(event.session_id)]] if str(event.session_id) in procedures else []
        if event.product_lot_id is not None and str(event.product_lot_id) in lots:
            suspects.append(lots[str(event.product_lot_id)])
        found.append(care.adverse_event(event, patient, suspects))
    for assessment in episode.assessments:
        found += outcomes.assessment_observations(assessment, patient)
    found += [outcomes.questionnaire_response(row, patient) for row in episode.responses]
    found += [outcomes.photo_media(row, patient, url=photo_url.format(patient_id=row.patient_id, photo_id=row.id))
              for row in episode.photos]  # fmt: skip
    found += [outcomes.consent(row, patient) for row in episode.consents]
    return [validated(resource) for resource in found]


def collection(resources: Iterable[Resource], *, at: datetime) -> Resource:
    """A Bundle of type collection: the resources as they are, for a receiving system to take in."""
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    return validated({"resourceType": "Bundle", "type": "collection", "timestamp": at.isoformat(), "entry": entries})


def validated(resource: Resource) -> Resource:
    """The resource if FHIR's structure accepts it; otherwise InvalidInput naming the resource and the element."""
    model = get_fhir_model_class(str(resource.get("resourceType")))
    try:
        model.model_validate(resource)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            f"{resource.get('resourceType')}/{resource.get('id')}: {where}: {first['msg']}", code="invalid_fhir"
        ) from error
    return resource
