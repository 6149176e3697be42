"""The chart's hair tab: the clinician records an assessment (CTCAE grade, Dean score, density and shaft
diameter at named sites, what the patient reports) with photos of the standard views; everyone who reads the
chart sees the assessments, and compares any two photos of one view side by side, or the earlier faded over the
later. A refused form comes back with what was typed and the reason beside its field; nothing is half-saved."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.access import Permission, require
from exohair.domain.errors import DomainError
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.web.deps import Signed
from exohair.web.pages.chart import chart_page
from exohair.web.pages.forms import form_refusal, parse
from exohair.web.pages.uploads import PhotoFieldRefused, Posted, posted_upload, upload_views

router = APIRouter(prefix="/patients/{patient_id}")
Upload = Annotated[Posted, Depends(posted_upload)]
SITES = 2  # measurement rows on the form; the record takes up to 10 (schemas.AssessmentIn)


@router.post("/assessments")
def record_assessment(request: Request, posted: Upload, ctx: Signed, patient_id: uuid.UUID) -> Response:
    # `posted` first: the upload arrives before a database slot is taken (web/pages/uploads.py).
    require(ctx.actor, Permission.RECORD_OUTCOMES)
    form = posted.fields
    keys = ("assessed_on", "ctcae_grade", "dean_score", "distress", "head_cover", "notes")
    fields: dict[str, Any] = {key: form.get(key, "") for key in keys}
    fields["measurements"] = [
        {"site": form[f"site_{n}"], "density_per_cm2": form.get(f"density_{n}") or None,
         "diameter_um": form.get(f"diameter_{n}") or None}
        for n in range(1, SITES + 1) if form.get(f"site_{n}")
    ]  # fmt: skip
    data, errors = parse(AssessmentIn, fields)
    if data is None:
        return chart_page(request, ctx, patient_id, "hair", sent=form, errors=_named(errors), status_code=422)
    try:
        recorded = assessments.record_assessment(ctx.session, ctx.actor, patient_id, data, ctx.knowledge.scales,
                                                 at=ctx.at)  # fmt: skip
        upload_views(request, ctx, patient_id, posted, taken_on=data.assessed_on, assessment_id=recorded.id)
    except PhotoFieldRefused as refused:
        errors = {refused.field: form_refusal(ctx, refused.refused)}
        return chart_page(request, ctx, patient_id, "hair", sent=form, errors=errors, status_code=422)
    except DomainError as refused:
        errors = {"assessment": form_refusal(ctx, refused)}
        return chart_page(request, ctx, patient_id, "hair", sent=form, errors=errors, status_code=422)
    return ctx.commit(RedirectResponse(f"/patients/{patient_id}?tab=hair&saved=assessment", status_code=303))


def _named(errors: dict[str, str]) -> dict[str, str]:
    """A measurement's error is shown beside the form's measurement rows."""
    return {("measurements" if key.startswith("measurements") else key or "assessment"): value
            for key, value in errors.items()}  # fmt: skip
