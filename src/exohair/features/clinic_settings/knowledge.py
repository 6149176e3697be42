"""The knowledge a clinic works with: the base files (shipped, or the operator's override directory) with the
clinic's own protocols.yaml and tariffs.yaml in force where its admin has published them.

Published files are never edited. A plan keeps the protocol version it was made with, so what the oncologist
cleared does not change under them when the clinic publishes a new version; `protocol_at` finds that version
wherever it is on file.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict

from sqlalchemy.orm import Session

from exohair.domain.errors import NotFound
from exohair.domain.protocols import Protocol
from exohair.domain.regimens import UnknownName
from exohair.features.clinic_settings import repository
from exohair.knowledge import Knowledge, KnowledgeError, shipped_knowledge, with_clinic_files

log = logging.getLogger(__name__)

_CACHE_SIZE = 64  # knowledge bases built from a clinic's files; a few clinics × a few recent revisions
_built: OrderedDict[tuple[object, ...], Knowledge] = OrderedDict()
_lock = threading.Lock()


def clinic_knowledge(session: Session, clinic_id: uuid.UUID, base: Knowledge, revision: int | None = None) -> Knowledge:
    """What `clinic_id` plans and prices with now.

    `revision` is the clinic's knowledge_revision as read in this transaction (requests read it with their token):
    with it, a clinic that never published costs nothing and a cached one nothing but a dictionary lookup.
    Without it (the CLI, tests), the clinic row is read first.
    """
    if revision is None:
        revision = repository.knowledge_revision(session, clinic_id)
    if revision == 0:
        return base
    key = (base, clinic_id, revision)
    with _lock:
        found = _built.get(key)
        if found is not None:
            _built.move_to_end(key)
            return found
    numbers = repository.latest_numbers(session, clinic_id)
    built = _build(base, clinic_id, repository.revision_texts(session, clinic_id, numbers))
    with _lock:
        _built[key] = built
        while len(_built) > _CACHE_SIZE:
            _built.popitem(last=False)
    return built


def _build(base: Knowledge, clinic_id: uuid.UUID, texts: dict[str, str]) -> Knowledge:
    knowledge = base
    for name, text in sorted(texts.items()):
        try:
            knowledge = with_clinic_files(knowledge, {name: text})
        except KnowledgeError:
            # Valid when published; a release that tightened the schema can refuse it. Planning must go on, so
            # the base file stays in force for this clinic and the admin page says so (see files_in_force).
            log.error("clinic %s: its published %s no longer loads; the base file is in force", clinic_id, name)
    return knowledge


def protocol_at(
    session: Session, knowledge: Knowledge, clinic_id: uuid.UUID, protocol_id: str, version: int
) -> Protocol:
    """The protocol `protocol_id` exactly at `version`, as a plan made with it needs it.

    In order: the clinic's knowledge in force (the common case, no query), the clinic's earlier published
    protocols.yaml files, the shipped file. Publishing refuses a changed protocol under an old version number,
    so an (id, version) pair names one definition wherever it is found.
    """
    try:
        current = knowledge.protocol(protocol_id)
    except UnknownName:
        current = None
    if current is not None and current.version == version:
        return current
    for revision_id, versions in repository.protocol_homes(session, clinic_id):
        if versions.get(protocol_id) == version:
            return _published_protocol(session, knowledge, revision_id, protocol_id)
    shipped = next((p for p in shipped_knowledge().protocols if p.id == protocol_id), None)
    if shipped is not None and shipped.version == version:
        return shipped
    raise NotFound(
        f"Protocol '{protocol_id}' version {version} is no longer on file, so this plan cannot be rebuilt as "
        "it was made. Re-plan the patient with a protocol in force.",
        code="protocol_version_missing",
    )


_published: dict[tuple[uuid.UUID, str], Protocol] = {}  # revisions never change, so neither does this


def _published_protocol(session: Session, knowledge: Knowledge, revision_id: uuid.UUID, protocol_id: str) -> Protocol:
    key = (revision_id, protocol_id)
    found = _published.get(key)
    if found is None:
        text = repository.revision_text(session, revision_id)
        found = with_clinic_files(knowledge, {"protocols.yaml": text}).protocol(protocol_id)
        _published[key] = found
    return found
