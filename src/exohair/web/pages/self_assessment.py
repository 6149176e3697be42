"""The portal's self-assessment: the patient scores her hair loss against the Dean pictures, her distress (0-10)
and her head-cover use, and may add photos of the standard views if she consents to photographs. The photos
themselves are served here too, to anyone who may see the patient's chart, while photo consent stands."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.errors import DomainError
from exohair.domain.scales import HeadCover, ScalpView
from exohair.features.assessments import service as assessments
from exohair.features.assessments.schemas import AssessmentIn
from exohair.features.photos import service as photos
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, parse
from exohair.web.pages.portal import own_patient
from exohair.web.pages.rendering import clinic_today, render
from exohair.web.pages.uploads import PhotoFieldRefused, Posted, posted_upload, upload_views

router = APIRouter()
Upload = Annotated[Posted, Depends(posted_upload)]
HEAD_COVERS = {
    HeadCover.NONE: "No: I go out without a head cover",
    HeadCover.SOMETIMES: "Sometimes: a hat, scarf or wig some of the time",
    HeadCover.ALWAYS: "Always: whenever I am outside my home",
}
VIEWS = {ScalpView.VERTEX: "Top of the head", ScalpView.FRONTAL: "Front hairline", ScalpView.LEFT: "Left side",
         ScalpView.RIGHT: "Right side", ScalpView.OCCIPITAL: "Back of the head"}  # fmt: skip


@router.get("/my/assessment")
def my_assessment(request: Request, ctx: Signed, saved: str = "") -> Response:
    return _page(request, ctx, saved=bool(saved))


@router.post("/my/assessment")
def record_my_assessment(request: Request, posted: Upload, ctx: Signed) -> Response:
    # `posted` first: the upload arrives before a database slot is taken (web/pages/uploads.py).
    patient = own_patient(ctx)
    form, today = posted.fields, clinic_today(ctx)
    fields = {key: form.get(key, "") for key in ("dean_score", "distress", "head_cover", "notes")}
    data, errors = parse(AssessmentIn, fields | {"assessed_on": today.isoformat()})
    if data is None:
        return _page(request, ctx, sent=form, errors=errors, status_code=422)
    try:
        recorded = assessments.record_assessment(ctx.session, ctx.actor, patient.id, data, ctx.knowledge.scales,
                                                 at=ctx.at)  # fmt: skip
        upload_views(request, ctx, patient.id, posted, taken_on=today, assessment_id=recorded.id)
    except PhotoFieldRefused as refused:
        return _page(request, ctx, sent=form, errors={refused.field: form_refusal(ctx, refused.refused)},
                     status_code=422)  # fmt: skip
    except DomainError as refused:
        return _page(request, ctx, sent=form, errors={"": form_refusal(ctx, refused)}, status_code=422)
    return ctx.commit(RedirectResponse("/my/assessment?saved=1", status_code=303))


@router.get("/photos/{photo_id}")
def photo(request: Request, ctx: Signed, photo_id: uuid.UUID, size: str = "full") -> Response:
    data = photos.photo_bytes(ctx.session, ctx.actor, request.app.state.photo_store, photo_id,
                              thumbnail=size == "thumbnail", at=ctx.at)  # fmt: skip
    return ctx.commit(Response(data, media_type="image/jpeg"))


def _page(
    request: Request,
    ctx: Ctx,
    *,
    saved: bool = False,
    sent: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    patient = own_patient(ctx)
    mine = [a for a in assessments.list_assessments(ctx.session, ctx.actor, patient.id, at=ctx.at)
            if a.source == "patient"][:10]  # fmt: skip
    shown = photos.list_photos(ctx.session, ctx.actor, patient.id, at=ctx.at)
    consent = photos.photo_consent(ctx.session, ctx.actor.clinic_id, patient.id)
    today: date = clinic_today(ctx)
    ctx.commit(None)
    return render(request, "my_assessment.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="How is my hair?", scales=ctx.knowledge.scales, head_covers=HEAD_COVERS, views=VIEWS,
                  mine=mine, photos=shown, photo_consent=consent, today=today, saved=saved, sent=sent or {},
                  errors=errors or {}, status_code=status_code)  # fmt: skip
