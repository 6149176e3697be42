"""Consent in the patient portal: the documents in force, where the patient stands on each, signing and
withdrawing. Everything goes through the consent service, so the patient's own record only, and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, ConsentRecord
from exohair.domain.access import Actor
from exohair.domain.errors import Conflict, InvalidInput
from exohair.features.clinic_settings.repository import published_text
from exohair.features.consent import service
from exohair.features.consent.documents import FILE_NAME, SCOPES, ConsentDocument, ConsentDocuments, documents_in_force
from exohair.features.consent.schemas import ConsentIn

MAX_NAME = 200  # as ConsentIn.signed_by


@dataclass(frozen=True, slots=True)
class ScopeStanding:
    scope: str
    document: ConsentDocument | None  # None: the clinic's form is on paper
    signed: ConsentRecord | None  # the latest signature of this scope, withdrawn or not: her last word counts
    current: bool  # signed on the version in force, and not withdrawn

    @property
    def active(self) -> bool:
        return self.signed is not None and self.signed.withdrawn_at is None

    @property
    def to_sign(self) -> bool:
        return self.document is not None and not self.current


@dataclass(frozen=True, slots=True)
class MyConsent:
    documents: ConsentDocuments | None
    scopes: tuple[ScopeStanding, ...]


def in_force(session: Session, clinic_id: uuid.UUID) -> ConsentDocuments | None:
    clinic = session.get_one(Clinic, clinic_id)
    return documents_in_force(clinic, published_text(session, clinic_id, FILE_NAME))


def my_consent(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> MyConsent:
    consents = service.list_consents(session, actor, patient_id, at=at, limit=service.MAX_PAGE)  # latest first
    documents = in_force(session, actor.clinic_id)
    standings = []
    for scope in SCOPES:
        # As the safety gate reads it (consent.repository.latest): a withdrawal of the latest signature means no
        # consent now, even if an older signature was never withdrawn.
        signed = next((c for c in consents if c.scope == scope), None)
        document = documents.of(scope) if documents else None
        current = (signed is not None and signed.withdrawn_at is None and document is not None
                   and signed.document_version == document.version)  # fmt: skip
        standings.append(ScopeStanding(scope, document, signed, current))
    return MyConsent(documents, tuple(standings))


def sign(
    session: Session, actor: Actor, patient_id: uuid.UUID, scopes: list[str], signed_by: str, *, at: datetime
) -> list[ConsentRecord]:
    """Sign the documents in force for `scopes`, now, by the name typed. One consent record per scope."""
    standing = {s.scope: s for s in my_consent(session, actor, patient_id, at=at).scopes}
    if any(s.document is None for s in standing.values()):
        raise InvalidInput("Your clinic's consent forms are on paper: please sign them at the clinic.", code="paper")
    wanted = [scope for scope in SCOPES if scope in scopes]
    if not wanted:
        raise InvalidInput("Tick each form you agree to before signing.", code="nothing_ticked")
    if already := [scope for scope in wanted if standing[scope].current]:
        raise Conflict(f"You have already signed this version of: {', '.join(already)}.", code="already_signed")
    if not signed_by.strip():
        raise InvalidInput("Type your full name to sign.", code="name_missing")
    if len(signed_by.strip()) > MAX_NAME:
        raise InvalidInput(f"A name of at most {MAX_NAME} characters, please.", code="name_too_long")
    return [
        service.record_consent(
            session, actor, patient_id,
            ConsentIn(scope=scope, document_version=standing[scope].document.version,  # type: ignore[union-attr]
                      signed_by=signed_by, signed_at=at),
            at=at,
        )
        for scope in wanted
    ]  # fmt: skip
