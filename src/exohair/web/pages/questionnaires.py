"""The portal's questionnaires: the clinic's instruments in force, each answered on a form built from its
definition, and the patient's answers so far with their scores.

Patient accounts only (there is no patient id in these addresses). Answers that do not fit the instrument come
back with what was typed and the reason beside each question; nothing is saved until every answer fits.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from exohair.domain.errors import DomainError, NotFound
from exohair.domain.instruments import AnswersRefused, Instrument, answers_from_text
from exohair.features.questionnaires import service as questionnaires
from exohair.features.questionnaires.schemas import ResponseIn
from exohair.web.deps import Ctx, Signed
from exohair.web.pages.forms import form_refusal, parse, posted_form, seen_version
from exohair.web.pages.portal import own_patient
from exohair.web.pages.questionnaire_view import form_fields, shown_responses
from exohair.web.pages.rendering import render

router = APIRouter(prefix="/my/questionnaires")
Posted = Annotated[dict[str, str], Depends(posted_form)]
PREFIX = "item-"  # form fields are named item-<link id>, apart from the form's own (csrf, instrument_version)


@router.get("")
def my_questionnaires(request: Request, ctx: Signed, saved: str = "") -> Response:
    patient = own_patient(ctx)
    instruments = ctx.knowledge.instruments
    mine = shown_responses(ctx, patient.id, limit=10)
    ctx.commit(None)
    saved_title = next((i.title for i in instruments if i.id == saved), "")
    return render(request, "my_questionnaires.html", actor=ctx.actor, display_name=ctx.display_name,
                  title="Questionnaires", instruments=instruments, mine=mine, saved=saved_title)  # fmt: skip


@router.get("/{instrument_id}")
def questionnaire(request: Request, ctx: Signed, instrument_id: str) -> Response:
    return _form(request, ctx, instrument_id)


@router.post("/{instrument_id}")
def answer_questionnaire(request: Request, ctx: Signed, instrument_id: str, form: Posted) -> Response:
    patient = own_patient(ctx)
    instrument = _instrument(ctx, instrument_id)
    typed = {key.removeprefix(PREFIX): value for key, value in form.items() if key.startswith(PREFIX)}
    fields = {"instrument_id": instrument.id, "instrument_version": seen_version(form, "instrument_version"),
              "answers": answers_from_text(instrument, typed)}  # fmt: skip
    data, errors = parse(ResponseIn, fields)
    if data is None:  # an answer too long for any item, or a form without its version
        errors = {key.removeprefix("answers."): value for key, value in errors.items()}
        if "instrument_version" in errors:
            errors = {"": "This form is out of date: reload the page and answer again."}
        return _form(request, ctx, instrument_id, sent=typed, errors=errors, status_code=422)
    try:
        questionnaires.record_response(ctx.session, ctx.actor, patient.id, data, ctx.knowledge, at=ctx.at)
    except AnswersRefused as refused:
        form_refusal(ctx, refused)
        return _form(request, ctx, instrument_id, sent=typed, errors=dict(refused.problems), status_code=422)
    except DomainError as refused:
        errors = {"": form_refusal(ctx, refused)}
        return _form(request, ctx, instrument_id, sent=typed, errors=errors, status_code=refused.http_status)
    return ctx.commit(RedirectResponse(f"/my/questionnaires?saved={instrument.id}", status_code=303))


def _instrument(ctx: Ctx, instrument_id: str) -> Instrument:
    found = ctx.knowledge.instrument(instrument_id)
    if found is None:
        raise NotFound("No such questionnaire: the clinic may have withdrawn it.", code="instrument_not_found")
    return found


def _form(
    request: Request,
    ctx: Ctx,
    instrument_id: str,
    *,
    sent: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    own_patient(ctx)
    instrument = _instrument(ctx, instrument_id)
    ctx.commit(None)
    return render(request, "my_questionnaire.html", actor=ctx.actor, display_name=ctx.display_name,
                  title=instrument.title, instrument=instrument, fields=form_fields(instrument), prefix=PREFIX,
                  sent=sent or {}, errors=errors or {}, status_code=status_code)  # fmt: skip
