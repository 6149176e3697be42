"""Upload, list and show scalp photos — authorised, clinic-scoped, audited, and only with photo consent.

Photo consent is separate from treatment consent and is respected everywhere: no photo is taken in (uploaded)
without it, and none is listed or shown once the patient's latest photo consent is withdrawn. The rows and blobs
stay (they are part of the record); they come back into view if the patient consents again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, ScalpPhoto
from exohair.domain.access import Actor, Permission, Role
from exohair.domain.errors import DomainError, InvalidInput, NotFound
from exohair.domain.scales import ScalpView
from exohair.features.assessments import repository
from exohair.features.charts import audit_chart, audit_search, open_chart, open_record
from exohair.features.consent import repository as consents
from exohair.features.photos.images import prepare_photo
from exohair.features.photos.storage import PhotoStore
from exohair.features.plans.inputs import clinic_today

RECORD_TYPE = "scalp_photo"


class NoPhotoConsent(DomainError):
    code = "no_photo_consent"
    http_status = 403


def photo_consent(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
    """Whether the patient's latest photo consent stands (signed and not withdrawn)."""
    latest = consents.latest(session, clinic_id, patient_id, "photos")
    return latest is not None and latest.withdrawn_at is None


def upload_photo(
    session: Session,
    actor: Actor,
    store: PhotoStore,
    patient_id: uuid.UUID,
    *,
    view: str,
    taken_on: date,
    data: bytes,
    max_bytes: int,
    at: datetime,
    assessment_id: uuid.UUID | None = None,
) -> ScalpPhoto:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_OUTCOMES)
    if view not in {v.value for v in ScalpView}:
        raise InvalidInput(
            f"'{view}' is not a standard view (vertex, frontal, left, right, occipital).", code="bad_view"
        )
    if not photo_consent(session, actor.clinic_id, patient.id):
        raise NoPhotoConsent("There is no photo consent on file: photos are kept only with the patient's consent.")
    if taken_on > clinic_today(session.get_one(Clinic, actor.clinic_id), at):
        raise InvalidInput(f"taken_on: {taken_on.isoformat()} has not come yet.", code="taken_in_future")
    if taken_on < patient.date_of_birth:
        raise InvalidInput("taken_on: before the patient was born; check the year.", code="taken_before_birth")
    # A photo filed with an assessment must be of the same chart: the id comes from the client (the API).
    if (
        assessment_id is not None
        and repository.assessment_in_chart(session, actor.clinic_id, patient.id, assessment_id) is None
    ):
        raise NotFound("No such assessment in this patient's chart.", code="assessment_not_found")
    prepared = prepare_photo(data, max_bytes=max_bytes, name=f"The {view} photo")
    photo = ScalpPhoto(
        clinic_id=actor.clinic_id, patient_id=patient.id, assessment_id=assessment_id, view=view, taken_on=taken_on,
        source="patient" if actor.role is Role.PATIENT else "clinician", uploaded_by=actor.user_id,
        content_hash=store.put(prepared.jpeg), thumbnail_hash=store.put(prepared.thumbnail),
        width=prepared.width, height=prepared.height, byte_size=len(prepared.jpeg),
    )  # fmt: skip
    session.add(photo)
    session.flush()
    audit_chart(session, actor, "create", RECORD_TYPE, photo.id, patient_id=patient.id, at=at,
                changes={"view": [None, view], "taken_on": [None, taken_on.isoformat()],
                         "content_hash": [None, photo.content_hash]})  # fmt: skip
    return photo


def list_photos(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> list[ScalpPhoto]:
    """The patient's photos, latest first; none while photo consent does not stand (the pages say why beside
    the empty list)."""
    patient = open_chart(session, actor, patient_id, Permission.READ_OUTCOMES)
    found = repository.photos_of(session, actor.clinic_id, patient.id)
    if found and not photo_consent(session, actor.clinic_id, patient.id):
        found = []
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def list_consented_photos(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, view: str | None = None
) -> list[ScalpPhoto]:
    """The patient's photos (of one view, if asked), latest first; refused (NoPhotoConsent) while photo consent
    does not stand, so a program can tell "no photos yet" from "photos withheld" (the API's list)."""
    patient = open_chart(session, actor, patient_id, Permission.READ_OUTCOMES)
    if not photo_consent(session, actor.clinic_id, patient.id):
        raise NoPhotoConsent("The patient's photo consent does not stand: their photos are not shown.")
    found = repository.photos_of(session, actor.clinic_id, patient.id, view=view)
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def photo_bytes(
    session: Session,
    actor: Actor,
    store: PhotoStore,
    photo_id: uuid.UUID,
    *,
    thumbnail: bool,
    at: datetime,
    patient_id: uuid.UUID | None = None,
) -> bytes:
    """The stored JPEG (or its thumbnail), for someone who may see the patient's chart, while consent stands.

    Given `patient_id` (an address that names the patient), a photo of anyone else is answered as missing."""
    missing = NotFound("No such photo.", code="photo_not_found")
    row = repository.photo_in_clinic(session, actor.clinic_id, photo_id)
    if row is not None and patient_id is not None and row.patient_id != patient_id:
        row = None
    photo = open_record(session, actor, row, Permission.READ_OUTCOMES, missing=missing)
    if not photo_consent(session, actor.clinic_id, photo.patient_id):
        raise NoPhotoConsent("The patient's photo consent does not stand: their photos are not shown.")
    audit_chart(session, actor, "read", RECORD_TYPE, photo.id, patient_id=photo.patient_id, at=at)
    try:
        return store.get(photo.thumbnail_hash if thumbnail else photo.content_hash)
    except KeyError:
        raise NotFound("The photo's image is missing from the photo store.", code="photo_blob_missing") from None
