"""`GET /api/v1/fhir/export`: every patient of the clinic as FHIR R4 NDJSON, streamed a page of patients at a time.

One `application/fhir+ndjson` stream, every resource type in it, one resource per line (a client splits it by
`resourceType`, or asks for some types with `_type`, as FHIR Bulk Data's kick-off does). It answers at once
rather than through Bulk Data's asynchronous kick-off, status and manifest, so it does not take the `$export`
name a Bulk Data client would expect that protocol behind.

Each page of patients runs in its own session and transaction, inside one of the worker's database slots
(web/deps.py), and its audit entries are committed before its lines are sent. If a page fails after the
first has gone, the stream stops without its last chunk, so the client sees a broken transfer, never a short
file that looks whole.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from exohair.domain.access import Actor
from exohair.features.fhir.bulk import RESOURCE_TYPES, BulkExport, next_page, start_bulk_export
from exohair.knowledge import Knowledge
from exohair.web.deps import Signed, db_slot

router = APIRouter(tags=["fhir"])
FHIR_NDJSON = "application/fhir+ndjson"


@router.get(
    "/fhir/export",
    summary="Every patient of the clinic as FHIR R4 NDJSON, streamed (coordinators and clinicians)",
    response_class=StreamingResponse,
    responses={200: {"content": {FHIR_NDJSON: {"schema": {"type": "string"}}},
                     "description": "One FHIR R4 resource per line, a patient's resources in turn; see docs/fhir.md"}},
)  # fmt: skip
def bulk_export(
    request: Request,
    ctx: Signed,
    types: Annotated[
        str | None,
        Query(
            alias="_type", max_length=400, description=f"Comma-separated resource types; of {', '.join(RESOURCE_TYPES)}"
        ),
    ] = None,
) -> StreamingResponse:
    wanted = [t.strip() for t in types.split(",")] if types is not None else None
    export = start_bulk_export(ctx.actor, wanted)
    actor, knowledge, at = ctx.actor, ctx.knowledge, ctx.at
    ctx.commit(None)  # the request's own session is done: each page opens its own
    day = at.date().isoformat()
    headers = {
        "Cache-Control": "private, no-store",  # health records: never kept by a browser or a shared cache
        "Content-Disposition": f'attachment; filename="exohair-fhir-{day}.ndjson"',
    }
    stream = _pages(request.app.state.sessions, actor, export, knowledge, at)
    return StreamingResponse(stream, media_type=FHIR_NDJSON, headers=headers)


async def _pages(
    sessions: sessionmaker[Session], actor: Actor, export: BulkExport, knowledge: Knowledge, at: datetime
) -> AsyncIterator[bytes]:
    while not export.done:
        async with db_slot(sessions):
            chunk = await run_in_threadpool(_page, sessions, actor, export, knowledge, at)
        if chunk:
            yield chunk


def _page(
    sessions: sessionmaker[Session], actor: Actor, export: BulkExport, knowledge: Knowledge, at: datetime
) -> bytes:
    with sessions() as session:
        resources = next_page(session, actor, export, knowledge, at=at)
        session.commit()  # the page's audit entries, before any of it is sent
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in resources)
