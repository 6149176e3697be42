"""/api/v1: a patient's scalp photos — list, image, thumbnail, upload.

Photo consent is separate from treatment consent and is respected here as on the pages: while the patient's
latest photo consent does not stand, every route answers 403 `no_photo_consent` — the list too, not an empty
list, so a client can tell "no photos yet" from "photos withheld" and say which. The photos stay on file and come
back into view if the patient consents again. Images are health data: `Cache-Control: private, no-store`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from exohair.db.models import ScalpPhoto
from exohair.domain.errors import DomainError
from exohair.domain.scales import ScalpView
from exohair.features.photos import service as photos
from exohair.features.photos.images import PhotoRefused
from exohair.web.api.photo_upload import REQUEST_BODY, PhotoTooLarge, Sent
from exohair.web.deps import Ctx, Signed
from exohair.web.problems import Problem

router = APIRouter(tags=["photos"])
BASE = "/api/v1/patients/{patient_id}/photos/{photo_id}"
NOT_SHOWN: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "The role may not (`forbidden`), or the patient's photo consent does "
          "not stand (`no_photo_consent`)"},
}  # fmt: skip
IMAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The photo as kept (JPEG, no metadata)",
          "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
    **NOT_SHOWN,
}  # fmt: skip


class PhotoLinks(BaseModel):
    image: str  # the JPEG as kept
    thumbnail: str  # at most 320 px on its longer side


class PhotoOut(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    view: str
    taken_on: date
    source: str  # "clinician" or "patient": who took it in
    assessment_id: uuid.UUID | None
    width: int
    height: int
    byte_size: int
    created_at: datetime
    links: PhotoLinks

    @classmethod
    def of(cls, photo: ScalpPhoto) -> PhotoOut:
        image = BASE.format(patient_id=photo.patient_id, photo_id=photo.id)
        return cls(
            id=photo.id, patient_id=photo.patient_id, view=photo.view, taken_on=photo.taken_on, source=photo.source,
            assessment_id=photo.assessment_id, width=photo.width, height=photo.height, byte_size=photo.byte_size,
            created_at=photo.created_at, links=PhotoLinks(image=image, thumbnail=f"{image}/thumbnail"),
        )  # fmt: skip


class FieldRefused(DomainError):
    """A refusal of the service, named after the multipart field it concerns (as validation errors are)."""

    def __init__(self, field: str, refused: DomainError) -> None:
        super().__init__(refused.message, code=refused.code)
        self.http_status, self.field = refused.http_status, field

    def extensions(self) -> dict[str, object]:
        return {"errors": [{"field": self.field, "message": self.message, "type": self.code}]}


@router.get("/patients/{patient_id}/photos", response_model=list[PhotoOut], responses=NOT_SHOWN,
            summary="A patient's scalp photos, latest first, while photo consent stands")  # fmt: skip
def list_photos(ctx: Signed, patient_id: uuid.UUID, view: ScalpView | None = None) -> list[PhotoOut]:
    found = photos.list_consented_photos(ctx.session, ctx.actor, patient_id, at=ctx.at, view=view)
    return ctx.commit([PhotoOut.of(row) for row in found])


@router.post("/patients/{patient_id}/photos", response_model=PhotoOut, status_code=201,
             responses={**NOT_SHOWN, 413: {"model": Problem, "description": "The photo is over the size limit"}},
             openapi_extra={"requestBody": REQUEST_BODY},
             summary="Upload a scalp photo (multipart), with photo consent; kept without its metadata")  # fmt: skip
def upload_photo(request: Request, sent: Sent, ctx: Signed, patient_id: uuid.UUID) -> PhotoOut:
    # `sent` comes before `ctx`: the body is read before the request takes a database slot (photo_upload.py).
    max_bytes: int = request.app.state.max_photo_bytes
    try:
        row = photos.upload_photo(ctx.session, ctx.actor, request.app.state.photo_store, patient_id, view=sent.view,
                                  taken_on=sent.taken_on, data=sent.data, max_bytes=max_bytes,
                                  assessment_id=sent.assessment_id, at=ctx.at)  # fmt: skip
    except PhotoRefused as refused:
        if refused.code == "photo_too_large":
            raise PhotoTooLarge(max_bytes) from refused
        raise FieldRefused("body.file", refused) from refused
    return ctx.commit(PhotoOut.of(row))


@router.get("/patients/{patient_id}/photos/{photo_id}", response_class=Response, responses=IMAGE,
            summary="A scalp photo's image (JPEG), while photo consent stands")  # fmt: skip
def get_photo(request: Request, ctx: Signed, patient_id: uuid.UUID, photo_id: uuid.UUID) -> Response:
    return _image(request, ctx, patient_id, photo_id, thumbnail=False)


@router.get("/patients/{patient_id}/photos/{photo_id}/thumbnail", response_class=Response, responses=IMAGE,
            summary="A scalp photo's thumbnail (JPEG, at most 320 px), while photo consent stands")  # fmt: skip
def get_thumbnail(request: Request, ctx: Signed, patient_id: uuid.UUID, photo_id: uuid.UUID) -> Response:
    return _image(request, ctx, patient_id, photo_id, thumbnail=True)


def _image(request: Request, ctx: Ctx, patient_id: uuid.UUID, photo_id: uuid.UUID, *, thumbnail: bool) -> Response:
    data = photos.photo_bytes(ctx.session, ctx.actor, request.app.state.photo_store, photo_id, thumbnail=thumbnail,
                              at=ctx.at, patient_id=patient_id)  # fmt: skip
    ctx.commit(None)
    # private, no-store: no shared cache (a proxy) nor the browser's keeps a copy of a health record.
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})
