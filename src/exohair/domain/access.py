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
    READ_PATIENT = "read_patient"
    WRITE_PATIENT = "write_patient"  # demographics, cancer, baseline hair
    MANAGE_USERS = "manage_users"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.MANAGE_USERS}),
    Role.COORDINATOR: frozenset({Permission.READ_PATIENT, Permission.WRITE_PATIENT}),
    Role.CLINICIAN: frozenset({Permission.READ_PATIENT, Permission.WRITE_PATIENT}),
    Role.ONCOLOGIST: frozenset({Permission.READ_PATIENT}),
    Role.PATIENT: frozenset({Permission.READ_PATIENT}),  # their own record only: see may_see_patient
    Role.RESEARCHER: frozenset(),  # identified records never; analytics come de-identified (issue 5)
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


def require(actor: Actor, permission: Permission) -> None:
    if permission not in ROLE_PERMISSIONS[actor.role]:
        raise Forbidden(f"A {actor.role.value} account may not {permission.value.replace('_', ' ')}.")


def may_see_patient(actor: Actor, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
    """Same clinic, and for a patient account the patient's own record only."""
    if clinic_id != actor.clinic_id:
        return False
    return actor.role is not Role.PATIENT or actor.patient_id == patient_id
