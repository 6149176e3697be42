"""Publishing a clinic's own protocols.yaml, tariffs.yaml or instruments.yaml from the admin pages.

A published file must load as the shipped ones do (schema, sources and evidence tags, "investigational" in
every protocol's description), and it must not rewrite history: a protocol whose definition changed needs a
higher version number (plans keep the version they were made with and find it by that number), and changed
tariffs need a new `version:` (every estimate is filed with the tariffs version it was priced at), and a changed
questionnaire instrument needs a higher version (each response names the version it answered).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, KnowledgeRevision
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.domain.protocols import Protocol
from exohair.features.audit.service import record_event
from exohair.features.clinic_settings import repository
from exohair.features.clinic_settings.knowledge import clinic_knowledge, protocol_at
from exohair.features.consent import documents
from exohair.features.questionnaires import definitions
from exohair.knowledge import CLINIC_EDITABLE, Knowledge, KnowledgeError, with_clinic_files

MAX_FILE_CHARS = 200_000  # the shipped protocols.yaml is about 12,000
CONSENT_FILE = documents.FILE_NAME
ADMIN_FILES = (*CLINIC_EDITABLE, CONSENT_FILE)


class FileRefused(InvalidInput):
    """A file that cannot be published; `problems` holds one located sentence per fault."""

    code = "knowledge_file_refused"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class FileInForce:
    name: str
    text: str
    version: str  # the file's own `version:`
    number: int  # the clinic's revision number; 0 while the base file is in force
    revisions: tuple[KnowledgeRevision, ...]  # newest first


def file_in_force(
    session: Session, actor: Actor, base: Knowledge, base_texts: dict[str, str], name: str
) -> FileInForce:
    require(actor, Permission.MANAGE_CLINIC)
    _known(name)
    history = tuple(repository.revisions(session, actor.clinic_id, name))
    number = history[0].number if history else 0
    if name == CONSENT_FILE:
        text = history[0].text if history else documents.template_text()
        clinic = session.get_one(Clinic, actor.clinic_id)
        return FileInForce(name, text, clinic.consent_document_version or documents.template().treatment.version,
                           number, history)  # fmt: skip
    text = history[0].text if history else base_texts[name]
    return FileInForce(name, text, clinic_knowledge(session, actor.clinic_id, base).versions[name], number, history)


def publish(
    session: Session,
    actor: Actor,
    base: Knowledge,
    name: str,
    text: str,
    *,
    note: str,
    seen_number: int,
    at: datetime,
) -> KnowledgeRevision:
    """File `text` as the clinic's `name` in force from now. `seen_number` is the revision the admin edited
    (0 for the base file): if someone published since, the edit is stale and nothing is written."""
    require(actor, Permission.MANAGE_CLINIC)
    _known(name)
    history = repository.revisions(session, actor.clinic_id, name)
    latest = history[0].number if history else 0
    if seen_number != latest:
        raise Conflict(
            f"{name} was published again (revision {latest}) after you opened it; nothing was saved. "
            "Your text is kept: compare it with what is in force now, then publish again.",
            code="stale_edit",
        )
    if len(text) > MAX_FILE_CHARS:
        raise FileRefused([f"your {name}: {len(text):,} characters; at most {MAX_FILE_CHARS:,}."])
    if not note.strip():
        raise InvalidInput("Say what changed and why: the note is kept with the file.", code="note_missing")
    clinic = session.get_one(Clinic, actor.clinic_id)
    if name == CONSENT_FILE:
        checked = _checked_consent(clinic, history, text)
    else:
        checked = _checked_knowledge(session, clinic, base, history, name, text)
    revision = KnowledgeRevision(
        clinic_id=actor.clinic_id, file_name=name, number=latest + 1, file_version=checked.version, text=text,
        protocol_versions=checked.protocol_versions, note=note.strip(), created_by=actor.user_id,
    )  # fmt: skip
    session.add(revision)
    session.flush()
    record_event(
        session, at=at, action="publish", record_type="knowledge_revision", record_id=str(revision.id),
        clinic_id=actor.clinic_id, actor_id=actor.user_id, source=actor.source,
        changes={"file": name, "number": revision.number,
                 "version": [checked.version_before, revision.file_version], "note": revision.note},
    )  # fmt: skip
    if name in CLINIC_EDITABLE:  # the knowledge in force changes: workers' cached copies are stale from now
        clinic.knowledge_revision += 1
        session.flush()
    if name == CONSENT_FILE and clinic.consent_document_version != checked.version:
        # The gate compares each treatment consent with this: earlier treatment versions are outdated from now.
        before, clinic.consent_document_version = clinic.consent_document_version, checked.version
        session.flush()
        record_event(
            session, at=at, action="update", record_type="clinic", record_id=str(clinic.id), clinic_id=clinic.id,
            actor_id=actor.user_id, source=actor.source,
            changes={"consent_document_version": [before, checked.version]},
        )  # fmt: skip
    return revision


@dataclass(frozen=True, slots=True)
class _Checked:
    version: str  # the file's version (for consent.yaml, the treatment document's)
    version_before: str
    protocol_versions: dict[str, int]


def _checked_knowledge(
    session: Session, clinic: Clinic, base: Knowledge, history: list[KnowledgeRevision], name: str, text: str
) -> _Checked:
    current = clinic_knowledge(session, clinic.id, base)
    try:
        proposed = with_clinic_files(current, {name: text})
    except KnowledgeError as error:
        raise FileRefused(error.problems) from None
    if _same(name, current, proposed):
        raise InvalidInput(f"Nothing to publish: this {name} says what is in force already.", code="unchanged")
    if name == "protocols.yaml":
        problems = _protocol_problems(session, clinic.id, current, proposed)
    elif name == definitions.FILE_NAME:
        problems = definitions.version_problems(session, clinic.id, current, proposed)
    else:
        problems = _tariff_problems(clinic, current, proposed, history)
    if problems:
        raise FileRefused(problems)
    versions = {p.id: p.version for p in proposed.protocols} if name == "protocols.yaml" else {}
    return _Checked(proposed.versions[name], current.versions[name], versions)


def _checked_consent(clinic: Clinic, history: list[KnowledgeRevision], text: str) -> _Checked:
    try:
        proposed = documents.parse_documents(text)
    except documents.DocumentsRefused as refused:
        raise FileRefused(refused.problems) from None
    current = documents.documents_in_force(clinic, history[0].text if history else None)
    if current == proposed:
        raise InvalidInput(f"Nothing to publish: this {CONSENT_FILE} says what is in force already.", code="unchanged")
    problems = []
    for scope in documents.SCOPES:
        before, after = (current.of(scope) if current else None), proposed.of(scope)
        if before is not None and after != before and after.version == before.version:
            problems.append(
                f'your {CONSENT_FILE}: {scope}: the document changed but keeps version "{after.version}"; give '
                "it a new version, because every signature names the version signed."
            )
    if problems:
        raise FileRefused(problems)
    before_version = current.treatment.version if current else (clinic.consent_document_version or "")
    return _Checked(proposed.treatment.version, before_version, {})


def _same(name: str, current: Knowledge, proposed: Knowledge) -> bool:
    if current.versions[name] != proposed.versions[name]:
        return False
    if name == "protocols.yaml":
        return current.protocols == proposed.protocols and current.adjuncts == proposed.adjuncts
    if name == definitions.FILE_NAME:
        return current.instruments == proposed.instruments
    return current.tariffs == proposed.tariffs


def _known(name: str) -> None:
    if name not in ADMIN_FILES:
        raise InvalidInput(f"A clinic edits only {', '.join(ADMIN_FILES)} here.", code="not_editable")


def _protocol_problems(session: Session, clinic_id: uuid.UUID, current: Knowledge, proposed: Knowledge) -> list[str]:
    problems: list[str] = []
    in_force = {p.id: p for p in current.protocols}
    for protocol in proposed.protocols:
        before = in_force.get(protocol.id)
        if before is not None and protocol.version < before.version:
            problems.append(
                f"protocol '{protocol.id}': version {protocol.version} is older than the {before.version} in "
                "force; versions only go up."
            )
            continue
        try:  # the definition this (id, version) already has, if any: in force, published before, or shipped
            earlier: Protocol | None = protocol_at(session, current, clinic_id, protocol.id, protocol.version)
        except NotFound:  # a version number not used before
            earlier = None
        if earlier is not None and earlier != protocol:
            problems.append(
                f"protocol '{protocol.id}' changed but keeps version {protocol.version}, which plans already "
                f"use; give it version {max(protocol.version, before.version if before else 0) + 1}."
            )
    in_use = repository.adjuncts_in_current_plans(session, clinic_id)
    offered = {a.id for a in proposed.adjuncts}
    for adjunct, plans in sorted(in_use.items()):
        if adjunct not in offered:
            problems.append(f"adjunct '{adjunct}' is in {plans} current plan(s); it cannot be removed.")
    return problems


def _tariff_problems(
    clinic: Clinic, current: Knowledge, proposed: Knowledge, history: list[KnowledgeRevision]
) -> list[str]:
    problems: list[str] = []
    if proposed.tariffs.currency != clinic.currency:
        problems.append(
            f"your tariffs.yaml: currency: {proposed.tariffs.currency} is not the clinic's currency "
            f"({clinic.currency}); payments and estimates are kept in {clinic.currency}."
        )
    version = proposed.versions["tariffs.yaml"]
    if proposed.tariffs != current.tariffs and version == current.versions["tariffs.yaml"]:
        problems.append(
            f'your tariffs.yaml: the prices changed but version: is still "{version}"; give it a new version, '
            "because every estimate is filed with the version it was priced at."
        )
    elif version != current.versions["tariffs.yaml"] and any(r.file_version == version for r in history):
        problems.append(f'your tariffs.yaml: version "{version}" was published before; give it a new one.')
    return problems
