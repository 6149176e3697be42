"""Reading a photo upload (multipart/form-data: `view`, `taken_on`, optional `assessment_id`, one `file`) for
POST /api/v1/patients/{id}/photos, within the size limit and before the request takes a database slot.

A request that declares more than one photo and its fields may hold is refused (413) from its Content-Length
before a byte of its body is read; one without a Content-Length (chunked) is counted as it arrives and refused
as soon as it passes the limit, so an oversized upload is never held whole. The body is read before the route
opens its database session: on SQLite a worker runs one request with a session at a time (web/deps.py), and a
phone sending 15 MB over a slow line must not hold that slot while it does. A request without credentials is
refused (401) before its body is read.

FastAPI's own Form/File parameters are not used because FastAPI reads the whole body before any dependency runs;
the request body is described in the OpenAPI schema by hand instead (REQUEST_BODY).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from exohair.domain.errors import DomainError
from exohair.domain.scales import ScalpView
from exohair.features.photos.schemas import PhotoIn
from exohair.web.deps import presented_token, unauthenticated

ENVELOPE_BYTES = 64 * 1024  # multipart boundaries, part headers and the three small fields around the photo
MAX_FIELDS = 10

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["view", "taken_on", "file"],
                "properties": {
                    "view": {"type": "string", "enum": [v.value for v in ScalpView]},
                    "taken_on": {"type": "string", "format": "date"},
                    "assessment_id": {"type": "string", "format": "uuid"},
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "A JPEG, PNG or HEIC photo, at most the clinic's photo limit (15 MB)",
                    },
                },
            }
        }
    },
}


class PhotoTooLarge(DomainError):
    code = "photo_too_large"
    http_status = 413

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The photo is larger than the {max_bytes / 1_048_576:g} MB accepted; send a smaller photo.")
        self.max_bytes = max_bytes

    def extensions(self) -> dict[str, object]:
        return {"max_bytes": self.max_bytes}


@dataclass(frozen=True, slots=True)
class SentPhoto:
    view: ScalpView
    taken_on: date
    assessment_id: uuid.UUID | None
    data: bytes  # at most the photo limit


def counted(receive: Receive, most: int, too_large: Callable[[], Exception]) -> Receive:
    """`receive`, raising `too_large()` as soon as more than `most` bytes of body have arrived (a chunked upload
    declares no length to refuse up front)."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > most:
                raise too_large()
        return message

    return counting


async def sent_photo(request: Request) -> SentPhoto:
    if presented_token(request) is None:
        raise unauthenticated()
    max_bytes: int = request.app.state.max_photo_bytes
    most = max_bytes + ENVELOPE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise PhotoTooLarge(max_bytes)
    counted_request = Request(request.scope, counted(request.receive, most, lambda: PhotoTooLarge(max_bytes)))
    try:
        form = await counted_request.form(max_files=1, max_fields=MAX_FIELDS)
    except HTTPException as malformed:  # Starlette's answer to a body that is not valid multipart (400)
        raise RequestValidationError([{"loc": ("body",), "msg": str(malformed.detail), "type": "multipart"}]) from None
    try:
        upload = form.get("file")
        text = {key: value for key, value in form.multi_items() if isinstance(value, str) and key != "file"}
        errors: list[dict[str, Any]] = []
        if not isinstance(upload, UploadFile):
            errors.append({"loc": ("body", "file"), "msg": "send the photo as a file part named 'file'",
                           "type": "missing"})  # fmt: skip
        try:
            fields = PhotoIn.model_validate(text)
        except ValidationError as invalid:
            errors += [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in invalid.errors()]
        if errors or not isinstance(upload, UploadFile):
            raise RequestValidationError(errors)
        data = await upload.read(max_bytes + 1)  # one byte more than the limit says whether it was passed
    finally:
        await form.close()
    if len(data) > max_bytes:
        raise PhotoTooLarge(max_bytes)
    return SentPhoto(fields.view, fields.taken_on, fields.assessment_id, data)


Sent = Annotated[SentPhoto, Depends(sent_photo)]
