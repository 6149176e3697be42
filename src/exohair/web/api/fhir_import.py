"""FHIR R4 import: `POST /api/v1/fhir/import`, a Bundle (transaction or collection) holding one patient and her
chemotherapy; `?preview=true` answers what would happen and writes nothing, `?accept_partial=true` imports what
can be used when some entries cannot (docs/fhir.md).

The body is read before the route takes a database slot, within the limit (EXOHAIR_MAX_FHIR_BYTES): a larger one
is refused with 413 from its Content-Length before a byte is read, or (sent chunked) as soon as it passes the
limit. A request without credentials is refused (401) before its body is read.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from exohair.domain.errors import DomainError
from exohair.domain.import_issues import EntryIssue, ImportRefused, Severity
from exohair.features.fhir.importing import import_bundle
from exohair.web.api.photo_upload import counted
from exohair.web.deps import Signed, presented_token, unauthenticated
from exohair.web.problems import Problem

router = APIRouter(tags=["fhir"])
MEDIA_TYPES = ("application/fhir+json", "application/json")
_BODY = {"type": "object", "description": "A FHIR R4 Bundle of type transaction or collection"}
REQUEST_BODY: dict[str, Any] = {"required": True, "content": {kind: {"schema": _BODY} for kind in MEDIA_TYPES}}


class BundleTooLarge(DomainError):
    code = "bundle_too_large"
    http_status = 413

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The bundle is larger than the {max_bytes / 1_048_576:g} MB accepted; send one patient "
                         "per bundle.")  # fmt: skip
        self.max_bytes = max_bytes

    def extensions(self) -> dict[str, object]:
        return {"max_bytes": self.max_bytes}


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    http_status = 415


async def sent_bundle(request: Request) -> object:
    """The body as parsed JSON, read within the size limit; refusals name what is wrong."""
    if presented_token(request) is None:
        raise unauthenticated()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"Send the bundle as {' or '.join(MEDIA_TYPES)}, not {kind or 'no content type'}.")
    max_bytes: int = request.app.state.max_fhir_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BundleTooLarge(max_bytes)
    body = await Request(request.scope, counted(request.receive, max_bytes, lambda: BundleTooLarge(max_bytes))).body()
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        message = f"The body is not JSON ({error}), so it cannot be a FHIR Bundle."
        raise ImportRefused(message, [EntryIssue(Severity.ERROR, None, "", message, "not_json")],
                            partial_possible=False) from None  # fmt: skip


Sent = Annotated[object, Depends(sent_bundle)]


@router.post(
    "/fhir/import",
    summary="Import a patient and her chemotherapy from a FHIR R4 Bundle; the regimen is inferred from the drugs",
    response_class=JSONResponse,
    openapi_extra={"requestBody": REQUEST_BODY},
    responses={
        200: {"content": {"application/json": {"schema": {"type": "object"}}},
              "description": "What was imported (or, with preview, would be): the patient, the regimen matched with "
                             "its confidence and evidence, what was created, and every entry not used and why"},
        413: {"model": Problem, "description": "The bundle is over the size limit"},
        415: {"model": Problem, "description": "The body is not application/fhir+json or application/json"},
        422: {"model": Problem, "description": "Nothing was imported: `issues` names every entry at fault"},
    },
)  # fmt: skip
def import_fhir(sent: Sent, ctx: Signed, accept_partial: bool = False, preview: bool = False) -> JSONResponse:
    # `sent` comes before `ctx`: the body is read before the request takes a database slot.
    report = import_bundle(ctx.session, ctx.actor, sent, ctx.knowledge, at=ctx.at, accept_partial=accept_partial,
                           preview=preview)  # fmt: skip
    body = JSONResponse(report.as_json(), headers={"Cache-Control": "private, no-store"})
    return body if preview else ctx.commit(body)
