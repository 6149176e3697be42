"""Errors on pages: not signed in goes to the sign-in page; anything else is a page that says what happened.

A record the account may not see and a record that does not exist get the same page, as they get the same answer
in the API (features/charts.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from exohair.web.pages.rendering import error_page, to_sign_in

TITLES = {
    400: "Something is wrong with that request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Changed meanwhile",
    422: "Something is wrong with that request",
    429: "Too many attempts",
    500: "Something went wrong",
}


def page_error(request: Request, status: int, message: str) -> Response:
    if status == 401:
        return to_sign_in(request)
    if status == 404:
        message = "There is no such page or record, or it is not one your account may open."
    return error_page(request, status, TITLES.get(status, "Error"), message)
