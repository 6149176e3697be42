"""The hair therapy as FHIR R4: the plan as a CarePlan whose activities are its sessions, each performed session a
Procedure that used a product lot (a Medication with its batch), and adverse events with their CTCAE grade.

Exosome scalp therapy is investigational: the CarePlan's description says so, as every protocol file does.
"""

from __future__ import annotations

from typing import Any

from exohair.db.models import AdverseEvent, PlanVersion, ProductLot, TherapySession
from exohair.domain.full_plan import FullPlan
from exohair.interop.fhir import codes
from exohair.interop.fhir.chart import Resource, ref
from exohair.interop.fhir.codes import coding

_ACTIVITY_STATUS = {"planned": "scheduled", "performed": "completed", "cancelled": "cancelled"}
_PROCEDURE = {"coding": [coding(codes.SESSION_KIND, "exosome-scalp-session", "Exosome scalp session")],
              "text": "Exosome scalp session (investigational)"}  # fmt: skip


def lot_medication(lot: ProductLot) -> Resource:
    return {
        "resourceType": "Medication",
        "id": str(lot.id),
        "identifier": [{"system": f"{codes.PRODUCT_LOT}/{lot.clinic_id}", "value": lot.lot_number}],
        "code": {"text": lot.product},
        "manufacturer": {"display": lot.manufacturer},
        "ingredient": [{"itemCodeableConcept": {"text": f"Exosomes from {lot.source_cells}"}}],
        "batch": {"lotNumber": lot.lot_number, "expirationDate": lot.expires_on.isoformat()},
    }


def procedure(row: TherapySession, subject: Resource, lot: Resource | None) -> Resource:
    """A performed session: when, where on the scalp, with which lot and dose, and the safety gate's answer."""
    found: Resource = {
        "resourceType": "Procedure",
        "id": str(row.id),
        "status": "completed",
        "code": _PROCEDURE,
        "subject": ref(subject),
        "performedDateTime": (row.performed_at.isoformat() if row.performed_at
                              else row.performed_on.isoformat() if row.performed_on else None),
        "bodySite": [{"coding": [coding(codes.SCALP_VIEW, site)], "text": site} for site in row.scalp_sites or ()],
        "note": [{"text": _dose_text(row)}],
    }  # fmt: skip
    if found["performedDateTime"] is None:
        del found["performedDateTime"]
    if lot is not None:
        found["usedReference"] = [ref(lot)]
    if row.override_reason:
        found["note"].append(
            {"text": f"Performed despite the safety gate, by clinician override: {row.override_reason}"}
        )
    return found


def care_plan(
    version: PlanVersion, full: FullPlan, rows: list[TherapySession], subject: Resource, procedures: dict[str, Resource]
) -> Resource:
    """The current plan version of a course; its activities are the course's sessions as on file."""
    protocol = full.protocol
    activities: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: (r.planned_on is None, r.planned_on, r.key)):
        detail: dict[str, Any] = {
            "kind": "ServiceRequest",
            "code": {"coding": [coding(codes.SESSION_KIND, row.kind)], "text": row.label},
            "status": _ACTIVITY_STATUS.get(row.status, "unknown"),
        }
        day = row.performed_on or row.planned_on
        if day is not None:
            detail["scheduledString"] = day.isoformat()
        if row.status == "cancelled" and row.cancel_reason:
            detail["statusReason"] = {"text": row.cancel_reason}
        activity: dict[str, Any] = {"detail": detail}
        if str(row.id) in procedures:
            activity["outcomeReference"] = [ref(procedures[str(row.id)])]
        activities.append(activity)
    for adjunct in version.adjuncts or ():
        activities.append({"detail": {"kind": "ServiceRequest", "code": {"text": f"Adjunct: {adjunct}"},
                                      "status": "in-progress"}})  # fmt: skip
    return {
        "resourceType": "CarePlan",
        "id": str(version.id),
        "status": "active" if version.current else "revoked",
        "intent": "plan",
        "title": f"{protocol.name} (protocol {protocol.id} v{version.protocol_version}), plan version {version.number}",
        "description": "Exosome scalp therapy around chemotherapy. Investigational: not proven to prevent hair "
        "loss or speed regrowth.",
        "category": [{"coding": [coding(codes.PROTOCOL, protocol.id, protocol.name)]}],
        "subject": ref(subject),
        "created": version.created_at.isoformat(),
        "activity": activities,
    }


def adverse_event(row: AdverseEvent, subject: Resource, suspects: list[Resource]) -> Resource:
    """CTCAE term as the event, its grade as an extension (FHIR R4 has no grade element), severity read from the
    grade (1 mild, 2 moderate, 3 or more severe), and the session or lot suspected, with the relatedness."""
    found: Resource = {
        "resourceType": "AdverseEvent",
        "id": str(row.id),
        "extension": [{"url": codes.CTCAE_GRADE, "valueInteger": row.grade}],
        "actuality": "actual",
        "event": {"text": row.ctcae_term},
        "subject": ref(subject),
        "date": row.onset_on.isoformat(),
        "seriousness": {"coding": [coding(codes.SERIOUSNESS, "serious" if row.serious else "non-serious")]},
        "severity": {"coding": [coding(codes.SEVERITY, "mild" if row.grade == 1 else
                                       "moderate" if row.grade == 2 else "severe")]},
        "suspectEntity": [
            {"instance": ref(suspect), "causality": [{"assessment": {"text": row.relatedness}}]}
            for suspect in suspects
        ],
    }  # fmt: skip
    if row.resolved_on is not None:
        found["outcome"] = {"text": f"resolved on {row.resolved_on.isoformat()}"}
    return found


def _dose_text(row: TherapySession) -> str:
    parts = [f"{row.dose_ml:g} mL" if row.dose_ml is not None else "dose not recorded"]
    if row.dose_particles is not None:
        parts.append(f"{row.dose_particles:.3g} particles")
    if row.dose_protein_ug is not None:
        parts.append(f"{row.dose_protein_ug:g} µg protein")
    return "Dose: " + ", ".join(parts)
