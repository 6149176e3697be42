"""Hair assessments: dated, by a clinician or by the patient, on the scales of scales.yaml."""
