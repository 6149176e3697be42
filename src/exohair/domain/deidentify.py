"""De-identification for the researcher's view: a stable pseudonym per patient, and dates shifted per patient.

The pseudonym is an HMAC-SHA256 of the patient's id under the clinic's research key, so the same patient keeps
the same pseudonym across exports (a researcher can link two exports) while no one without the key can go back
to the record. Dates move by a per-patient offset drawn the same way (HIPAA's "expert determination" practice of
date shifting; Safe Harbor would keep only the year): intervals within a patient (days from the last infusion to
regrowth, say) are unchanged, so every analysis gives the same answer on shifted dates, but no shifted date is a
real date of care. Names, MRNs and dates of birth never leave; ages go out in bands.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from exohair.domain.errors import InvalidInput

MAX_SHIFT_DAYS = 182  # up to about six months either way; never zero, so no date is left as it was
AGE_BANDS = ((0, "<40"), (40, "40–49"), (50, "50–59"), (60, "60–69"), (70, "≥70"))


def _digest(key: bytes, label: str, patient_id: str) -> bytes:
    if len(key) < 16:
        raise InvalidInput("A research key must be at least 16 bytes long.", code="research_key")
    return hmac.new(key, f"{label}:{patient_id}".encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, patient_id: str) -> str:
    """ "R-" and 12 hexadecimal digits: 48 bits, so collisions are negligible below millions of patients."""
    return "R-" + _digest(key, "pseudonym", patient_id).hex()[:12]


def record_pseudonym(key: bytes, kind: str, record_id: str) -> str:
    """A record's pseudonym, drawn like a patient's: `kind` (a capital letter other than R, which is the patient's:
    C a course, S a session, A an assessment, E an adverse event, L a product lot), a hyphen and 12 hexadecimal
    digits. The same record keeps it across exports; no one without the key can go back to the record."""
    if len(kind) != 1 or not kind.isupper() or kind == "R":
        raise InvalidInput(f"A record pseudonym's kind is one capital letter other than R, not {kind!r}.",
                           code="pseudonym_kind")  # fmt: skip
    return f"{kind}-" + _digest(key, f"record-{kind}", record_id).hex()[:12]


def shift_days(key: bytes, patient_id: str) -> int:
    """The patient's date offset, in days: ±1..MAX_SHIFT_DAYS, the same every time for the same key."""
    value = int.from_bytes(_digest(key, "shift", patient_id)[:4], "big")
    magnitude = 1 + value % MAX_SHIFT_DAYS
    return magnitude if value & (1 << 31) else -magnitude


def shifted(day: date, offset_days: int) -> date:
    return day + timedelta(days=offset_days)


def age_band(age_years: float) -> str:
    band = AGE_BANDS[0][1]
    for lower, label in AGE_BANDS:
        if age_years >= lower:
            band = label
    return band


def age_on(born: date, day: date) -> float:
    """Whole years completed on `day`, as a float for the statistics."""
    return float(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))


def period_of(day: date) -> str:
    """The half-year of a date ("2026-H2"): coarse enough to be no date of care, fine enough to see change."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"
