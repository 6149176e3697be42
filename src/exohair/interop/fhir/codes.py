"""The code systems and identifiers of our FHIR resources.

HL7's own code systems are used wherever FHIR binds one (gender, observation category, consent scope, adverse-event
seriousness and severity, media type). For the hair measures themselves (CTCAE alopecia grade, Dean score, hair
density and shaft diameter at a scalp view, head-cover use, distress) we found no LOINC or SNOMED CT code that says
the same thing, so they are coded in our own code system, documented in docs/fhir.md; a receiving system maps them
as it maps any local code. A code that merely sounds close (SNOMED's "alopecia" finding for a grade) would tell the
receiver something we did not measure.
"""

from __future__ import annotations

import uuid

BASE = "https://exohair.org/fhir"
HAIR_OBSERVATION = f"{BASE}/CodeSystem/hair-observation"  # the codes below, OBSERVATIONS
AGENT = f"{BASE}/CodeSystem/chemotherapy-agent"  # the agent ids of knowledge/data/agents.yaml
REGIMEN = f"{BASE}/CodeSystem/chemotherapy-regimen"  # the regimen ids of knowledge/data/regimens.yaml
PROTOCOL = f"{BASE}/CodeSystem/therapy-protocol"  # the protocol ids of knowledge/data/protocols.yaml
SESSION_KIND = f"{BASE}/CodeSystem/therapy-session"  # priming, in_cycle, regrowth
HEAD_COVER = f"{BASE}/CodeSystem/head-cover"  # none, sometimes, always
SCALP_VIEW = f"{BASE}/CodeSystem/scalp-view"  # vertex, frontal, left, right, occipital
QUESTIONNAIRE = f"{BASE}/Questionnaire"  # + "/<instrument id>", versioned as "|<version>"
CTCAE_GRADE = f"{BASE}/StructureDefinition/ctcae-grade"  # extension: an adverse event's CTCAE grade, 1-5
MRN = f"{BASE}/sid/mrn"  # + "/<clinic id>": an MRN is unique within its clinic only
PRODUCT_LOT = f"{BASE}/sid/product-lot"  # + "/<clinic id>"

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
CONSENT_DOCUMENT = ("59284-0", "Patient Consent")  # LOINC: the consent category the FHIR R4 examples use

# code -> display, in HAIR_OBSERVATION
OBSERVATIONS = {
    "ctcae-alopecia-grade": "CTCAE v5 alopecia grade (0-2)",
    "dean-score": "Dean hair-loss score (0-4)",
    "hair-density": "Hair density at a scalp view (hairs/cm2)",
    "hair-shaft-diameter": "Hair shaft diameter at a scalp view (um)",
    "head-cover-use": "Head-cover use (none, sometimes, always)",
    "hair-loss-distress": "Distress about hair loss (0-10)",
}

# Our consent scopes -> (HL7 consent scope, what it covers in words)
CONSENT_SCOPES = {
    "treatment": ("treatment", "Exosome scalp therapy (investigational)"),
    "registry": ("research", "The clinic's outcome registry"),
    "photos": ("patient-privacy", "Scalp photographs"),
}

_NAMESPACE = uuid.UUID("7d4f3c1e-5b0a-4c6e-9d2f-8a1b3e5c7f90")  # ours; fixed, so ids are the same every export


def derived_id(record_id: uuid.UUID | str, part: str) -> str:
    """A stable id for a resource that has no row of its own (an Observation per measure of an assessment, a
    MedicationAdministration per infusion): the same record exports under the same id every time."""
    return str(uuid.uuid5(_NAMESPACE, f"{record_id}/{part}"))


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found
