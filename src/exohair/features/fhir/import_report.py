"""What an import did (or, previewed, would do): the answer of POST /api/v1/fhir/import and what `exohair fhir
import` prints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from exohair.domain.import_issues import EntryIssue
from exohair.domain.regimen_inference import InferredRegimen


@dataclass
class ImportReport:
    """What the import did (or, previewed, would do), for the API answer and the command's printout."""

    preview: bool
    bundle_type: str
    entries: int
    mrn: str
    patient_id: uuid.UUID | None = None
    patient_created: bool = False
    inferred: InferredRegimen | None = None
    protocol: str | None = None
    adjuncts: tuple[str, ...] = ()
    recorded: list[str] = field(default_factory=list)  # the delays and skips recorded, in words
    created: dict[str, int] = field(default_factory=dict)
    issues: list[EntryIssue] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        inferred = self.inferred
        regimen: dict[str, object] | None = None
        if inferred is not None:
            chosen = inferred.fit
            regimen = {
                "matched": inferred.matched,
                "id": chosen.regimen_id if chosen else ("custom" if inferred.custom else None),
                "name": chosen.name if chosen else (inferred.custom.name if inferred.custom else None),
                "custom": inferred.custom.as_json() if inferred.custom else None,
                "confidence": inferred.confidence,
                "confidence_label": inferred.confidence_label,
                "first_infusion": inferred.first_infusion.isoformat() if inferred.first_infusion else None,
                "evidence": list(inferred.evidence),
                "alternatives": [{"id": f.regimen_id, "name": f.name, "score": f.score} for f in inferred.alternatives],
            }
        return {
            "preview": self.preview,
            "bundle": {"type": self.bundle_type, "entries": self.entries},
            "patient": {"id": str(self.patient_id) if self.patient_id else None, "mrn": self.mrn,
                        "created": self.patient_created},
            "regimen": regimen,
            "plan": {"protocol": self.protocol, "adjuncts": list(self.adjuncts)},
            "infusions_recorded": self.recorded,
            "created": self.created,
            "issues": [issue.as_json() for issue in self.issues],
        }  # fmt: skip
