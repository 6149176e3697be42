"""Hair outcomes and consent as FHIR R4: one Observation per measure of an assessment, QuestionnaireResponses,
Media for scalp photos (only while photo consent stands; the caller decides), and the Consents on file."""

from __future__ import annotations

from typing import Any

from exohair.db.models import Assessment, ConsentRecord, QuestionnaireResponse, ScalpPhoto
from exohair.interop.fhir import codes
from exohair.interop.fhir.chart import Resource, ref
from exohair.interop.fhir.codes import coding, derived_id

_EXAM = {"coding": [coding(codes.OBSERVATION_CATEGORY, "exam", "Exam")]}
_SURVEY = {"coding": [coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}


def assessment_observations(row: Assessment, subject: Resource) -> list[Resource]:
    """The measures of one assessment, each its own Observation (FHIR keeps one value per Observation)."""
    by_patient = row.source == "patient"

    def observation(part: str, code: str, value: dict[str, Any], category: dict[str, Any]) -> Resource:
        found: Resource = {
            "resourceType": "Observation",
            "id": derived_id(row.id, part),
            "status": "final",
            "category": [category],
            "code": {"coding": [coding(codes.HAIR_OBSERVATION, code, codes.OBSERVATIONS[code])]},
            "subject": ref(subject),
            "effectiveDateTime": row.assessed_on.isoformat(),
            "method": {"text": "reported by the patient" if by_patient else "assessed by a clinician"},
            **value,
        }
        if by_patient:
            found["performer"] = [ref(subject)]
        return found

    found = []
    graded = _EXAM if not by_patient else _SURVEY
    if row.ctcae_grade is not None:
        found.append(observation("ctcae", "ctcae-alopecia-grade", {"valueInteger": row.ctcae_grade}, graded))
    if row.dean_score is not None:
        found.append(observation("dean", "dean-score", {"valueInteger": row.dean_score}, graded))
    if row.distress is not None:
        found.append(observation("distress", "hair-loss-distress", {"valueInteger": row.distress}, _SURVEY))
    if row.head_cover is not None:
        cover = {"valueCodeableConcept": {"coding": [coding(codes.HEAD_COVER, row.head_cover)], "text": row.head_cover}}
        found.append(observation("cover", "head-cover-use", cover, _SURVEY))
    for measurement in row.measurements or ():
        site = measurement.get("site", "")
        where = {"bodySite": {"coding": [coding(codes.SCALP_VIEW, site)], "text": site}}
        if measurement.get("density_per_cm2") is not None:
            value = _quantity(measurement["density_per_cm2"], "hairs/cm2", "/cm2")
            found.append(observation(f"density/{site}", "hair-density", value | where, _EXAM))
        if measurement.get("diameter_um") is not None:
            value = _quantity(measurement["diameter_um"], "µm", "um")
            found.append(observation(f"diameter/{site}", "hair-shaft-diameter", value | where, _EXAM))
    if row.notes and found:
        found[0]["note"] = [{"text": row.notes}]
    return found


def questionnaire_response(row: QuestionnaireResponse, subject: Resource) -> Resource:
    items = [{"linkId": str(item), "answer": [_answer(value)]} for item, value in sorted(row.answers.items())
             if value is not None]  # fmt: skip
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(row.id),
        "questionnaire": f"{codes.QUESTIONNAIRE}/{row.instrument_id}|{row.instrument_version}",
        "status": "completed",
        "subject": ref(subject),
        "authored": row.answered_on.isoformat(),
        "author": ref(subject) if row.source == "patient" else {"display": "a clinician of the clinic"},
        "item": items,
    }


def photo_media(row: ScalpPhoto, subject: Resource, *, url: str) -> Resource:
    """A scalp photo by reference: `url` fetches the image through the API, behind the same consent and roles."""
    return {
        "resourceType": "Media",
        "id": str(row.id),
        "status": "completed",
        "type": {"coding": [coding(codes.MEDIA_TYPE, "image", "Image")]},
        "view": {"coding": [coding(codes.SCALP_VIEW, row.view)], "text": row.view},
        "subject": ref(subject),
        "createdDateTime": row.taken_on.isoformat(),
        "bodySite": {"text": "scalp"},
        "height": row.height,
        "width": row.width,
        "content": {"contentType": "image/jpeg", "url": url, "size": row.byte_size},
    }


def consent(row: ConsentRecord, subject: Resource) -> Resource:
    scope, covers = codes.CONSENT_SCOPES[row.scope]
    found: Resource = {
        "resourceType": "Consent",
        "id": str(row.id),
        "status": "inactive" if row.withdrawn_at is not None else "active",
        "scope": {"coding": [coding(codes.CONSENT_SCOPE, scope)]},
        "category": [{"coding": [coding(codes.LOINC, *codes.CONSENT_DOCUMENT)]}],
        "patient": ref(subject),
        "dateTime": row.signed_at.isoformat(),
        "policyRule": {"text": f"{covers}: the clinic's consent form, version {row.document_version}"},
        "provision": {"type": "permit", "period": {"start": row.signed_at.isoformat(),
                      **({"end": row.withdrawn_at.isoformat()} if row.withdrawn_at else {})}},
    }  # fmt: skip
    found["sourceAttachment"] = {"title": f"Signed by {row.signed_by}"}
    return found


def _quantity(value: float, unit: str, ucum: str) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "unit": unit, "system": codes.UCUM, "code": ucum}}


def _answer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}
