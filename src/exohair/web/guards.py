"""Checks every API request passes before its route runs."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError


async def no_nul_in_query(request: Request) -> None:
    """Refuse a query parameter holding a NUL character (see features/input_model.py for bodies, and why).

    Async because it does no I/O: a sync dependency would cost every request a hop to the threadpool and back."""
    errors = [
        {"loc": ("query", name), "msg": "contains a NUL character (\\u0000), which no field accepts", "type": "nul"}
        for name, value in request.query_params.multi_items()
        if "\x00" in value or "\x00" in name
    ]
    if errors:
        raise RequestValidationError(errors)
