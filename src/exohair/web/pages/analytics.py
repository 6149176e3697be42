"""The registry's evidence page (/analytics); the researcher's de-identified registry (/analytics/registry.csv) and
research tables (/analytics/research.zip); "patients like you" (/my/patients-like-me for the patient,
/patients/{id}/patients-like-this for staff).

The report is computed by features/analytics and rendered by its own template, the one `exohair report` writes
to a file; this page only places it in the app's layout.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import ROLE_PERMISSIONS, Permission, Role
from exohair.domain.errors import InvalidInput, NotFound
from exohair.features.analytics.html import report_body
from exohair.features.analytics.like_you import patients_like_you
from exohair.features.analytics.report import clinic_report
from exohair.features.analytics.service import research_registry
from exohair.features.research.formats import ExportFormat
from exohair.features.research.service import research_export
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/analytics")
like_router = APIRouter()  # "patients like you": in the portal and on the chart


@router.get("")
def evidence(request: Request, ctx: Signed) -> Response:
    report = clinic_report(ctx.session, ctx.actor, ctx.knowledge, at=ctx.at)
    ctx.commit(None)
    return render(request, "analytics.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Evidence from the clinic's registry", report=report, body=report_body(report),
                  may_export=Permission.READ_RESEARCH_DATA in ROLE_PERMISSIONS[ctx.actor.role])  # fmt: skip


@router.get("/registry.csv")
def registry_csv(ctx: Signed) -> Response:
    frame = research_registry(ctx.session, ctx.actor, ctx.knowledge, at=ctx.at)
    ctx.commit(None)
    day = ctx.at.date().isoformat()
    return Response(
        frame.to_csv(index=False, date_format="%Y-%m-%d"),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="registry-deidentified-{day}.csv"',
            "cache-control": "private, no-store",  # de-identified, but still the clinic's records
        },
    )


@router.get("/research.zip")
def research_zip(ctx: Signed, format: str = "csv") -> Response:
    """The research tables, de-identified, with their data dictionary: CSV, Parquet or REDCap, as one zip."""
    try:
        chosen = ExportFormat(format)
    except ValueError:
        raise InvalidInput(
            f"Unknown format {format!r}: choose csv, parquet or redcap.", code="unknown_format"
        ) from None
    export = research_export(ctx.session, ctx.actor, ctx.knowledge, chosen, at=ctx.at)
    ctx.commit(None)
    return Response(
        export.zipped(),
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="research-{chosen.value}-{export.as_of.isoformat()}.zip"',
            "cache-control": "private, no-store",  # de-identified, but still the clinic's records
        },
    )


def _like_you_page(request: Request, ctx: Ctx, patient_id: uuid.UUID, *, own: bool) -> Response:
    try:
        found = patients_like_you(ctx.session, ctx.actor, patient_id, ctx.knowledge, at=ctx.at)
    except NotFound:
        found = None  # no plan yet: nothing to compare with
    ctx.commit(None)
    return render(request, "patients_like_you.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Patients like you" if own else "Patients like this patient", like=found, own=own,
                  patient_id=patient_id)  # fmt: skip


@like_router.get("/my/patients-like-me")
def patients_like_me(request: Request, ctx: Signed) -> Response:
    if ctx.actor.role is not Role.PATIENT or ctx.actor.patient_id is None:
        raise NotFound("The portal is for patient accounts.", code="not_a_patient_account")
    return _like_you_page(request, ctx, ctx.actor.patient_id, own=True)


@like_router.get("/patients/{patient_id}/patients-like-this")
def patients_like_this(request: Request, ctx: Signed, patient_id: uuid.UUID) -> Response:
    if ctx.actor.role is Role.PATIENT:  # as with the chart: a patient's own view is in her portal
        ctx.commit(None)
        return RedirectResponse("/my/patients-like-me", status_code=303)
    return _like_you_page(request, ctx, patient_id, own=False)
