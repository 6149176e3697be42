"""The cast of service-layer tests: two clinics, North and South, with a real account for every role.

North has two patients, Ada (with a patient account) and Bea; South has Cal. `world.actor(Role.X)` is the North
account of role X (South's with `clinic="south"`); `world.ada_actor` is Ada signed in to her own chart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from exohair.db.models import Clearance, Clinic, Patient, ProductLot, User
from exohair.domain.access import Actor, Role
from exohair.features.accounts import service as accounts
from exohair.features.clearances import service as clearances
from exohair.features.clearances.schemas import ClearanceSign
from exohair.features.consent import service as consent
from exohair.features.consent.schemas import ConsentIn
from exohair.features.labs import service as labs
from exohair.features.labs.schemas import LabsIn
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientIn
from exohair.features.products import service as products
from exohair.features.products.schemas import LotIn

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


def ready_for_sessions(session: Session, world: World, *, on: date) -> tuple[Clearance, ProductLot]:
    """Everything the gate needs for Ada: signed clearance, treatment consent, fresh labs, a lot in stock."""
    requested = clearances.request_clearance(session, world.actor(Role.COORDINATOR), world.ada.id, at=NOW)
    clearance = clearances.sign_clearance(
        session, world.actor(Role.ONCOLOGIST), requested.id,
        ClearanceSign(version=requested.version, signed_on=NOW.date(), expires_on=NOW.date() + timedelta(days=365)),
        at=NOW,
    )  # fmt: skip
    consent.record_consent(
        session, world.actor(Role.CLINICIAN), world.ada.id,
        ConsentIn(scope="treatment", document_version="2027-01", signed_by="Ada Able",
                  signed_at=NOW),
        at=NOW,
    )  # fmt: skip
    taken = datetime.combine(on - timedelta(days=1), datetime.min.time(), tzinfo=NOW.tzinfo)
    labs.record_labs(
        session, world.actor(Role.CLINICIAN), world.ada.id,
        LabsIn(taken_at=min(taken, NOW), anc_per_ul=2500, platelets_per_ul=250_000, hb_g_dl=12.5, inr=1.0),
        at=NOW,
    )  # fmt: skip
    lot = products.add_lot(
        session, world.actor(Role.CLINICIAN),
        LotIn(product="ExoDerm", source_cells="adipose-derived MSC", manufacturer="Acme Bio", lot_number="L-001",
              expires_on=date(2028, 1, 1), regulatory_reference="REF-1", stock_on_hand=5, particles_per_ml=1e9),
        at=NOW,
    )  # fmt: skip
    return clearance, lot
