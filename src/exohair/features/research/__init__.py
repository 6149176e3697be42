"""The researcher's de-identified export: patients, courses, sessions, assessments and adverse events."""
