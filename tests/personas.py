"""The cast of service-layer tests: two clinics, North and South, with a real account for every role.

North has two patients, Ada (with a patient account) and Bea; South has Cal. `world.actor(Role.X)` is the North
account of role X (South's with `clinic="south"`); `world.ada_actor` is Ada signed in to her own chart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, Patient, User
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientIn

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
STAFF = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER)


def patient_in(mrn: str, family: str = "Example", **fields: object) -> PatientIn:
    values: dict[str, object] = {
        "mrn": mrn,
        "family_name": family,
        "given_name": "Ada",
        "date_of_birth": date(1978, 5, 2),
        "sex": "female",
        "cancer_type": "breast",
        "cancer_stage": "IIA",
    }
    return PatientIn.model_validate(values | fields)


class World:
    def __init__(self, session: Session, *, at: datetime = NOW) -> None:
        self.session = session
        self.north = accounts.create_clinic(session, "North", at=at)
        self.south = accounts.create_clinic(session, "South", at=at)
        self.users: dict[tuple[str, Role], User] = {}
        for clinic in (self.north, self.south):
            for role in STAFF:
                self.users[(clinic.name, role)] = accounts.create_user(
                    session,
                    clinic,
                    email=f"{role.value}@{clinic.name.lower()}.test",
                    display_name=role.value,
                    role=role.value,
                    at=at,
                )
        coordinator = self.actor(Role.COORDINATOR)
        self.ada = patients.register_patient(session, coordinator, patient_in("N-1", "Able"), at=at)
        self.bea = patients.register_patient(session, coordinator, patient_in("N-2", "Baker", given_name="Bea"), at=at)
        self.cal = patients.register_patient(
            session, self.actor(Role.COORDINATOR, clinic="south"), patient_in("S-1", "Carter", given_name="Cal"), at=at
        )
        self.ada_user = self._patient_account(self.north, self.ada)
        self.bea_user = self._patient_account(self.north, self.bea)

    def _patient_account(self, clinic: Clinic, patient: Patient) -> User:
        return accounts.create_user(
            self.session,
            clinic,
            email=f"{patient.mrn.lower()}@patients.test",
            display_name=patient.given_name,
            role="patient",
            patient_id=patient.id,
            at=NOW,
        )

    def actor(self, role: Role, *, clinic: str = "north") -> Actor:
        if role is Role.PATIENT:
            return self.ada_actor
        user = self.users[("North" if clinic == "north" else "South", role)]
        return Actor(user.id, user.clinic_id, role, None, "127.0.0.1")

    @property
    def ada_actor(self) -> Actor:
        return Actor(self.ada_user.id, self.north.id, Role.PATIENT, self.ada.id, "127.0.0.1")

    @property
    def bea_actor(self) -> Actor:
        return Actor(self.bea_user.id, self.north.id, Role.PATIENT, self.bea.id, "127.0.0.1")
