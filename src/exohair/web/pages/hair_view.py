"""What the chart's hair tab shows: the assessments, the photos by view, two photos of one view compared, and the
questionnaire responses with their scores.

Read through the services, which check the role and audit; photos are listed only while photo consent stands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from exohair.db.models import ScalpPhoto
from exohair.domain.scales import ScalpView
from exohair.features.assessments import service as assessments
from exohair.features.photos import service as photos
from exohair.web.deps import Ctx
from exohair.web.pages.questionnaire_view import shown_responses


@dataclass(frozen=True, slots=True)
class Comparison:
    view: str
    earlier: ScalpPhoto
    later: ScalpPhoto


def hair_values(ctx: Ctx, patient_id: uuid.UUID, query: dict[str, str]) -> dict[str, Any]:
    """What the hair tab shows: the assessments, the photos by view, and a comparison if two were chosen."""
    found = assessments.list_assessments(ctx.session, ctx.actor, patient_id, at=ctx.at)
    shown = photos.list_photos(ctx.session, ctx.actor, patient_id, at=ctx.at)
    by_view = {view.value: [p for p in shown if p.view == view.value] for view in ScalpView}
    chosen = {str(p.id): p for p in shown}
    comparison = None
    first, second = chosen.get(query.get("a", "")), chosen.get(query.get("b", ""))
    if first is not None and second is not None and first.view == second.view and first.id != second.id:
        earlier, later = sorted((first, second), key=lambda p: (p.taken_on, p.created_at))
        comparison = Comparison(first.view, earlier, later)
    return {"hair": found, "photos_by_view": by_view, "comparison": comparison,
            "photo_consent": photos.photo_consent(ctx.session, ctx.actor.clinic_id, patient_id),
            "scales": ctx.knowledge.scales,
            "questionnaire_responses": shown_responses(ctx, patient_id)}  # fmt: skip
