"""Questionnaire responses through the service layer: a patient answers for herself and a clinician for a
patient, answers that do not fit are refused naming the item, others' charts are refused as missing, every
response is audited naming the patient; and a clinic's own instruments.yaml, published by its admin, never
changes what an earlier response answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry, QuestionnaireResponse
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.domain.instruments import AnswersRefused
from exohair.features.clinic_settings.knowledge import clinic_knowledge
from exohair.features.clinic_settings.publishing import FileRefused, publish
from exohair.features.questionnaires import service
from exohair.features.questionnaires.definitions import instrument_at
from exohair.features.questionnaires.schemas import ResponseIn
from exohair.knowledge import load_knowledge, shipped_knowledge, with_clinic_files
from personas import NOW, World

BASE = shipped_knowledge()
TEXT = load_knowledge().texts["instruments.yaml"]
TODAY = NOW.date()
CHECK = {"shedding": "2", "scalp": "1", "upset": "3", "looks": "2", "avoiding": "0", "covered": False,
         "note": "Shedding on the pillow"}  # fmt: skip
OPTIONAL_ONLY = """version: "t"
instruments:
  - {id: notes, version: 1, title: Notes, description: A note, licence: Ours, source: "D: test", evidence: D,
     items: [{link_id: note, text: "Anything else?", type: text}]}
"""
SHEDDING_V1 = "      - link_id: shedding\n        text: Over the past week, how much hair have you seen falling out"


@pytest.fixture
def world(db_session):
    return World(db_session)


def _answer(db_session, actor, patient, answers=None, knowledge=BASE, **fields):
    data = ResponseIn(instrument_id=fields.pop("instrument_id", "hair-check"), answers=answers or CHECK, **fields)
    return service.record_response(db_session, actor, patient.id, data, knowledge, at=NOW)


def test_a_patient_answers_for_herself_and_the_response_keeps_its_scores(db_session, world):
    row = _answer(db_session, world.ada_actor, world.ada)
    assert (row.source, row.answered_on, row.instrument_id, row.instrument_version) == ("patient", TODAY,
                                                                                        "hair-check", 1)  # fmt: skip
    assert row.answers == CHECK
    scores = {s["id"]: (s["value"], s["range"]) for s in row.scores}
    assert scores == {"hair-and-scalp": (3, [0, 4 + 4]), "feelings": (pytest.approx(5 / 3), [0, 4])}
    db_session.commit()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(row.id))).one()
    assert (entry.action, entry.changes["patient_id"]) == ("create", str(world.ada.id))
    assert "Shedding on the pillow" not in str(entry.changes), "free text stays out of the audit trail"
    assert entry.changes["answers"][1]["shedding"] == "2"


def test_staff_read_what_the_rules_allow_and_outsiders_get_nothing(db_session, world):
    by_clinician = _answer(db_session, world.actor(Role.CLINICIAN), world.ada, {"hair-lost": 40},
                           instrument_id="hair-loss-rating", answered_on=TODAY - timedelta(days=3))  # fmt: skip
    assert by_clinician.source == "clinician"
    assert by_clinician.scores[0]["band"] == "Dean 2: more than 25% up to 50% lost"
    _answer(db_session, world.ada_actor, world.ada)
    for role in (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST):
        found = service.list_responses(db_session, world.actor(role), world.ada.id, at=NOW)
        assert [r.instrument_id for r in found] == ["hair-check", "hair-loss-rating"]  # latest first
    for role in (Role.COORDINATOR, Role.ONCOLOGIST, Role.ADMIN, Role.RESEARCHER):
        with pytest.raises(Forbidden):
            _answer(db_session, world.actor(role), world.ada)
    with pytest.raises(NotFound):  # Bea's chart does not exist for Ada, nor Ada's for South
        service.list_responses(db_session, world.ada_actor, world.bea.id, at=NOW)
    with pytest.raises(NotFound):
        _answer(db_session, world.actor(Role.CLINICIAN, clinic="south"), world.ada)


def test_answers_that_do_not_fit_are_refused_naming_each_item_and_nothing_is_filed(db_session, world):
    with pytest.raises(AnswersRefused) as refused:
        _answer(db_session, world.ada_actor, world.ada, {"scalp": "9", "covered": "maybe"})
    assert [link_id for link_id, _ in refused.value.problems] == ["shedding", "scalp", "covered"]
    with pytest.raises(InvalidInput) as unknown:
        _answer(db_session, world.ada_actor, world.ada, instrument_id="cads")
    assert unknown.value.code == "unknown_instrument"
    assert "in force: hair-check, hair-loss-rating" in unknown.value.message
    with pytest.raises(InvalidInput, match="has not come yet"):
        _answer(db_session, world.ada_actor, world.ada, answered_on=TODAY + timedelta(days=1))
    optional = with_clinic_files(BASE, {"instruments.yaml": OPTIONAL_ONLY})
    with pytest.raises(InvalidInput, match="Answer at least one question"):
        _answer(db_session, world.ada_actor, world.ada, {"note": "  "}, optional, instrument_id="notes")
    assert db_session.scalars(select(QuestionnaireResponse)).all() == []


def _publish(db_session, world, text, *, seen=0):
    admin = world.actor(Role.ADMIN)
    return publish(db_session, admin, BASE, "instruments.yaml", text, note="Our wording", seen_number=seen, at=NOW)


def test_a_changed_instrument_needs_a_higher_version_and_old_responses_keep_theirs(db_session, world):
    earlier = _answer(db_session, world.ada_actor, world.ada)
    reworded = TEXT.replace(SHEDDING_V1, SHEDDING_V1.replace("how much hair", "how much of your hair"))
    assert reworded != TEXT
    with pytest.raises(FileRefused) as refused:
        _publish(db_session, world, reworded)
    assert refused.value.problems == (
        "your instruments.yaml: instrument 'hair-check' changed but keeps version 1, which responses may already "
        "name; give it version 2.",
    )
    _publish(
        db_session, world, reworded.replace("  - id: hair-check\n    version: 1", "  - id: hair-check\n    version: 2")
    )
    knowledge = clinic_knowledge(db_session, world.north.id, BASE)
    assert knowledge.instrument("hair-check").version == 2
    assert clinic_knowledge(db_session, world.south.id, BASE).instrument("hair-check").version == 1
    with pytest.raises(Conflict) as stale:  # a form still showing version 1
        _answer(db_session, world.ada_actor, world.ada, knowledge=knowledge, instrument_version=1)
    assert stale.value.code == "instrument_changed"
    later = _answer(db_session, world.ada_actor, world.ada, knowledge=knowledge, instrument_version=2)
    assert (earlier.instrument_version, later.instrument_version) == (1, 2)
    first = instrument_at(db_session, knowledge, world.north.id, "hair-check", 1)
    assert first is not None
    assert first.items[0].text.startswith("Over the past week, how much hair have you seen")  # as it was answered


def test_a_broken_file_is_refused_with_located_sentences_and_a_lower_version_too(db_session, world):
    with pytest.raises(FileRefused) as broken:
        _publish(db_session, world, TEXT.replace("type: boolean", "type: yes-no"))
    assert broken.value.problems[0].startswith("your instruments.yaml: entry 'hair-check' (#1): items[5].type:")
    _publish(
        db_session, world, TEXT.replace("  - id: hair-check\n    version: 1", "  - id: hair-check\n    version: 3")
    )
    with pytest.raises(FileRefused, match="version 2 is older than the 3 in force; versions only go up"):
        _publish(db_session, world, TEXT.replace("  - id: hair-check\n    version: 1",
                                                 "  - id: hair-check\n    version: 2"), seen=1)  # fmt: skip
