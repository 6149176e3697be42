"""Every model, imported here so Base.metadata knows all tables (Alembic compares against it)."""

from exohair.db.models.audit import AuditEntry
from exohair.db.models.billing import CostEstimate, PaymentPlanRecord, PaymentReceived
from exohair.db.models.clinical import AdverseEvent, Clearance, ConsentRecord, LabResult
from exohair.db.models.clinics import Clinic, ClosedDay, Site
from exohair.db.models.courses import ChemoCourse, InfusionRecord
from exohair.db.models.logins import LoginFailure
from exohair.db.models.outcomes import Assessment, AssessmentDue, QuestionnaireResponse, ScalpPhoto
from exohair.db.models.patients import Patient
from exohair.db.models.plans import PlanVersion, TherapySession
from exohair.db.models.products import ProductLot
from exohair.db.models.settings import KnowledgeRevision
from exohair.db.models.tokens import ApiToken
from exohair.db.models.users import User

__all__ = [
    "AdverseEvent",
    "ApiToken",
    "Assessment",
    "AssessmentDue",
    "AuditEntry",
    "ChemoCourse",
    "Clearance",
    "Clinic",
    "ClosedDay",
    "ConsentRecord",
    "CostEstimate",
    "InfusionRecord",
    "KnowledgeRevision",
    "LabResult",
    "LoginFailure",
    "Patient",
    "PaymentPlanRecord",
    "PaymentReceived",
    "PlanVersion",
    "ProductLot",
    "QuestionnaireResponse",
    "ScalpPhoto",
    "Site",
    "TherapySession",
    "User",
]
