"""FHIR R4: export of a patient's episode (service.py), and import of a patient and her chemotherapy from a Bundle
(importing.py, restoring.py)."""
