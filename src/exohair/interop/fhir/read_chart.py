"""The Patient, her cancer and her chemotherapy (MedicationRequest, MedicationAdministration) from a Bundle."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from exohair.domain.import_issues import Severity
from exohair.interop.fhir import codes
from exohair.interop.fhir.drugs import DrugCatalogue, Recognised
from exohair.interop.fhir.reading import Entries, Entry, checked, code_in, codings, day_of, first, listed, words_of

SEXES = ("female", "male", "other", "unknown")  # FHIR administrative gender, and ours
_CANCER = re.compile(r"neoplasm|cancer|carcinoma|tumou?r|malignan|lymphoma|leuk(a)?emia|sarcoma|myeloma", re.I)
_MR = "http://terminology.hl7.org/CodeSystem/v2-0203"


@dataclass(frozen=True, slots=True)
class PatientFacts:
    entry: Entry
    mrn: str
    mrn_from: str  # "exohair" (our MRN identifier), "MR" (an identifier typed MR) or "id" (the resource id)
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str


@dataclass(frozen=True, slots=True)
class CancerFacts:
    entry: Entry | None  # None: no Condition; read from the reason the chemotherapy names (as Synthea's say)
    text: str
    stage: str | None


@dataclass(frozen=True, slots=True)
class DrugUse:
    """One order or administration of a recognised agent. `on` is the dose day (None for an order without one)."""

    entry: Entry
    agent: Recognised
    on: date | None
    given: bool  # False: an administration recorded as not done (a skipped dose)
    regimen: str | None  # the regimen the entry names in our code system (the exohair export writes it)
    ordered: bool  # a MedicationRequest (an order), not an administration


def read_patient(entries: Entries, *, today: date) -> PatientFacts | None:
    """The one Patient; None (with an error) when there is none, or two, or hers is unusable."""
    found = entries.of_type("Patient")
    if len(found) != 1:
        what = "no Patient" if not found else f"{len(found)} Patients ({', '.join(e.where for e in found)})"
        entries.issue(None, f"The bundle holds {what}; an import takes exactly one patient.", code="patient_count")
        return None
    entry = found[0]
    if not checked(entries, entry):
        return None
    resource = entry.resource
    before = len(entries.issues)
    name = next((n for n in listed(resource.get("name")) if n.get("use") == "official"), first(resource.get("name")))
    family = name.get("family") if name else None
    given = (name.get("given") or [None])[0] if name else None
    if not family or not given:
        entries.issue(entry, "The patient has no family and given name.", code="patient_name")
    sex = resource.get("gender")
    if sex not in SEXES:
        entries.issue(entry, f"gender {sex!r} is not one of {', '.join(SEXES)}.", code="bad_code")
    born = day_of(entries, entry, "birthDate", resource.get("birthDate"), today=today)
    mrn, mrn_from = _mrn(entry)
    if len(mrn) > 64:
        entries.issue(entry, "The medical record number is longer than 64 characters.", code="patient_mrn")
    if len(entries.issues) > before or born is None:
        return None
    if mrn_from == "id":
        entries.issue(entry, f"No medical record number (an identifier of type MR): the sender's Patient id {mrn} is "
                      "used as the MRN.", severity=Severity.WARNING, code="mrn_from_id")  # fmt: skip
    return PatientFacts(entry, mrn, mrn_from, str(family), str(given), born, str(sex))


def read_cancer(entries: Entries, drugs: list[DrugUse]) -> CancerFacts | None:
    """The cancer: the Condition the chemotherapy is given for, else the one whose words say cancer."""
    candidates = []
    for entry in entries.of_type("Condition"):
        text = words_of(entry.resource.get("code"))
        ours = code_in(entry.resource.get("category"), codes.CONDITION_CATEGORY) and entry.resource.get("stage")
        if ours or _CANCER.search(text):
            candidates.append(entry)
        else:
            entries.issue(entry, f"Condition '{text or 'unnamed'}' is not the cancer; not imported.",
                          severity=Severity.SKIPPED, code="not_read")  # fmt: skip
    if not candidates:
        reasons = [words_of(c) for d in drugs for c in listed(d.entry.resource.get("reasonCode"))]
        named = [r for r in reasons if _CANCER.search(r)]
        return CancerFacts(None, max(set(named), key=named.count)[:200], None) if named else None
    cited = [str(r.get("reference")) for d in drugs for r in listed(d.entry.resource.get("reasonReference"))]
    candidates.sort(key=lambda e: -sum(1 for c in cited if c in (e.full_url, f"Condition/{e.id}")))
    chosen = candidates[0]
    for other in candidates[1:]:
        entries.issue(other, "Another cancer Condition; the import records one cancer, the one the chemotherapy "
                      f"is given for ({chosen.where}).", severity=Severity.SKIPPED, code="not_read")  # fmt: skip
    if not checked(entries, chosen):
        return None
    stage = first(chosen.resource.get("stage"))
    stage_text = words_of(stage.get("summary")) if stage else ""
    text = words_of(chosen.resource.get("code"))[:200]
    return CancerFacts(chosen, text or "Not named in the imported record", stage_text[:20] or None)


def read_drugs(entries: Entries, catalogue: DrugCatalogue, *, today: date, born: date) -> list[DrugUse]:
    found: list[DrugUse] = []
    for entry in entries.of_type("MedicationRequest") + entries.of_type("MedicationAdministration"):
        use = _drug_use(entries, entry, catalogue, today=today, born=born)
        if use is not None:
            found.append(use)
    return found


def _drug_use(entries: Entries, entry: Entry, catalogue: DrugCatalogue, *, today: date, born: date) -> DrugUse | None:
    resource = entry.resource
    ordered = entry.resource_type == "MedicationRequest"
    status = resource.get("status")
    if status == "entered-in-error" or (ordered and resource.get("intent") not in ("order", "plan", "original-order")):
        entries.issue(entry, f"A {entry.resource_type} that is {status or resource.get('intent')}; not read.",
                      severity=Severity.SKIPPED, code="not_read")  # fmt: skip
        return None
    if not checked(entries, entry):
        return None
    concept = resource.get("medicationCodeableConcept")
    if "medicationReference" in resource:
        medication = entries.resolve(entry, "medicationReference", resource["medicationReference"], expect="Medication")
        if medication is None:
            return None
        concept = medication.resource.get("code")
    recognised = catalogue.recognise(concept)
    for_cancer = _for_cancer(entries, entry)
    if not isinstance(recognised, Recognised):
        said = words_of(concept) or "an unnamed drug"
        if for_cancer or isinstance(recognised, str):
            why = recognised if isinstance(recognised, str) else f"'{said}' is not an agent in the catalogue " \
                "(agents.yaml), by RxNorm code, exohair code or name"  # fmt: skip
            entries.issue(entry, f"Unknown chemotherapy drug: {why}.", code="unknown_drug")
        else:
            entries.issue(entry, f"'{said}' is not a chemotherapy agent exohair knows, and it is not given for the "
                          "cancer; not read.", severity=Severity.SKIPPED, code="not_read")  # fmt: skip
        return None
    subject = entries.resolve(entry, "subject", resource.get("subject"), expect="Patient")
    if subject is None:
        return None
    if not ordered and "request" in resource and entries.resolve(entry, "request", resource["request"]) is None:
        return None
    regimen = next((code_in(c, codes.REGIMEN) for c in listed(resource.get("category")) if code_in(c, codes.REGIMEN)),
                   None)  # fmt: skip
    if ordered:  # Synthea dates each cycle's order (authoredOn); the exohair export, where the order starts
        when, element, latest = resource.get("authoredOn"), "authoredOn", today
        timing = ((first(resource.get("dosageInstruction")) or {}).get("timing") or {}).get("repeat") or {}
        if when is None and isinstance(timing.get("boundsPeriod"), dict):
            when, element, latest = timing["boundsPeriod"].get("start"), "timing boundsPeriod.start", date.max
        on = day_of(entries, entry, element, when, today=latest, not_before=born) if when else None
        if when and on is None:
            return None
        return DrugUse(entry, recognised, on, True, regimen, True)
    when = resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start")
    on = day_of(entries, entry, "effectiveDateTime", when, today=today, not_before=born)
    if on is None:
        return None
    if status not in ("completed", "not-done", "in-progress", "stopped"):
        entries.issue(entry, f"An administration with status {status!r} tells neither a dose given nor one skipped; "
                      "not read.", severity=Severity.SKIPPED, code="not_read")  # fmt: skip
        return None
    return DrugUse(entry, recognised, on, status != "not-done", regimen, False)


def _for_cancer(entries: Entries, entry: Entry) -> bool:
    """Whether the order or administration says it is for the cancer (or names one of our regimens)."""
    resource = entry.resource
    if any(code_in(c, codes.REGIMEN) for c in listed(resource.get("category"))):
        return True
    if any(_CANCER.search(words_of(c)) for c in listed(resource.get("reasonCode"))):
        return True
    for reason in listed(resource.get("reasonReference")):
        target = str(reason.get("reference", ""))
        for condition in entries.of_type("Condition"):
            if target in (condition.full_url, f"Condition/{condition.id}"):
                return bool(_CANCER.search(words_of(condition.resource.get("code")))) or bool(
                    code_in(condition.resource.get("category"), codes.CONDITION_CATEGORY)
                )
    return False


def _mrn(entry: Entry) -> tuple[str, str]:
    identifiers = list(listed(entry.resource.get("identifier")))
    for identifier in identifiers:
        if str(identifier.get("system", "")).startswith(codes.MRN + "/") and identifier.get("value"):
            return str(identifier["value"]), "exohair"
    for identifier in identifiers:
        typed = any(c.get("system") == _MR and c.get("code") == "MR" for c in codings(identifier.get("type")))
        if typed and identifier.get("value"):
            return str(identifier["value"]), "MR"
    return entry.id or entry.full_url.rsplit(":", 1)[-1], "id"
