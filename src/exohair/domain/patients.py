"""What the planner, the gate and the risk estimate need to know about a patient, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass


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
