"""What a photo upload states beside the file (the API's multipart fields; the pages name the view by field)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict

from exohair.domain.scales import ScalpView
from exohair.features.input_model import InputModel


class PhotoIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    view: ScalpView
    taken_on: date
    assessment_id: uuid.UUID | None = None  # file it with one of the patient's assessments
