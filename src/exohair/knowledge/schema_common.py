"""Building blocks shared by every knowledge file: ids, texts, and numbers that carry their source.

A sourced value is written inline in YAML, next to what it qualifies, so an editor sees the number and its
basis together: `incidence: {value: 0.87, source: "...", evidence: R}`. The evidence tag is the only place
"needs verification" comes from (R and D, via `Evidence.needs_verification`); it is never stored separately.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from exohair.domain.evidence import Basis, Evidence, Sourced, SourcedRange
from exohair.domain.patients import ConditionNote, factor_codes
from exohair.domain.regimens import NadirWindow

MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True)

# Lower-kebab ids ("nab-paclitaxel", "dd-ac") are what URLs, exports and other files use to refer to an entry.
EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
# Gate codes double as machine reason codes and patient-fact flags, so they follow Python identifier style.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# A version is a string ("2026-11-24.1"); an unquoted YAML date would arrive as a date and is refused here.
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Fraction = Annotated[float, Field(strict=True, ge=0, le=1)]
PositiveInt = Annotated[StrictInt, Field(gt=0)]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]
Synonyms = tuple[Text, ...]


def rule_error(message: str) -> PydanticCustomError:
    """A validation error whose text is shown as written (pydantic would otherwise prefix "Value error, ")."""
    return PydanticCustomError("knowledge_rule", message)


class SourcedModel(BaseModel):
    """Anything that carries `source` and `evidence` fields of its own."""

    model_config = MODEL_CONFIG

    source: Text
    evidence: Evidence

    def basis(self) -> Basis:
        return Basis(self.source, self.evidence)


class BasisModel(SourcedModel):
    """A basis on its own, for a statement rather than a number (e.g. why consent is required)."""

    def to_domain(self) -> Basis:
        return self.basis()


class SourcedFractionModel(SourcedModel):
    """A probability or proportion (0..1) with its source."""

    value: Fraction

    def to_domain(self) -> Sourced:
        return Sourced(self.value, self.basis())


class SourcedRangeModel(SourcedModel):
    """A range of probabilities (0..1), e.g. scalp-cooling success 0.50-0.66."""

    low: Fraction
    high: Fraction

    @model_validator(mode="after")
    def _low_not_above_high(self) -> Self:
        if self.low > self.high:
            raise rule_error(f"low ({self.low}) is above high ({self.high})")
        return self

    def to_domain(self) -> SourcedRange:
        return SourcedRange(self.low, self.high, self.basis())


class NadirModel(SourcedModel):
    """Blood-count nadir as whole days after a dose (clinical.md §5a)."""

    start_day: PositiveInt
    end_day: PositiveInt

    @model_validator(mode="after")
    def _start_not_after_end(self) -> Self:
        if self.start_day > self.end_day:
            raise rule_error(f"start_day ({self.start_day}) is after end_day ({self.end_day})")
        return self

    def to_domain(self) -> NadirWindow:
        return NadirWindow(self.start_day, self.end_day, self.basis())


def flowed(text: str) -> str:
    """Folded YAML blocks keep line breaks and a trailing newline; people read one paragraph."""
    return " ".join(text.split())


def _known_factor(code: str) -> str:
    # A note fires when the patient has the factor; a code intake never records would never fire.
    known = factor_codes()
    if code not in known:
        raise rule_error(f"'{code}' is not a patient factor intake records (one of {', '.join(sorted(known))})")
    return code


class ConditionNoteEntry(SourcedModel):
    """What a patient factor means (for the risk estimate or for an adjunct), shown when the patient has it."""

    code: Annotated[Code, AfterValidator(_known_factor)]
    message: Text

    def to_domain(self) -> ConditionNote:
        return ConditionNote(self.code, flowed(self.message), self.basis())
