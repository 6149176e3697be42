"""What the planner, the gate and the risk estimate need to know about a patient, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from exohair.domain.evidence import Basis


class Condition:
    """Codes of conditions that gate sessions or adjuncts. Gate codes match the gates file's contraindications."""

    HAEMATOLOGICAL_MALIGNANCY = "haematological_malignancy"
    SCALP_METASTASES = "scalp_metastases"
    ACTIVE_SCALP_INFECTION = "active_scalp_infection"
    BLEEDING_DISORDER = "bleeding_disorder"
    PREGNANCY = "pregnancy"
    PRODUCT_HYPERSENSITIVITY = "product_hypersensitivity"
    FEVER = "fever"
    # Scalp-cooling cautions (clinical.md §5c): cold sensitivity, cold agglutinin disease, cryoglobulinaemia,
    # cryofibrinogenaemia, post-traumatic cold dystrophy.
    COLD_DISORDER = "cold_disorder"
    LIVER_DYSFUNCTION = "liver_dysfunction"


@dataclass(frozen=True, slots=True)
class PatientFacts:
    age_years: int | None = None
    androgenetic_alopecia: bool = False  # baseline pattern hair loss, any stage
    conditions: frozenset[str] = frozenset()
    anticoagulated: bool = False  # on a vitamin K antagonist: the INR gate applies

    def has(self, condition: str) -> bool:
        return condition in self.conditions


# Factors derived from other facts rather than recorded as a condition code.
DERIVED_FACTORS = ("androgenetic_alopecia", "age_65_plus")


def factor_codes() -> frozenset[str]:
    """Every code a ConditionNote may name: recorded condition codes and derived factors."""
    recorded = {value for name, value in vars(Condition).items() if name.isupper() and isinstance(value, str)}
    return frozenset(recorded) | frozenset(DERIVED_FACTORS)


@dataclass(frozen=True, slots=True)
class ConditionNote:
    """What a patient factor means for hair loss or an adjunct, with its source, when the factor is present."""

    code: str  # a condition code above, "androgenetic_alopecia", or "age_65_plus"
    message: str
    basis: Basis

    def applies_to(self, facts: PatientFacts) -> bool:
        if self.code == "androgenetic_alopecia":
            return facts.androgenetic_alopecia
        if self.code == "age_65_plus":
            return facts.age_years is not None and facts.age_years >= 65
        return self.code in facts.conditions
