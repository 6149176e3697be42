"""Exchange formats: the plan as JSON, iCalendar; FHIR and research exports later."""
