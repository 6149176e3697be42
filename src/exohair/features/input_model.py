"""The base of every model that accepts input from people and programs (API bodies, CLI options, forms).

Text with a NUL character is refused here, naming the field: PostgreSQL cannot store it (the insert fails with
a database error, a 500), and no clinical text legitimately contains one. SQLite would store it, so checking at
the edge keeps both databases behaving alike.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class InputModel(BaseModel):
    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("contains a NUL character (\\u0000), which no field accepts")
        return value
