"""FHIR R4 (4.0.1): a patient's episode as a Bundle (bundle.py), from the records and the rebuilt plans; and a
Bundle read for import (import_read.py: reading, read_chart, read_care, drugs)."""
