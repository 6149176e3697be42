"""Reading a FHIR R4 Bundle for import: its entries, their references and dates, the Patient, her cancer and her
chemotherapy, as plain frozen records. Every entry that cannot be used becomes an EntryIssue naming it.

Structure is checked with fhir.resources' R4B models (as the export is); coded values are checked here, since
those models accept any string as a code. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from exohair.domain.import_issues import EntryIssue, Severity

Json = Mapping[str, Any]
BUNDLE_TYPES = ("transaction", "collection")
# Resource types whose structure is checked and whose content the import reads.
READ_TYPES = ("Patient", "Condition", "MedicationRequest", "MedicationAdministration", "Medication", "CarePlan",
              "Procedure", "Observation")  # fmt: skip
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)?$")


@dataclass(frozen=True, slots=True)
class Entry:
    index: int
    full_url: str
    resource_type: str
    id: str
    resource: Json

    @property
    def where(self) -> str:
        return self.full_url or (f"{self.resource_type}/{self.id}" if self.id else self.resource_type)


@dataclass
class Entries:
    """The bundle's usable entries, how to resolve a reference to one, and the issues found so far."""

    items: list[Entry]
    issues: list[EntryIssue] = field(default_factory=list)
    _by_ref: dict[str, Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.items:
            for key in _keys(entry):
                self._by_ref.setdefault(key, entry)

    def of_type(self, resource_type: str) -> list[Entry]:
        return [e for e in self.items if e.resource_type == resource_type]

    def issue(self, entry: Entry | None, message: str, *, severity: Severity = Severity.ERROR,
              code: str = "unusable_entry") -> None:  # fmt: skip
        where = entry.where if entry is not None else ""
        self.issues.append(EntryIssue(severity, entry.index if entry else None, where, message, code))

    def resolve(self, entry: Entry, element: str, reference: object, *, expect: str | None = None) -> Entry | None:
        """The entry `reference` points to; an error on `entry` if it points nowhere in the bundle or elsewhere."""
        target = reference.get("reference") if isinstance(reference, Mapping) else None
        if not isinstance(target, str) or not target:
            self.issue(entry, f"{element} has no reference to follow.", code="missing_reference")
            return None
        found = self._by_ref.get(target) or self._by_ref.get(_tail(target))
        if found is None:
            self.issue(entry, f"{element} refers to {target}, which is not in the bundle.", code="dangling_reference")
            return None
        if expect is not None and found.resource_type != expect:
            self.issue(entry, f"{element} refers to a {found.resource_type} where a {expect} belongs.",
                       code="wrong_reference")  # fmt: skip
            return None
        return found


def bundle_entries(data: object) -> tuple[Entries | None, str, list[EntryIssue]]:
    """The entries of a Bundle of type transaction or collection, or (None, "", [why]) for anything else."""

    def fatal(message: str, code: str) -> tuple[None, str, list[EntryIssue]]:
        return None, "", [EntryIssue(Severity.ERROR, None, "", message, code)]

    if not isinstance(data, Mapping):
        return fatal("The body is not a JSON object, so it cannot be a FHIR Bundle.", "not_a_bundle")
    if data.get("resourceType") != "Bundle":
        found = data.get("resourceType")
        what = f"a {found}" if isinstance(found, str) else "no resourceType"
        return fatal(f"Expected a FHIR Bundle, got {what}.", "not_a_bundle")
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        return fatal(f"A Bundle of type {kind!r} cannot be imported; send a transaction or a collection.",
                     "bundle_type")  # fmt: skip
    raw = data.get("entry", [])
    if not isinstance(raw, list):
        return fatal("Bundle.entry is not a list of entries.", "not_a_bundle")
    items: list[Entry] = []
    issues: list[EntryIssue] = []
    for index, item in enumerate(raw):
        resource = item.get("resource") if isinstance(item, Mapping) else None
        full_url = item.get("fullUrl", "") if isinstance(item, Mapping) else ""
        full_url = full_url if isinstance(full_url, str) else ""
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            issues.append(EntryIssue(Severity.ERROR, index, full_url, "The entry holds no resource with a "
                                     "resourceType.", "no_resource"))  # fmt: skip
            continue
        ident = resource.get("id", "")
        items.append(Entry(index, full_url, str(resource["resourceType"]), str(ident) if ident else "", resource))
    return Entries(items, issues), str(kind), []


def is_fhir_type(resource_type: str) -> bool:
    try:
        get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        return False
    return True


def checked(entries: Entries, entry: Entry) -> bool:
    """Whether FHIR's structure accepts the resource (types, cardinality, required and unknown elements)."""
    model = get_fhir_model_class(entry.resource_type)
    try:
        model.model_validate(dict(entry.resource))
    except (ValidationError, ValueError, TypeError) as error:
        if not isinstance(error, ValidationError):
            entries.issue(entry, f"{entry.resource_type} is not valid FHIR R4: {error}.", code="invalid_fhir")
            return False
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"] if part != "__root__") or entry.resource_type
        dated = "date" in where.lower() or "period" in where.lower()  # "2026-02-30" fails here, not in day_of
        entries.issue(entry, f"{entry.resource_type} is not valid FHIR R4: {where}: {first['msg']}.",
                      code="bad_date" if dated else "invalid_fhir")  # fmt: skip
        return False
    return True


def day_of(entries: Entries, entry: Entry, element: str, value: object, *, today: date,
           not_before: date | None = None) -> date | None:  # fmt: skip
    """The calendar day of a FHIR date or dateTime (as written, in the sender's local time), or an error naming
    the element: a partial date (a year, a month) is no day of care, and neither is one to come."""
    if not isinstance(value, str):
        entries.issue(entry, f"{element} is missing: the day is needed.", code="missing_date")
        return None
    match = _DATE.match(value)
    if match is None:
        entries.issue(entry, f"{element} '{value}' is not a whole day (YYYY-MM-DD).", code="bad_date")
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
        if match[4]:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        entries.issue(entry, f"{element} '{value}' is not a real date ({error}).", code="bad_date")
        return None
    if day > today:
        entries.issue(entry, f"{element} {day.isoformat()} has not come yet (today is {today.isoformat()}).",
                      code="future_date")  # fmt: skip
        return None
    if not_before is not None and day < not_before:
        entries.issue(entry, f"{element} {day.isoformat()} is before the patient was born ({not_before.isoformat()}).",
                      code="impossible_date")  # fmt: skip
        return None
    return day


def codings(concept: object) -> list[Json]:
    found = concept.get("coding", []) if isinstance(concept, Mapping) else []
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def words_of(concept: object) -> str:
    """What a CodeableConcept says in words: its text, else its codings' displays."""
    if not isinstance(concept, Mapping):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    return "; ".join(str(c["display"]) for c in codings(concept) if isinstance(c.get("display"), str))


def code_in(concept: object, system: str) -> str | None:
    for coding in codings(concept):
        if coding.get("system") == system and isinstance(coding.get("code"), str):
            return str(coding["code"])
    return None


def first(values: object) -> Json | None:
    if isinstance(values, list) and values and isinstance(values[0], Mapping):
        return values[0]
    return None


def listed(values: object) -> Iterable[Json]:
    return [v for v in values if isinstance(v, Mapping)] if isinstance(values, list) else []


def _keys(entry: Entry) -> list[str]:
    keys = [f"{entry.resource_type}/{entry.id}"] if entry.id else []
    if entry.full_url:
        keys += [entry.full_url, _tail(entry.full_url)]
    return keys


def _tail(url: str) -> str:
    """'http://x/fhir/Patient/12' -> 'Patient/12' (a reference may be absolute or relative)."""
    parts = url.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 and not url.startswith("urn:") else url
