"""The hair-outcome scales an assessment is scored on: the Dean scale, the CTCAE v5.0 alopecia grade, a 0-10 rating
of distress about hair loss, and head-cover use. Their definitions (bands, wording, sources) come from scales.yaml;
this module only checks that a score is one the scale has."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.errors import InvalidInput
from exohair.domain.evidence import Basis


class HeadCover(StrEnum):
    """Head-cover use, as the Dutch Scalp Cooling Registry counted it (clinical.md §1b): none, or some of the time,
    or whenever outside home."""

    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class ScalpView(StrEnum):
    """The standard photo views (issue #5): top, front, both sides, back."""

    VERTEX = "vertex"
    FRONTAL = "frontal"
    LEFT = "left"
    RIGHT = "right"
    OCCIPITAL = "occipital"


# Where on the scalp a session's injections go (finer than the photo views, and the whole scalp).
SCALP_SITES = ("vertex", "frontal", "left_temporal", "right_temporal", "occipital", "crown", "whole_scalp")


@dataclass(frozen=True, slots=True)
class DeanScore:
    score: int
    above_percent: int | None  # the band's hair loss: more than this percent (None: from 0 inclusive)
    up_to_percent: int  # ... and at most this percent
    label: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class CtcaeGrade:
    grade: int
    definition: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class RatingScale:
    name: str
    low: int
    high: int
    low_label: str
    high_label: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class Scales:
    dean: tuple[DeanScore, ...]
    ctcae_alopecia: tuple[CtcaeGrade, ...]
    distress: RatingScale

    def check(self, *, dean: int | None, ctcae: int | None, distress: int | None) -> None:
        """Refuse a score the scale does not have, naming the field."""
        if dean is not None and dean not in {d.score for d in self.dean}:
            raise InvalidInput(f"dean_score: {dean} is not a Dean score (0 to 4).", code="bad_dean_score")
        grades = {0} | {g.grade for g in self.ctcae_alopecia}  # 0: no hair loss
        if ctcae is not None and ctcae not in grades:
            raise InvalidInput(f"ctcae_grade: {ctcae} is not a CTCAE alopecia grade (0 to 2).", code="bad_ctcae_grade")
        if distress is not None and not self.distress.low <= distress <= self.distress.high:
            raise InvalidInput(
                f"distress: {distress} is outside {self.distress.low} to {self.distress.high}.", code="bad_distress"
            )
