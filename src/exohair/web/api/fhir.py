"""FHIR R4 export: `GET /api/v1/patients/{id}/$everything`, the patient's whole episode as a Bundle."""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from exohair.features.fhir import service
from exohair.web.deps import Signed

router = APIRouter(tags=["fhir"])
FHIR_JSON = "application/fhir+json"


@router.get(
    "/patients/{patient_id}/$everything",
    summary="The patient's whole episode as a FHIR R4 Bundle (collection)",
    response_class=Response,
    responses={200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}},
                     "description": "A FHIR R4 (4.0.1) Bundle of type collection; see docs/fhir.md"}},
)  # fmt: skip
def everything(ctx: Signed, patient_id: uuid.UUID) -> Response:
    bundle = service.patient_bundle(ctx.session, ctx.actor, patient_id, ctx.knowledge, at=ctx.at)
    body = json.dumps(bundle, ensure_ascii=False).encode()
    # Health records: never kept by a browser or a shared cache.
    return ctx.commit(Response(body, media_type=FHIR_JSON, headers={"Cache-Control": "private, no-store"}))
