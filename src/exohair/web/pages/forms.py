"""Forms on pages: the CSRF check, and turning a posted form into a service's input model with an error beside
each field. Nothing typed is lost: the page is rendered again with what was sent and the errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

from exohair.domain.errors import DomainError
from exohair.web.deps import Ctx
from exohair.web.pages.rendering import CSRF_FIELD, CSRF_HEADER, csrf_valid

Model = TypeVar("Model", bound=BaseModel)
MAX_FIELDS = 200


async def posted_form(request: Request) -> dict[str, str]:
    """The form's fields (text only), after checking its CSRF token: a dependency of every page that accepts a POST."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    if not csrf_valid(request, sent):
        raise HTTPException(400, "This form had expired. Go back, reload the page and send it again.")
    return {key: value for key, value in form.items() if isinstance(value, str) and key != CSRF_FIELD}


def parse(model: type[Model], fields: Mapping[str, Any]) -> tuple[Model | None, dict[str, str]]:
    """The model, or None and one message per field ("" for errors of the whole form). Empty fields count as not
    given, so an optional date left blank is None rather than an invalid date."""
    data = {key: value for key, value in fields.items() if value != ""}
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            # A nested model's field is named by its path ("custom_regimen.cycles"); a list item by its list.
            field = ".".join(part for part in problem["loc"] if isinstance(part, str))
            errors.setdefault(field, _plain(problem["msg"]))
        return None, errors


def form_refusal(ctx: Ctx, error: DomainError) -> str:
    """The sentence a form shows for a refused action (a stale edit, a rule of the record), after undoing the
    attempt; refusals of access (401, 403, 404) are raised again, to answer with the error page instead."""
    if error.http_status in (401, 403, 404):
        raise error
    ctx.session.rollback()
    return error.message


def _plain(message: str) -> str:
    # pydantic's "Value error, must be after ..." reads as a programmer's message; people get the sentence.
    return message.removeprefix("Value error, ").rstrip(".") + "."


def seen_version(form: Mapping[str, str], field: str = "version") -> int:
    """The record version a form was rendered with. A form without one cannot prove it is not stale, so it gets
    -1, which no record has: the service refuses it as a stale edit (409) and changes nothing."""
    try:
        return int(form.get(field, ""))
    except ValueError:
        return -1
