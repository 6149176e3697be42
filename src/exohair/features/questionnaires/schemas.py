"""What a questionnaire response accepts. Answers are checked against the instrument in force by the service
(domain/instruments.py), which names every item at fault; here only their kinds and sizes are bounded."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from exohair.domain.instruments import MAX_TEXT_CHARS
from exohair.features.input_model import InputModel

# StrictBool first: a JSON true is a yes/no answer, never the number 1.
AnswerIn = (
    StrictBool
    | StrictInt
    | Annotated[float, Field(strict=True, allow_inf_nan=False)]
    | Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
    | None
)


class ResponseIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    instrument_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    # The version the answers were given to (a form sends the one it showed); omitted: the version in force.
    instrument_version: int | None = Field(default=None, ge=1, le=1_000_000)
    answered_on: date | None = None  # omitted: today, in the clinic's time zone
    answers: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], AnswerIn] = Field(max_length=200)
