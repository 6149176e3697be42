"""FHIR R4 export of a patient's episode (and, later, import of a chemotherapy from an EHR)."""
