"""Rows for database tests: valid by default, overridable field by field."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from exohair.db.models import Patient


def patient_row(clinic_id: uuid.UUID, mrn: str, **fields: Any) -> Patient:
    values: dict[str, Any] = {
        "family_name": "Example",
        "given_name": "Ada",
        "date_of_birth": date(1978, 5, 2),
        "sex": "female",
        "cancer_type": "breast",
    }
    return Patient(clinic_id=clinic_id, mrn=mrn, **(values | fields))
