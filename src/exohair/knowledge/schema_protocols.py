"""protocols.yaml: the clinic's session protocols (versioned, editable) and the adjuncts any protocol may add."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, Field, StrictInt, model_validator

from exohair.domain.protocols import (
    Adjunct,
    AdjunctSchedule,
    Anchor,
    AssessmentRule,
    Protocol,
    SessionKind,
    SessionRule,
)
from exohair.knowledge.schema_common import (
    MODEL_CONFIG,
    BasisModel,
    ConditionNoteEntry,
    EntryId,
    NonNegativeInt,
    PositiveInt,
    Synonyms,
    Text,
    Version,
    flowed,
    rule_error,
)

# Per-cycle and end-of-chemo anchors describe assessments; sessions are placed from these anchors only.
SESSION_ANCHORS = frozenset({Anchor.FIRST_INFUSION, Anchor.LAST_INFUSION, Anchor.NEXT_CYCLE, Anchor.PLAN_START})


def _says_investigational(text: str) -> str:
    # The software must never present the exosome effect as established (DESIGN.md, clinical.md §6a), so a
    # protocol, including a clinic's own edit, must say so in the text patients and clinicians read.
    if "investigational" not in text.casefold():
        raise rule_error("must say that exosome therapy is investigational")
    return text


class SessionRuleEntry(BaseModel):
    model_config = MODEL_CONFIG

    kind: SessionKind
    anchor: Anchor
    target_offset_days: StrictInt
    earliest_offset_days: StrictInt
    latest_offset_days: StrictInt
    count: PositiveInt = 1
    every_days: NonNegativeInt = 0
    min_cycle_days: NonNegativeInt = 0

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not self.earliest_offset_days <= self.target_offset_days <= self.latest_offset_days:
            raise rule_error(
                f"the target ({self.target_offset_days}) must lie within earliest..latest "
                f"({self.earliest_offset_days}..{self.latest_offset_days})"
            )
        if self.anchor not in SESSION_ANCHORS:
            raise rule_error(f"anchor '{self.anchor}' is for assessments, not sessions")
        if (self.kind is SessionKind.IN_CYCLE) != (self.anchor is Anchor.NEXT_CYCLE):
            raise rule_error("in_cycle sessions, and only they, are anchored to next_cycle")
        if self.count > 1 and self.every_days == 0:
            raise rule_error(f"a series of {self.count} sessions needs every_days > 0")
        return self

    def to_domain(self) -> SessionRule:
        return SessionRule(
            kind=self.kind,
            anchor=self.anchor,
            target_offset_days=self.target_offset_days,
            earliest_offset_days=self.earliest_offset_days,
            latest_offset_days=self.latest_offset_days,
            count=self.count,
            every_days=self.every_days,
            min_cycle_days=self.min_cycle_days,
        )


class AssessmentEntry(BaseModel):
    model_config = MODEL_CONFIG

    label: Text
    anchor: Anchor
    offset_days: StrictInt = 0
    offset_months: NonNegativeInt = 0

    def to_domain(self) -> AssessmentRule:
        return AssessmentRule(self.label, self.anchor, self.offset_days, self.offset_months)


class ProtocolEntry(BaseModel):
    model_config = MODEL_CONFIG

    id: EntryId
    name: Text
    synonyms: Synonyms = ()
    version: PositiveInt
    description: Annotated[Text, AfterValidator(_says_investigational)]
    # No sessions is allowed: an observation-only protocol follows comparators on the same assessment schedule.
    sessions: list[SessionRuleEntry] = []
    min_interval_days: NonNegativeInt
    min_interval_basis: BasisModel
    basis: BasisModel
    assessments: list[AssessmentEntry] = Field(min_length=1)

    def to_domain(self) -> Protocol:
        return Protocol(
            id=self.id,
            name=self.name,
            synonyms=self.synonyms,
            version=self.version,
            description=flowed(self.description),
            sessions=tuple(rule.to_domain() for rule in self.sessions),
            min_interval_days=self.min_interval_days,
            assessments=tuple(a.to_domain() for a in self.assessments),
            basis=self.basis.to_domain(),
            min_interval_basis=self.min_interval_basis.to_domain(),
        )


class AdjunctEntry(BaseModel):
    model_config = MODEL_CONFIG

    id: EntryId
    name: Text
    synonyms: Synonyms = ()
    schedule: AdjunctSchedule
    frequency: Text
    duration_months: NonNegativeInt = 0
    with_session_kind: SessionKind | None = None
    evidence_summary: Text
    basis: BasisModel  # required here although the domain allows None: shipped adjuncts always cite a source
    cautions: list[ConditionNoteEntry] = []

    @model_validator(mode="after")
    def _fields_fit_schedule(self) -> Self:
        daily = self.schedule is AdjunctSchedule.DAILY_FROM_LAST_INFUSION
        if daily != (self.duration_months > 0):
            raise rule_error("duration_months (> 0) is given for daily_from_last_infusion only, and required there")
        with_sessions = self.schedule is AdjunctSchedule.WITH_SESSIONS
        if with_sessions != (self.with_session_kind is not None):
            raise rule_error("with_session_kind is given for with_sessions only, and required there")
        return self

    def to_domain(self) -> Adjunct:
        return Adjunct(
            id=self.id,
            name=self.name,
            synonyms=self.synonyms,
            schedule=self.schedule,
            frequency=self.frequency,
            duration_months=self.duration_months,
            with_session_kind=self.with_session_kind,
            evidence_summary=flowed(self.evidence_summary),
            basis=self.basis.to_domain(),
            cautions=tuple(caution.to_domain() for caution in self.cautions),
        )


class ProtocolsFile(BaseModel):
    model_config = MODEL_CONFIG

    version: Version
    protocols: list[ProtocolEntry] = Field(min_length=1)
    adjuncts: list[AdjunctEntry] = []

    def to_domain(self) -> tuple[tuple[Protocol, ...], tuple[Adjunct, ...]]:
        return (
            tuple(entry.to_domain() for entry in self.protocols),
            tuple(entry.to_domain() for entry in self.adjuncts),
        )
