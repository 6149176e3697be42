"""Registry endpoints as endpoints.yaml defines them: what counts as hair preserved, as regrowth, as going without
a head cover. Reading them off the assessments is statistics/endpoints.py (with pandas, which the planner, the
CLI and every page would otherwise pay to import)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.evidence import Basis


class EndpointKind(StrEnum):
    PRESERVED = "preserved"  # yes / no at one visit
    TIME_TO_EVENT = "time_to_event"  # days from the last infusion to the first visit meeting the definition


class Measure(StrEnum):
    DEAN = "dean_score"
    CTCAE = "ctcae_grade"
    HEAD_COVER = "head_cover"


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    version: int
    name: str
    kind: EndpointKind
    measure: Measure
    at_most: int | None  # Dean score, CTCAE grade: met when the score is at most this
    equals: str | None  # head cover: met when the answer is this
    judged_by: frozenset[str]  # whose assessments count: "clinician", "patient"
    description: str
    basis: Basis
    # The visit a PRESERVED endpoint reads, in days from the last infusion: the nearest to target, within the window.
    target_days: int = 0
    earliest_days: int = 0
    latest_days: int = 0

    @property
    def label(self) -> str:
        return f"{self.name} (v{self.version})"
