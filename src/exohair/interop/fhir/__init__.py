"""FHIR R4 (4.0.1): a patient's episode as a Bundle (bundle.py), from the records and the rebuilt plans."""
