"""Who may do what. Roles and permissions are decided here, in pure code, and enforced by every service.

A refusal never tells an outsider whether a record exists: a user of another clinic, or a patient asking for
someone else's record, gets the same answer as for a record that does not exist (NotFound). A role without
the permission at all is refused before any lookup (Forbidden), which reveals nothing either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.errors import DomainError


class Role(StrEnum):
    ADMIN = "admin"  # users, protocols, tariffs; not patient records
    COORDINATOR = "coordinator"  # patients, courses, scheduling, billing
    CLINICIAN = "clinician"  # clinical records, sessions, assessments, overrides
    ONCOLOGIST = "oncologist"  # reads; signs and revokes clearance
    PATIENT = "patient"  # only their own plan, calendar, costs, consent, self-reports
    RESEARCHER = "researcher"  # de-identified analytics only


class Permission(StrEnum):
    READ_PATIENT = "read_patient"  # identity, cancer, baseline hair
    WRITE_PATIENT = "write_patient"
    READ_PLAN = "read_plan"  # chemo course, plan and its versions, sessions, calendar
    MANAGE_COURSE = "manage_course"  # start a course, record delays and skips, (re)plan
    SCHEDULE_SESSION = "schedule_session"  # move or cancel a planned session
    PERFORM_SESSION = "perform_session"
    OVERRIDE_GATE = "override_gate"  # perform a session the safety gate refused, with a reason
    READ_CLINICAL = "read_clinical"  # labs, clearances, adverse events
    RECORD_LABS = "record_labs"
    RECORD_ADVERSE_EVENT = "record_adverse_event"
    REQUEST_CLEARANCE = "request_clearance"
    DECIDE_CLEARANCE = "decide_clearance"  # sign, decline, revoke
    READ_CONSENT = "read_consent"
    RECORD_CONSENT = "record_consent"
    READ_BILLING = "read_billing"
    MANAGE_BILLING = "manage_billing"  # estimates, payment plans, payments received
    READ_PRODUCTS = "read_products"
    MANAGE_PRODUCTS = "manage_products"  # product lots and stock
    READ_OUTCOMES = "read_outcomes"  # assessments and scalp photos
    RECORD_OUTCOMES = "record_outcomes"  # an assessment, a photo (a patient: their own self-assessment)
    MANAGE_USERS = "manage_users"
    MANAGE_CLINIC = "manage_clinic"  # closed days, consent document version
    READ_ANALYTICS = "read_analytics"  # the registry report: aggregates of patients with registry consent
    READ_RESEARCH_DATA = "read_research_data"  # the de-identified registry, one pseudonymous row per patient
    # Take in a patient's records from another system (a FHIR Bundle): her record, course and plan, and the sessions
    # and assessments already on file elsewhere, as history. Staff who keep charts; not admins (no patient records).
    IMPORT_RECORDS = "import_records"
    # Every patient's record at once (FHIR bulk export): for the roles that keep the records, not those that only
    # read them; a copy of the whole clinic is records management (an EHR feed, a move), not one patient's care.
    EXPORT_CLINIC = "export_clinic"


_P = Permission
_STAFF_READ = frozenset(
    {_P.READ_PATIENT, _P.READ_PLAN, _P.READ_CLINICAL, _P.READ_CONSENT, _P.READ_OUTCOMES, _P.READ_ANALYTICS}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({_P.MANAGE_USERS, _P.MANAGE_CLINIC, _P.READ_PRODUCTS, _P.MANAGE_PRODUCTS}),
    Role.COORDINATOR: _STAFF_READ
    | {
        _P.WRITE_PATIENT,
        _P.MANAGE_COURSE,
        _P.SCHEDULE_SESSION,
        _P.RECORD_LABS,
        _P.REQUEST_CLEARANCE,
        _P.RECORD_CONSENT,
        _P.READ_BILLING,
        _P.MANAGE_BILLING,
        _P.READ_PRODUCTS,
        _P.MANAGE_PRODUCTS,
        _P.IMPORT_RECORDS,
        _P.EXPORT_CLINIC,
    },
    Role.CLINICIAN: _STAFF_READ
    | {
        _P.WRITE_PATIENT,
        _P.MANAGE_COURSE,
        _P.SCHEDULE_SESSION,
        _P.PERFORM_SESSION,
        _P.OVERRIDE_GATE,
        _P.RECORD_LABS,
        _P.RECORD_ADVERSE_EVENT,
        _P.RECORD_OUTCOMES,
        _P.REQUEST_CLEARANCE,
        _P.RECORD_CONSENT,
        _P.READ_PRODUCTS,
        _P.MANAGE_PRODUCTS,
        _P.IMPORT_RECORDS,
        _P.EXPORT_CLINIC,
    },
    Role.ONCOLOGIST: _STAFF_READ | {_P.DECIDE_CLEARANCE},
    # Their own record only (see may_see_patient): plan, calendar, costs, consent. Not labs or clinical notes,
    # which the clinic discusses with them rather than publishes.
    # Self-reports: a patient records their own self-assessment and photos (the service limits what they may score).
    Role.PATIENT: frozenset(
        {
            _P.READ_PATIENT,
            _P.READ_PLAN,
            _P.READ_CONSENT,
            _P.RECORD_CONSENT,
            _P.READ_BILLING,
            _P.READ_OUTCOMES,
            _P.RECORD_OUTCOMES,
        }
    ),
    # Identified records never: the report's aggregates, and the registry de-identified (pseudonyms, dates
    # shifted per patient, ages in bands; features/analytics).
    Role.RESEARCHER: frozenset({_P.READ_ANALYTICS, _P.READ_RESEARCH_DATA}),
}


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in account a service acts for."""

    user_id: uuid.UUID
    clinic_id: uuid.UUID
    role: Role
    patient_id: uuid.UUID | None = None  # set for patient accounts
    source: str = "cli"  # client address, for the audit trail


def permitted(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    if not permitted(actor, permission):
        raise Forbidden(f"A {actor.role.value} account may not {permission.value.replace('_', ' ')}.")


def may_see_patient(actor: Actor, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
    """Same clinic, and for a patient account the patient's own record only."""
    if clinic_id != actor.clinic_id:
        return False
    return actor.role is not Role.PATIENT or actor.patient_id == patient_id
