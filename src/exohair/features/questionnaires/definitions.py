"""Which definition an instrument had at a version, wherever it is on file, and the rule that keeps one (id,
version) naming one definition: a clinic that changes an instrument publishes it under a higher version.

A response names the instrument's id and version only (a licensed text is not copied into every record), so the
chart finds the questions it answered here: in the knowledge in force, in the clinic's earlier instruments.yaml
files, or in the file exohair shipped.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from exohair.domain.instruments import Instrument
from exohair.features.clinic_settings import repository
from exohair.knowledge import Knowledge, KnowledgeError, shipped_knowledge, with_clinic_files

log = logging.getLogger(__name__)
FILE_NAME = "instruments.yaml"
_published: dict[uuid.UUID, tuple[Instrument, ...]] = {}  # revisions never change, so neither does this


def instrument_at(
    session: Session, knowledge: Knowledge, clinic_id: uuid.UUID, instrument_id: str, version: int
) -> Instrument | None:
    """The instrument `instrument_id` exactly at `version`, or None if it is nowhere on file any more."""
    current = knowledge.instrument(instrument_id)
    if current is not None and current.version == version:
        return current
    for revision in repository.revisions(session, clinic_id, FILE_NAME):  # newest first
        found = next((i for i in _instruments_of(knowledge, revision.id, revision.text)
                      if i.id == instrument_id and i.version == version), None)  # fmt: skip
        if found is not None:
            return found
    shipped = shipped_knowledge().instrument(instrument_id)
    return shipped if shipped is not None and shipped.version == version else None


def version_problems(session: Session, clinic_id: uuid.UUID, current: Knowledge, proposed: Knowledge) -> list[str]:
    """What is wrong with publishing `proposed` instruments over `current` ones, one sentence each."""
    problems: list[str] = []
    for instrument in proposed.instruments:
        before = current.instrument(instrument.id)
        if before is not None and instrument.version < before.version:
            problems.append(
                f"your {FILE_NAME}: instrument '{instrument.id}': version {instrument.version} is older than the "
                f"{before.version} in force; versions only go up."
            )
            continue
        earlier = instrument_at(session, current, clinic_id, instrument.id, instrument.version)
        if earlier is not None and earlier != instrument:
            newest = max(instrument.version, before.version if before else 0)
            problems.append(
                f"your {FILE_NAME}: instrument '{instrument.id}' changed but keeps version {instrument.version}, "
                f"which responses may already name; give it version {newest + 1}."
            )
    return problems


def _instruments_of(knowledge: Knowledge, revision_id: uuid.UUID, text: str) -> tuple[Instrument, ...]:
    found = _published.get(revision_id)
    if found is None:
        try:
            found = with_clinic_files(knowledge, {FILE_NAME: text}).instruments
        except KnowledgeError:
            # Valid when published; a release that tightened the schema can refuse it. Its responses keep their
            # stored scores; only the questions' wording is then missing from the chart.
            log.error("revision %s: a published %s no longer loads", revision_id, FILE_NAME)
            found = ()
        _published[revision_id] = found
    return found
