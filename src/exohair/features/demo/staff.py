"""The demo clinic and its people: one account for every role, with fixed passwords that are DEMO ONLY.

The passwords follow one published pattern (demo-<role>-only) and are printed by `exohair demo load`, so anyone
can sign in to a demo database — and therefore anyone could sign in to a real database that was loaded with
the demo. The demo is for trying the product, never for patients' records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, User
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts

CLINIC_NAME = "exohair Demo Clinic"
EMAIL_DOMAIN = "demo.exohair.example"  # .example is reserved (RFC 2606): no mail can ever reach it
# DEMO ONLY. Twelve characters or more, as every account needs.
PASSWORDS: dict[Role, str] = {role: f"demo-{role.value}-only" for role in Role}


@dataclass(frozen=True, slots=True)
class Login:
    email: str
    role: Role
    password: str
    name: str


# Two clinicians and two oncologists, so the trail shows who did what; one of each other role.
_STAFF = (
    ("admin", Role.ADMIN, "Sam Admin"),
    ("coordinator", Role.COORDINATOR, "Jo Coordinator"),
    ("clinician", Role.CLINICIAN, "Dr Maya Chen"),
    ("clinician2", Role.CLINICIAN, "Dr Tom Adeyemi"),
    ("oncologist", Role.ONCOLOGIST, "Dr Ruth Lindqvist"),
    ("oncologist2", Role.ONCOLOGIST, "Dr Omar Haddad"),
    ("researcher", Role.RESEARCHER, "Lee Researcher"),
)


@dataclass(frozen=True, slots=True)
class Staff:
    clinic: Clinic
    admin: Actor
    coordinator: Actor
    clinicians: tuple[Actor, ...]
    oncologists: tuple[Actor, ...]
    logins: tuple[Login, ...]


def open_clinic(session: Session, *, at: datetime, timezone: str, currency: str) -> Staff:
    """Create the demo clinic and hire its staff, at the clinic's founding instant `at`."""
    clinic = accounts.create_clinic(session, CLINIC_NAME, at=at, timezone=timezone, currency=currency)
    actors: dict[str, Actor] = {}
    logins: list[Login] = []
    for handle, role, name in _STAFF:
        email = f"{handle}@{EMAIL_DOMAIN}"
        user = accounts.create_user(
            session, clinic, email=email, display_name=name, role=role.value, at=at, password=PASSWORDS[role]
        )
        actors[handle] = _actor(user, role)
        logins.append(Login(email, role, PASSWORDS[role], name))
    return Staff(
        clinic=clinic,
        admin=actors["admin"],
        coordinator=actors["coordinator"],
        clinicians=(actors["clinician"], actors["clinician2"]),
        oncologists=(actors["oncologist"], actors["oncologist2"]),
        logins=tuple(logins),
    )


def open_portal(
    session: Session, staff: Staff, patient_id: uuid.UUID, handle: str, name: str, *, at: datetime
) -> Login:
    """A patient's portal account, created by the admin the day the patient joins."""
    email = f"{handle}@{EMAIL_DOMAIN}"
    password = PASSWORDS[Role.PATIENT]
    accounts.create_user(
        session, staff.clinic, email=email, display_name=name, role=Role.PATIENT.value, at=at, password=password,
        patient_id=patient_id, actor_id=staff.admin.user_id,
    )  # fmt: skip
    return Login(email, Role.PATIENT, password, name)


def _actor(user: User, role: Role) -> Actor:
    # "demo" as the source marks every audit entry of the demo history as made by the loader, not at a desk.
    return Actor(user.id, user.clinic_id, role, None, "demo")
