"""Forms that carry photos: the CSRF check, a size limit before anything is read, and the files' bytes.

A request larger than its limit is refused from its Content-Length (413) before its body is parsed; each file
is then read up to its own limit plus one byte, so an oversized file is said to be too large by the photo check
(beside its field) without ever being held whole in memory."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

from exohair.web.pages.rendering import CSRF_FIELD, CSRF_HEADER, csrf_valid

MAX_FILES = 5  # one per standard view
MAX_FIELDS = 50


@dataclass(frozen=True, slots=True)
class Posted:
    fields: dict[str, str]
    files: dict[str, bytes]  # field name -> bytes (at most the photo limit + 1); empty file inputs are left out


async def posted_upload(request: Request) -> Posted:
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
