"""What an exohair export carries back: the plan (CarePlan: protocol, adjuncts, sessions as activities), performed
sessions (Procedure) with their product lots (Medication.batch), and hair assessments (Observations in our code
system). Resources of these types that are not ours (another system's care plan, a surgery) are skipped."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from exohair.domain.import_issues import Severity
from exohair.domain.scales import SCALP_SITES, HeadCover, ScalpView
from exohair.interop.fhir import codes
from exohair.interop.fhir.reading import Entries, Entry, checked, code_in, day_of, first, listed, words_of

_STATUS = {"scheduled": "planned", "not-started": "planned", "completed": "performed", "cancelled": "cancelled"}
_DOSE = re.compile(r"Dose: ([0-9]+(?:\.[0-9]+)?) mL")
_OVERRIDE = "Performed despite the safety gate, by clinician override: "
_VIEWS = {v.value for v in ScalpView}
_RANGES = {"ctcae-alopecia-grade": ("ctcae_grade", 0, 2), "dean-score": ("dean_score", 0, 4),
           "hair-loss-distress": ("distress", 0, 10)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LotFacts:
    entry: Entry
    product: str
    manufacturer: str
    source_cells: str
    lot_number: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class SessionFacts:
    entry: Entry  # the CarePlan
    kind: str
    label: str
    status: str  # planned, performed, cancelled
    day: date | None
    cancel_reason: str | None
    procedure: Entry | None
    lot: LotFacts | None
    dose_ml: float | None
    sites: tuple[str, ...]
    override_reason: str | None


@dataclass(frozen=True, slots=True)
class PlanFacts:
    entry: Entry
    protocol_id: str
    adjuncts: tuple[str, ...]
    sessions: tuple[SessionFacts, ...]


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    entries: tuple[Entry, ...]
    assessed_on: date
    source: str  # clinician or patient
    values: dict[str, Any]  # ctcae_grade, dean_score, distress, head_cover, measurements, notes


def read_plan(entries: Entries, *, today: date) -> PlanFacts | None:
    ours = [e for e in entries.of_type("CarePlan") if code_in(first(e.resource.get("category")), codes.PROTOCOL)]
    for entry in entries.of_type("CarePlan"):
        if entry not in ours:
            entries.issue(entry, "A care plan that is not an exohair therapy plan; not read.",
                          severity=Severity.SKIPPED, code="not_read")  # fmt: skip
    current = [e for e in ours if e.resource.get("status") == "active"] or ours
    for entry in ours:
        if entry is not current[0]:
            entries.issue(entry, "An earlier or second therapy plan; the import restores the active one.",
                          severity=Severity.SKIPPED, code="not_read")  # fmt: skip
    if not current or not checked(entries, current[0]):
        _skip_unused_procedures(entries, set())
        return None
    entry = current[0]
    protocol = code_in(first(entry.resource.get("category")), codes.PROTOCOL) or ""
    adjuncts: list[str] = []
    sessions: list[SessionFacts] = []
    used: set[int] = set()
    for activity in listed(entry.resource.get("activity")):
        detail = activity.get("detail") or {}
        text = words_of(detail.get("code"))
        if text.startswith("Adjunct: "):
            adjuncts.append(text.removeprefix("Adjunct: "))
            continue
        session = _session(entries, entry, activity, detail, today=today)
        if session is not None:
            sessions.append(session)
            if session.procedure is not None:
                used.add(session.procedure.index)
    _skip_unused_procedures(entries, used)
    return PlanFacts(entry, protocol, tuple(adjuncts), tuple(sessions))


def read_assessments(entries: Entries, *, today: date, born: date) -> list[AssessmentFacts]:
    """Our hair Observations, grouped back into assessments by day and by who judged (one per day and source)."""
    groups: dict[tuple[date, str], list[tuple[Entry, str, Any]]] = defaultdict(list)
    for entry in entries.of_type("Observation"):
        code = code_in(entry.resource.get("code"), codes.HAIR_OBSERVATION)
        if code is None:
            entries.issue(entry, "An Observation outside exohair's hair measures; not read.",
                          severity=Severity.SKIPPED, code="not_read")  # fmt: skip
            continue
        if not checked(entries, entry) or entries.resolve(entry, "subject", entry.resource.get("subject"),
                                                          expect="Patient") is None:  # fmt: skip
            continue
        day = day_of(entries, entry, "effectiveDateTime", entry.resource.get("effectiveDateTime"), today=today,
                     not_before=born)  # fmt: skip
        value = _observed(entries, entry, code)
        if day is not None and value is not None:
            source = "patient" if "patient" in words_of(entry.resource.get("method")) else "clinician"
            groups[(day, source)].append((entry, code, value))
    found = []
    for (day, source), items in sorted(groups.items()):
        values: dict[str, Any] = {"measurements": []}
        sites: dict[str, dict[str, Any]] = {}
        for entry, code, value in items:
            if code in ("hair-density", "hair-shaft-diameter"):
                site, number = value
                sites.setdefault(site, {"site": site})["density_per_cm2" if code == "hair-density" else
                                                       "diameter_um"] = number  # fmt: skip
            else:
                values[_RANGES[code][0] if code in _RANGES else "head_cover"] = value
            note = first(entry.resource.get("note"))
            if note and isinstance(note.get("text"), str):
                values["notes"] = note["text"][:2000]
        values["measurements"] = list(sites.values())
        found.append(AssessmentFacts(tuple(e for e, _, _ in items), day, source, values))
    return found


def _observed(entries: Entries, entry: Entry, code: str) -> Any:
    resource = entry.resource
    if code in _RANGES:
        value, (_, low, high) = resource.get("valueInteger"), _RANGES[code]
        if not isinstance(value, int) or not low <= value <= high:
            entries.issue(entry, f"{code} must be an integer {low}-{high}, not {value!r}.", code="bad_value")
            return None
        return value
    if code == "head-cover-use":
        cover = code_in(resource.get("valueCodeableConcept"), codes.HEAD_COVER)
        if cover not in {c.value for c in HeadCover}:
            entries.issue(entry, f"head-cover-use {cover!r} is not one of none, sometimes, always.", code="bad_code")
            return None
        return cover
    site = code_in(resource.get("bodySite"), codes.SCALP_VIEW)
    number = (resource.get("valueQuantity") or {}).get("value")
    limit = 1000 if code == "hair-density" else 250
    if site not in _VIEWS or not isinstance(number, int | float) or not 0 <= number <= limit:
        entries.issue(entry, f"{code} needs a scalp view ({', '.join(sorted(_VIEWS))}) and a value 0-{limit}; got "
                      f"{site!r} and {number!r}.", code="bad_value")  # fmt: skip
        return None
    return site, float(number)


def _session(entries: Entries, plan: Entry, activity: Any, detail: Any, *, today: date) -> SessionFacts | None:
    kind = code_in(detail.get("code"), codes.SESSION_KIND)
    label = words_of(detail.get("code"))
    status = _STATUS.get(str(detail.get("status")))
    if kind is None or status is None:
        entries.issue(plan, f"Activity '{label or 'unnamed'}' is no therapy session exohair knows (kind {kind!r}, "
                      f"status {detail.get('status')!r}); not restored.", severity=Severity.WARNING,
                      code="bad_activity")  # fmt: skip
        return None
    day = None
    if "scheduledString" in detail:
        day = day_of(entries, plan, f"activity '{label}' scheduledString", detail["scheduledString"],
                     today=date.max if status == "planned" else today)  # fmt: skip
        if day is None:
            return None
    reason = words_of(detail.get("statusReason")) or None
    outcome = first(activity.get("outcomeReference"))
    procedure = entries.resolve(plan, f"activity '{label}' outcomeReference", outcome, expect="Procedure") \
        if outcome else None  # fmt: skip
    if status == "performed" and procedure is None:
        if outcome is None:
            entries.issue(plan, f"Completed session '{label}' has no Procedure to say how it was done; not restored.",
                          severity=Severity.WARNING, code="session_without_procedure")  # fmt: skip
        return None
    lot: LotFacts | None = None
    dose: float | None = None
    sites: tuple[str, ...] = ()
    override: str | None = None
    if procedure is not None:
        if not checked(entries, procedure):
            return None
        res = procedure.resource
        used = first(res.get("usedReference"))
        medication = entries.resolve(procedure, "usedReference", used, expect="Medication") if used else None
        lot = _lot(entries, medication) if medication else None
        if lot is None:
            if used is None:
                entries.issue(procedure, "A performed session names no product lot (usedReference).",
                              code="session_without_lot")  # fmt: skip
            return None
        notes = [str(n.get("text", "")) for n in listed(res.get("note"))]
        dose_match = next((m for m in map(_DOSE.search, notes) if m), None)
        dose = float(dose_match[1]) if dose_match else None
        named = [code_in(b, codes.SCALP_VIEW) for b in listed(res.get("bodySite"))]
        unknown = sorted(str(s) for s in named if s not in SCALP_SITES)
        if unknown:
            entries.issue(procedure, f"Scalp site(s) {', '.join(unknown)} are not among {', '.join(SCALP_SITES)}; "
                          "left out of the session.", severity=Severity.WARNING, code="bad_code")  # fmt: skip
        sites = tuple(str(s) for s in named if s in SCALP_SITES)
        override = next((n.removeprefix(_OVERRIDE) for n in notes if n.startswith(_OVERRIDE)), None)
        performed = day_of(entries, procedure, "performedDateTime", res.get("performedDateTime"), today=today)
        if performed is None:
            return None
        day = performed
    return SessionFacts(plan, kind, label, status, day, reason, procedure, lot, dose, sites, override)


def _lot(entries: Entries, entry: Entry) -> LotFacts | None:
    if not checked(entries, entry):
        return None
    res = entry.resource
    batch = res.get("batch") or {}
    cells = words_of((first(res.get("ingredient")) or {}).get("itemCodeableConcept")).removeprefix("Exosomes from ")
    fields = {"product": words_of(res.get("code")), "manufacturer": str((res.get("manufacturer") or {}).get(
        "display", "")), "source_cells": cells, "lot_number": str(batch.get("lotNumber", ""))}  # fmt: skip
    missing = [name for name, value in fields.items() if not value.strip()]
    if missing:
        entries.issue(entry, f"The product lot lacks {', '.join(missing)}.", code="lot_incomplete")
        return None
    expires = day_of(entries, entry, "batch.expirationDate", batch.get("expirationDate"), today=date.max)
    if expires is None:
        return None
    return LotFacts(entry, fields["product"][:200], fields["manufacturer"][:200], fields["source_cells"][:200],
                    fields["lot_number"][:100], expires)  # fmt: skip


def _skip_unused_procedures(entries: Entries, used: set[int]) -> None:
    for entry in entries.of_type("Procedure"):
        if entry.index not in used:
            entries.issue(entry, f"Procedure '{words_of(entry.resource.get('code')) or 'unnamed'}' is not a session of "
                          "an exohair plan in this bundle; not imported.", severity=Severity.SKIPPED,
                          code="not_read")  # fmt: skip
