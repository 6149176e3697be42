"""A problem with a plan: something a coordinator must resolve before the plan is ready."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # stable and machine-readable, e.g. "no_valid_day"
    message: str  # a sentence that says what is wrong and where
