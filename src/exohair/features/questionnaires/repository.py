"""Every query of questionnaire responses."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import QuestionnaireResponse


def responses_of(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int
) -> list[QuestionnaireResponse]:
    """Latest first."""
    query = (
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.clinic_id == clinic_id, QuestionnaireResponse.patient_id == patient_id)
        .order_by(QuestionnaireResponse.answered_on.desc(), QuestionnaireResponse.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
