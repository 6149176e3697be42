"""The safety gate: may this session go ahead on this day for this patient? Rules are data (gates file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from exohair.domain.calendar import ChemoCalendar
from exohair.domain.errors import DomainError
from exohair.domain.evidence import Basis
from exohair.domain.patients import PatientFacts


class Comparator(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class LabAnalyte(StrEnum):
    ANC = "anc"  # absolute neutrophil count, cells/µL
    PLATELETS = "platelets"  # cells/µL
    HB = "hb"  # haemoglobin, g/dL
    INR = "inr"  # ratio


@dataclass(frozen=True, slots=True)
class LabThreshold:
    code: str  # reason code when the threshold is not met, e.g. "anc_low"
    analyte: LabAnalyte
    comparator: Comparator
    value: float
    unit: str
    basis: Basis
    only_when_anticoagulated: bool = False


@dataclass(frozen=True, slots=True)
class Contraindication:
    code: str  # e.g. "scalp_metastases"; also the patient-fact flag that raises it
    label: str
    message: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class GateRules:
    lab_thresholds: tuple[LabThreshold, ...]
    labs_max_age_hours: int
    labs_max_age_basis: Basis
    avoid_nadir: bool
    nadir_basis: Basis
    infusion_buffer_days: int  # no session on an infusion day or within this many days of it
    infusion_buffer_basis: Basis
    contraindications: tuple[Contraindication, ...]
    clearance_basis: Basis
    consent_basis: Basis


@dataclass(frozen=True, slots=True)
class Labs:
    taken_at: datetime  # an aware instant
    anc_per_ul: float | None = None
    platelets_per_ul: float | None = None
    hb_g_dl: float | None = None
    inr: float | None = None

    def value(self, analyte: LabAnalyte) -> float | None:
        return {
            LabAnalyte.ANC: self.anc_per_ul,
            LabAnalyte.PLATELETS: self.platelets_per_ul,
            LabAnalyte.HB: self.hb_g_dl,
            LabAnalyte.INR: self.inr,
        }[analyte]


@dataclass(frozen=True, slots=True)
class Clearance:
    """The oncologist's written clearance that the therapy does not interfere with the chemotherapy."""

    signed_on: date
    expires_on: date | None = None
    revoked_on: date | None = None
    conditions: str = ""


@dataclass(frozen=True, slots=True)
class Consent:
    document_version: str
    signed_on: date
    scopes: frozenset[str] = frozenset({"treatment"})
    withdrawn_on: date | None = None


@dataclass(frozen=True, slots=True)
class ProductLot:
    product: str
    lot: str
    expires_on: date
    regulatory_reference: str | None  # IND/IRB number or marketing authorisation; None when there is none


@dataclass(frozen=True, slots=True)
class GateReason:
    code: str
    message: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class GateResult:
    reasons: tuple[GateReason, ...]
    checked: tuple[str, ...]  # every check that ran, for the clinician's checklist

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.reasons)


class GateRefused(DomainError):
    """The gate refused a session and no clinician overrode it. Carries every reason, so the checklist is whole."""

    code = "gate_refused"
    http_status = 409  # the request is valid; the patient's state does not allow it today

    def __init__(self, result: GateResult) -> None:
        super().__init__("The safety gate refused this session: " + " ".join(r.message for r in result.reasons))
        self.result = result

    def extensions(self) -> dict[str, object]:
        return {
            "reasons": [
                {"code": r.code, "message": r.message, "source": r.basis.source, "evidence": r.basis.evidence.value}
                for r in self.result.reasons
            ]
        }


@dataclass(frozen=True, slots=True)
class SessionContext:
    """Everything known about the patient on the day of a proposed session."""

    facts: PatientFacts
    labs: Labs | None = None
    clearance: Clearance | None = None
    consent: Consent | None = None
    product: ProductLot | None = None
    calendar: ChemoCalendar | None = None
    current_consent_version: str | None = None  # when set, an older signed version is not current


def gate_session(context: SessionContext, on: date, at: datetime, rules: GateRules) -> GateResult:
    """Pass, or fail with EVERY reason, for a session on clinic date `on` at instant `at` (for the lab age).

    Never stops at the first failure: the clinician sees the whole checklist at once.
    """
    reasons: list[GateReason] = []
    reasons += _clearance_reasons(context.clearance, on, rules)
    reasons += _consent_reasons(context, on, rules)
    reasons += _lab_reasons(context, at, rules)
    reasons += _calendar_reasons(context.calendar, on, rules)
    reasons += _contraindication_reasons(context, on, rules)
    checked = ("clearance", "consent", "labs", "calendar", "contraindications", "product")
    return GateResult(tuple(reasons), checked)


def _clearance_reasons(clearance: Clearance | None, on: date, rules: GateRules) -> list[GateReason]:
    basis = rules.clearance_basis
    if clearance is None:
        return [GateReason("clearance_missing", "No oncologist clearance is on file.", basis)]
    if clearance.revoked_on is not None and clearance.revoked_on <= on:
        when = clearance.revoked_on.isoformat()
        return [GateReason("clearance_revoked", f"The oncologist revoked clearance on {when}.", basis)]
    if clearance.signed_on > on:
        return [GateReason("clearance_missing", "Clearance is dated after the session.", basis)]
    if clearance.expires_on is not None and clearance.expires_on < on:
        when = clearance.expires_on.isoformat()
        return [GateReason("clearance_expired", f"Oncologist clearance expired on {when}.", basis)]
    return []


def _consent_reasons(context: SessionContext, on: date, rules: GateRules) -> list[GateReason]:
    consent, basis = context.consent, rules.consent_basis
    if consent is None or "treatment" not in consent.scopes or consent.signed_on > on:
        return [GateReason("consent_missing", "No signed consent to treatment is on file.", basis)]
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        when = consent.withdrawn_on.isoformat()
        return [GateReason("consent_withdrawn", f"The patient withdrew consent on {when}.", basis)]
    current = context.current_consent_version
    if current is not None and consent.document_version != current:
        message = f"Consent was signed on version {consent.document_version}; the current version is {current}."
        return [GateReason("consent_outdated", message, basis)]
    return []


def _lab_reasons(context: SessionContext, at: datetime, rules: GateRules) -> list[GateReason]:
    labs = context.labs
    if labs is None:
        return [GateReason("labs_missing", "No blood counts are on file.", rules.labs_max_age_basis)]
    reasons: list[GateReason] = []
    age_hours = (at - labs.taken_at).total_seconds() / 3600
    if age_hours < 0:
        message = "Blood counts are dated after the session; check the time they were taken."
        reasons.append(GateReason("labs_stale", message, rules.labs_max_age_basis))
    elif age_hours > rules.labs_max_age_hours:
        message = (
            f"Blood counts are {age_hours:.0f} h old; they must be taken within {rules.labs_max_age_hours} h "
            "before the session."
        )
        reasons.append(GateReason("labs_stale", message, rules.labs_max_age_basis))
    for threshold in rules.lab_thresholds:
        if threshold.only_when_anticoagulated and not context.facts.anticoagulated:
            continue
        value = labs.value(threshold.analyte)
        name = threshold.analyte.value.upper() if threshold.analyte is not LabAnalyte.PLATELETS else "Platelets"
        if value is None:
            message = f"{name} is missing from the labs."
            reasons.append(GateReason(f"{threshold.analyte.value}_missing", message, threshold.basis))
            continue
        ok = value >= threshold.value if threshold.comparator is Comparator.AT_LEAST else value <= threshold.value
        if not ok:
            sign = "≥" if threshold.comparator is Comparator.AT_LEAST else "≤"
            message = f"{name} {value:g} {threshold.unit}; the gate needs {sign} {threshold.value:g} {threshold.unit}."
            reasons.append(GateReason(threshold.code, message, threshold.basis))
    return reasons


def _calendar_reasons(calendar: ChemoCalendar | None, on: date, rules: GateRules) -> list[GateReason]:
    if calendar is None:
        return []
    reasons: list[GateReason] = []
    buffer = rules.infusion_buffer_days
    for infusion in calendar.given:
        if abs((on - infusion.date).days) <= buffer:
            message = (
                f"Infusion (cycle {infusion.cycle}, day {infusion.day}) on {infusion.date.isoformat()}: "
                f"no session within {buffer} day(s) of an infusion."
            )
            reasons.append(GateReason("near_infusion", message, rules.infusion_buffer_basis))
            break
    if rules.avoid_nadir:
        for infusion in calendar.given:
            if infusion.nadir is not None and on in infusion.nadir:
                message = (
                    f"In the nadir window of cycle {infusion.cycle} ({infusion.nadir.start.isoformat()} to "
                    f"{infusion.nadir.end.isoformat()}): counts are expected at their lowest."
                )
                reasons.append(GateReason("in_nadir", message, rules.nadir_basis))
                break
    return reasons


def _contraindication_reasons(context: SessionContext, on: date, rules: GateRules) -> list[GateReason]:
    reasons: list[GateReason] = []
    product = context.product
    present = set(context.facts.conditions)
    if product is not None and not product.regulatory_reference:
        present.add("product_unregistered")
    for rule in rules.contraindications:
        if rule.code in present:
            reasons.append(GateReason(rule.code, rule.message, rule.basis))
    # Product checks cite the provenance rule (clinical.md §6c): a session needs a traceable, in-date lot.
    product_basis = next(
        (c.basis for c in rules.contraindications if c.code == "product_unregistered"), rules.clearance_basis
    )
    if product is None:
        reasons.append(GateReason("product_missing", "No product lot is chosen.", product_basis))
    elif product.expires_on < on:
        message = f"Lot {product.lot} of {product.product} expired on {product.expires_on.isoformat()}."
        reasons.append(GateReason("product_expired", message, product_basis))
    return reasons
