"""The research export's data dictionary: every column of every table, with its type, unit, allowed values and
how it was de-identified. The writers take the columns from here, so nothing is exported undocumented.

Left out on purpose, everywhere: names, MRNs, dates of birth, exact ages, record ids, staff identities, and every
free-text field (notes, reasons for a cancellation or an override, the cancer and hair type in the clinic's words,
the androgenetic-alopecia stage as typed), since free text can hold anything, a name included.
"""

from __future__ import annotations

from typing import get_args

from exohair.domain.deidentify import AGE_BANDS, MAX_SHIFT_DAYS
from exohair.domain.patients import Condition
from exohair.domain.protocols import SessionKind
from exohair.domain.regimens import CiaRisk
from exohair.domain.scales import SCALP_SITES, HeadCover, ScalpView
from exohair.features.adverse_events.schemas import Relatedness
from exohair.interop.research.columns import Column, ColumnType

PSEUDONYM = "pseudonym: HMAC-SHA256 of the record's id under the clinic's secret research key, 12 hex digits"
SHIFTED = (
    f"shifted by the patient's own offset (±1..{MAX_SHIFT_DAYS} days, the same for all her dates and in every "
    "export), so intervals within a patient are exact and no date is a real date of care"
)
AS_RECORDED = "as recorded"
CONDITIONS = tuple(v for k, v in vars(Condition).items() if k.isupper())


def _col(
    table: str,
    name: str,
    kind: ColumnType,
    description: str,
    how: str = AS_RECORDED,
    *,
    unit: str = "",
    allowed: tuple[str, ...] = (),
    range: tuple[int, int] | None = None,
    many: bool = False,
) -> Column:
    return Column(table, name, kind, description, how, unit=unit, allowed=allowed, range=range, many=many)


def _key(table: str, name: str, letter: str, what: str, note: str = "") -> Column:
    return _col(table, name, "string", f"The {what}'s pseudonymous id ({letter}- and 12 hex digits){note}", PSEUDONYM)


def _patient_key(table: str) -> Column:
    return _col(table, "patient_key", "string", "The patient's pseudonymous id (R- and 12 hex digits), the same as "
                "in the registry CSV and in every table", PSEUDONYM)  # fmt: skip


def _date(table: str, name: str, what: str) -> Column:
    return _col(table, name, "date", f"{what} (YYYY-MM-DD), shifted", SHIFTED)


T = "patients"
PATIENTS = (
    _patient_key(T),
    _col(T, "sex", "string", "Sex as recorded at intake", allowed=("female", "male", "other", "unknown")),
    _col(T, "age_band", "string", "Age band on the first infusion of her first course; blank without a course",
         "age in whole years, then its band; the age itself and the date of birth are not exported",
         allowed=tuple(label for _, label in AGE_BANDS)),
    _col(T, "site", "string", "The clinic site where she is treated; 'not recorded' when none is",
         "the site's name, as the registry report shows it"),
    _col(T, "baseline_density_per_cm2", "number", "Hair density at baseline", unit="hairs/cm²"),
    _col(T, "androgenetic_alopecia", "boolean", "Pattern hair loss at baseline (any stage recorded)",
         "derived from the recorded stage, whose text is not exported"),
    _col(T, "aga_family_history", "boolean", "Family history of pattern hair loss"),
    _col(T, "conditions", "string", "Conditions that gate sessions or adjuncts (codes)", allowed=CONDITIONS,
         many=True),
    _col(T, "anticoagulated", "boolean", "On a vitamin K antagonist (the INR gate applies)"),
)  # fmt: skip

T = "courses"
COURSES = (
    _key(T, "course_key", "C", "chemotherapy course"),
    _patient_key(T),
    _col(T, "regimen", "string", "The regimen's id in the knowledge base (regimens.yaml), or 'custom'"),
    _col(T, "risk_class", "string", "The regimen's alopecia risk class",
         allowed=(*(r.value for r in CiaRisk), "unknown")),
    _col(T, "protocol", "string", "The therapy protocol of the current plan (protocols.yaml id)"),
    _col(T, "protocol_version", "integer", "That protocol's version"),
    _col(T, "adjuncts", "string", "Adjuncts of the current plan (ids: minoxidil, prp, scalp-cooling)", many=True),
    _col(T, "status", "string", "The course: active, or stopped", allowed=("active", "stopped")),
    _col(T, "period", "string", "Half-year of the first infusion (e.g. 2027-H1), as the registry report groups them",
         "the true half-year: coarse enough to be no date of care"),
    _date(T, "first_infusion_shifted", "First infusion as planned"),
    _date(T, "last_infusion_shifted", "Last cytotoxic infusion (after recorded delays and skips)"),
    _date(T, "end_of_chemo_shifted", "Last day of the last cytotoxic cycle"),
    _col(T, "chemo_ended", "boolean", "Chemotherapy ended before the day of the export (the registry report's "
         "condition for including a patient)"),
    _col(T, "plan_versions", "integer", "How many plan versions the course has (1, plus one per re-plan)"),
)  # fmt: skip

T = "sessions"
SESSIONS = (
    _key(T, "session_key", "S", "session"),
    _key(T, "course_key", "C", "course"),
    _patient_key(T),
    _col(T, "protocol_step", "string", "The session's place in the protocol (priming-1, in_cycle-c2, regrowth-3)"),
    _col(T, "kind", "string", "Kind of session", allowed=tuple(k.value for k in SessionKind)),
    _col(T, "status", "string", "Planned, performed or cancelled", allowed=("planned", "performed", "cancelled")),
    _date(T, "planned_on_shifted", "Day planned (the last plan before it was performed or cancelled)"),
    _date(T, "performed_on_shifted", "Day performed"),
    _col(T, "product", "string", "The exosome product used (its name on the lot)"),
    _key(T, "lot_key", "L", "product lot"),
    _col(T, "dose_ml", "number", "Volume applied", unit="mL"),
    _col(T, "dose_particles", "number", "Particles applied, where the lot states particles/mL", unit="particles"),
    _col(T, "dose_protein_ug", "number", "Protein applied, where the lot states protein/mL", unit="µg"),
    _col(T, "scalp_sites", "string", "Scalp sites treated", allowed=SCALP_SITES, many=True),
    _col(T, "gate_passed", "boolean", "The safety gate passed on the day it was performed"),
    _col(T, "gate_overridden", "boolean", "A clinician performed it although the gate refused",
         "a flag only: the written reason is free text and is not exported"),
)  # fmt: skip

T = "assessments"
ASSESSMENTS = (
    _key(T, "assessment_key", "A", "assessment"),
    _patient_key(T),
    _date(T, "assessed_on_shifted", "Day of the assessment"),
    _col(T, "source", "string", "Who judged: a clinician, or the patient herself", allowed=("clinician", "patient")),
    _col(T, "ctcae_grade", "integer", "CTCAE v5 alopecia grade (clinician only)", range=(0, 2)),
    _col(T, "dean_score", "integer", "Dean hair-loss score", range=(0, 4)),
    _col(T, "distress", "integer", "Distress about hair loss, 0 none to 10 worst", range=(0, 10)),
    _col(T, "head_cover", "string", "Head-cover use", allowed=tuple(h.value for h in HeadCover)),
    _col(T, "density_per_cm2", "number", "Hair density, mean of the sites measured", unit="hairs/cm²"),
    _col(T, "diameter_um", "number", "Hair shaft diameter, mean of the sites measured", unit="µm"),
    _col(T, "measured_sites", "string", "Scalp sites measured", allowed=tuple(v.value for v in ScalpView), many=True),
)  # fmt: skip

T = "adverse_events"
ADVERSE_EVENTS = (
    _key(T, "event_key", "E", "adverse event"),
    _patient_key(T),
    _key(T, "session_key", "S", "suspected session", "; blank when none was named"),
    _key(T, "lot_key", "L", "suspected product lot", "; blank when none was named"),
    _date(T, "onset_on_shifted", "Onset"),
    _date(T, "resolved_on_shifted", "Resolution (blank: not resolved)"),
    _col(T, "ctcae_term", "string", "The CTCAE v5 term, as the clinician entered it (e.g. Scalp pain)",
         "as recorded: a term, not checked against the CTCAE list; review before sharing beyond the team"),
    _col(T, "grade", "integer", "CTCAE grade", range=(1, 5)),
    _col(T, "relatedness", "string", "Relatedness to the exosome therapy, as the reporter judged it",
         allowed=get_args(Relatedness)),
    _col(T, "serious", "boolean", "Serious adverse event"),
)  # fmt: skip

TABLES = {
    "patients": PATIENTS, "courses": COURSES, "sessions": SESSIONS, "assessments": ASSESSMENTS,
    "adverse_events": ADVERSE_EVENTS,
}  # fmt: skip
