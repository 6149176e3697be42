"""Every model, imported here so Base.metadata knows all tables (Alembic compares against it)."""

from exohair.db.models.audit import AuditEntry
from exohair.db.models.clinics import Clinic, Site
from exohair.db.models.patients import Patient
from exohair.db.models.tokens import ApiToken
from exohair.db.models.users import User

__all__ = ["ApiToken", "AuditEntry", "Clinic", "Patient", "Site", "User"]
