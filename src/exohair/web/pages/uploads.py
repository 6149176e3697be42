"""Forms that carry photos: the CSRF check, a size limit before anything is read, and the files' bytes.

A request without any credential is refused unread; one larger than its limit is refused from its Content-Length
(413) before its body is parsed; each file is then read up to its own limit plus one byte, so an oversized file is
said to be too large by the photo check (beside its field) without ever being held whole in memory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

from exohair.domain.errors import DomainError
from exohair.domain.scales import ScalpView
from exohair.features.photos import service as photos
from exohair.web.deps import Ctx, presented_token, unauthenticated
from exohair.web.pages.rendering import CSRF_FIELD, CSRF_HEADER, csrf_valid

MAX_FILES = 5  # one per standard view
MAX_FIELDS = 50


@dataclass(frozen=True, slots=True)
class Posted:
    fields: dict[str, str]
    files: dict[str, bytes]  # field name -> bytes (at most the photo limit + 1); empty file inputs are left out


async def posted_upload(request: Request) -> Posted:
    """The form, read before the route's database session is opened: routes declare it ahead of `Signed`, so a
    slow phone upload does not hold one of the worker's database slots (web/deps.py) while it arrives. Without
    any credential at all it is not read: the request is refused first."""
    if not presented_token(request):
        raise unauthenticated()
    limit: int = request.app.state.max_photo_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILES * limit + 1_048_576:
        raise HTTPException(413, f"Too much was sent at once: at most {MAX_FILES} photos of {limit // 1_048_576} MB.")
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    if not csrf_valid(request, sent):
        raise HTTPException(400, "This form had expired. Go back, reload the page and send it again.")
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read(limit + 1)
            if data or value.filename:
                files[key] = data
        elif key != CSRF_FIELD:
            fields[key] = value
    await form.close()
    return Posted(fields, files)


class PhotoFieldRefused(Exception):
    """A photo of one view was refused: `field` is its form field, so the page shows the reason beside it."""

    def __init__(self, field: str, refused: DomainError) -> None:
        super().__init__(refused.message)
        self.field, self.refused = field, refused


def upload_views(
    request: Request, ctx: Ctx, patient_id: uuid.UUID, posted: Posted, *, taken_on: date, assessment_id: uuid.UUID
) -> None:
    """Store the photo sent for each standard view (fields photo_vertex, photo_frontal, ...) with the assessment."""
    for view in ScalpView:
        field = f"photo_{view}"
        if field not in posted.files:
            continue
        try:
            photos.upload_photo(ctx.session, ctx.actor, request.app.state.photo_store, patient_id, view=view,
                                taken_on=taken_on, data=posted.files[field], assessment_id=assessment_id,
                                max_bytes=request.app.state.max_photo_bytes, at=ctx.at)  # fmt: skip
        except DomainError as refused:
            raise PhotoFieldRefused(field, refused) from refused
