"""endpoints.yaml: the registry's endpoints (what counts as hair preserved, regrowth, going without a head cover)."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, StrictInt, model_validator

from exohair.domain.endpoints import Endpoint, EndpointKind, Measure
from exohair.domain.scales import HeadCover
from exohair.knowledge.schema_common import MODEL_CONFIG, PositiveInt, SourcedModel, Text, Version, flowed, rule_error

_COLUMN_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _column_name(value: str) -> str:
    # The id names the endpoint's column(s) in the registry frame and in research exports.
    if not _COLUMN_NAME.fullmatch(value):
        raise rule_error("an endpoint id is lower-case letters, digits and _ (a column name), at most 40 long")
    return value


class EndpointEntry(SourcedModel):
    id: Annotated[str, AfterValidator(_column_name)]
    version: PositiveInt
    name: Text
    kind: EndpointKind
    measure: Measure
    at_most: StrictInt | None = Field(default=None, ge=0, le=4)
    equals: HeadCover | None = None
    judged_by: list[Literal["clinician", "patient"]] = Field(min_length=1)
    description: Text
    target_days: StrictInt = 0
    earliest_days: StrictInt = 0
    latest_days: StrictInt = 0

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if (self.measure is Measure.HEAD_COVER) != (self.equals is not None):
            raise rule_error("give `equals` for head_cover, and only for it")
        if (self.measure is not Measure.HEAD_COVER) != (self.at_most is not None):
            raise rule_error("give `at_most` for dean_score and ctcae_grade, and only for them")
        if self.measure is Measure.CTCAE and self.at_most is not None and self.at_most > 2:
            raise rule_error("CTCAE v5.0 grades alopecia 0-2: at_most must be 0, 1 or 2")
        window = (self.earliest_days, self.target_days, self.latest_days)
        if self.kind is EndpointKind.PRESERVED and not self.earliest_days <= self.target_days <= self.latest_days:
            raise rule_error(f"the target day must lie within earliest..latest, not {window}")
        if self.kind is EndpointKind.TIME_TO_EVENT and window != (0, 0, 0):
            raise rule_error("a time-to-event endpoint counts from the last infusion: no target or window")
        return self

    def to_domain(self) -> Endpoint:
        return Endpoint(
            id=self.id,
            version=self.version,
            name=self.name,
            kind=self.kind,
            measure=self.measure,
            at_most=self.at_most,
            equals=self.equals.value if self.equals is not None else None,
            judged_by=frozenset(self.judged_by),
            description=flowed(self.description),
            basis=self.basis(),
            target_days=self.target_days,
            earliest_days=self.earliest_days,
            latest_days=self.latest_days,
        )


class EndpointsFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    endpoints: list[EndpointEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_and_primary(self) -> Self:
        ids = [e.id for e in self.endpoints]
        if len(set(ids)) != len(ids):
            raise rule_error("endpoint ids must be unique")
        if self.endpoints[0].kind is not EndpointKind.PRESERVED:
            raise rule_error("the first endpoint is the primary one and must be a yes/no (preserved) endpoint")
        return self

    def to_domain(self) -> tuple[Endpoint, ...]:
        return tuple(entry.to_domain() for entry in self.endpoints)
