"""Errors as RFC 9457 problem+json: `type`, `title`, `status`, `detail`, plus a stable machine `code`.

Business errors carry their own status and code (domain/errors.py). Validation errors name every field that is
wrong and where it was (body, query, path). Anything unexpected is a 500 whose body says nothing about the
data; the log line names the request id, never patient data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from exohair.domain.errors import DomainError
from exohair.knowledge import KnowledgeError

log = logging.getLogger("exohair.web")
PROBLEM = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="Where, e.g. body.date_of_birth or query.limit")
    message: str
    type: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, plus `code` (stable, for programs) and any members the error adds."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = Field(default=None, description="Validation errors only: one per field")


def _described(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem}


# Documented on every API operation, so clients (and schemathesis) know each answer's shape.
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described("Not signed in, or the token is unknown, expired or revoked"),
    403: _described("The account's role may not do this"),
    404: _described("No such record, or not one this account may see (the two look the same)"),
    409: _described("A stale edit (someone saved first), or the record's state forbids it"),
    422: _described("Invalid input: `errors` names each field"),
    429: _described("Too many failed sign-ins; retry after `retry_after_s` seconds"),
}


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"https://exohair.org/problems/{code}", "title": title, "status": status, "detail": detail}
    body["code"] = code
    headers = {"Retry-After": str(extra["retry_after_s"])} if "retry_after_s" in extra else None
    return JSONResponse(body | extra, status_code=status, media_type=PROBLEM, headers=headers)


def _fields(errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        out.append({"field": ".".join(location), "message": error.get("msg", "invalid"), "type": error.get("type")})
    return out


def document(app: FastAPI) -> None:
    """Say in the schema that errors are application/problem+json (FastAPI files every model under
    application/json), so generated clients and schemathesis check them against the right media type."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for item in schema.get("paths", {}).values():
                for operation in item.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if int(status) >= 400 and "application/json" in content:
                            response["content"] = {PROBLEM: content["application/json"]}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


PageError = Callable[[Request, int, str], Response]
"""Renders an error as a page (web/pages/errors.py): the request, the status, the sentence for people."""


def install(app: FastAPI, *, page_error: PageError | None = None) -> None:
    """Errors of /api/... answer problem+json; errors of pages, given `page_error`, answer a page."""

    def on_page(request: Request) -> bool:
        return page_error is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Response:
        if on_page(request):
            assert page_error is not None
            return page_error(request, error.http_status, error.message)
        title = type(error).__name__.replace("_", " ")
        return problem(error.http_status, error.code, title, error.message, **error.extensions())

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, error: RequestValidationError) -> Response:
        fields = _fields(list(error.errors()))
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        if on_page(request):  # a malformed address (a form's errors are shown beside its fields by its page)
            assert page_error is not None
            return page_error(request, 422, f"This address is not one the app understands ({detail}).")
        return problem(422, "invalid_request", "Invalid request", detail, errors=fields)

    @app.exception_handler(ValidationError)
    async def _model_invalid(_request: Request, error: ValidationError) -> JSONResponse:
        fields = _fields(list(error.errors()))
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return problem(422, "invalid_request", "Invalid request", detail, errors=fields)

    @app.exception_handler(StaleDataError)
    async def _stale(_request: Request, _error: StaleDataError) -> JSONResponse:
        return problem(409, "stale_edit", "Conflict", "Someone saved this record at the same moment. Reload it.")

    @app.exception_handler(KnowledgeError)
    async def _knowledge(_request: Request, error: KnowledgeError) -> JSONResponse:
        return problem(500, "knowledge_invalid", "Knowledge base error", str(error))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if on_page(request):
            assert page_error is not None
            return page_error(request, error.status_code, str(error.detail))
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        response = problem(error.status_code, code.get(error.status_code, "http_error"), "Error", str(error.detail))
        if error.headers:
            response.headers.update(error.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        # The path has ids only (opaque UUIDs); the exception message could hold data, so only its type is logged.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
        if on_page(request):
            assert page_error is not None
            return page_error(request, 500, "Something went wrong on our side; nothing was saved.")
        return problem(500, "internal_error", "Internal error", "Something went wrong on our side; nothing was saved.")
