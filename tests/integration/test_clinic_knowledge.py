"""A clinic's own protocols and tariffs, published by its admin: validated like the shipped files, never
rewriting a version plans already use, and in force for that clinic only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from exohair.db.models import AuditEntry, KnowledgeRevision
from exohair.domain.access import Forbidden, Role
from exohair.domain.errors import Conflict, InvalidInput
from exohair.features.billing import service as billing
from exohair.features.clinic_settings.knowledge import clinic_knowledge
from exohair.features.clinic_settings.publishing import FileRefused, file_in_force, publish
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn, PlanChangeIn
from exohair.features.plans import service as plans
from exohair.knowledge import load_knowledge, shipped_knowledge
from personas import NOW, World

BASE = shipped_knowledge()
TEXTS = dict(load_knowledge().texts)
FIRST_INFUSION = date(2027, 3, 15)
IN_CYCLE_V1 = "        target_offset_days: -3\n        earliest_offset_days: -5"
IN_CYCLE_V2 = "        target_offset_days: -5\n        earliest_offset_days: -5"
FULL_V1 = "  - id: priming-in-cycle-regrowth\n    name: Priming + in-cycle + regrowth\n" \
    "    synonyms: [priming in-cycle and regrowth, full]\n    version: 1"  # fmt: skip


def _protocols(*, version: int, in_cycle: str = IN_CYCLE_V2) -> str:
    text = TEXTS["protocols.yaml"].replace(IN_CYCLE_V1, in_cycle)
    return text.replace(FULL_V1, FULL_V1[: -len("1")] + str(version))


def _tariffs(*, session_cents: int, version: str, currency: str = "USD") -> str:
    text = TEXTS["tariffs.yaml"].replace("expected_cents: 200000", f"expected_cents: {session_cents}", 1)
    text = text.replace('version: "2026-11-24.1"', f'version: "{version}"')
    return text.replace("currency: USD", f"currency: {currency}")


@pytest.fixture
def world(db_session):
    return World(db_session)


def _admin(world, clinic="north"):
    return world.actor(Role.ADMIN, clinic=clinic)


def _publish(db_session, world, name, text, *, seen=0, note="Our own schedule", clinic="north"):
    return publish(db_session, _admin(world, clinic), BASE, name, text, note=note, seen_number=seen, at=NOW)


def _knowledge(db_session, world):
    """The knowledge North's requests see (as ctx.knowledge computes it)."""
    return clinic_knowledge(db_session, world.north.id, BASE)


def _in_cycle_days(db_session, world, patient):
    knowledge = _knowledge(db_session, world)
    stored = plans.current_plan(db_session, world.actor(Role.COORDINATOR), patient.id, knowledge, at=NOW)
    return stored.version.protocol_version, [s.date for s in stored.full.plan.sessions if s.kind.value == "in_cycle"]


def test_a_plan_keeps_its_protocol_version_when_the_clinic_publishes_a_new_one(db_session, world):
    start = CourseIn(regimen="AC-T", first_infusion=FIRST_INFUSION, protocol="priming-in-cycle-regrowth")
    coordinator = world.actor(Role.COORDINATOR)
    started = courses.start_course(db_session, coordinator, world.ada.id, start, _knowledge(db_session, world), at=NOW)
    version_1, days_1 = _in_cycle_days(db_session, world, world.ada)
    assert version_1 == 1
    assert days_1, "AC-T has in-cycle sessions"

    _publish(db_session, world, "protocols.yaml", _protocols(version=2))
    knowledge = _knowledge(db_session, world)
    assert knowledge.protocol("priming-in-cycle-regrowth").version == 2
    assert _in_cycle_days(db_session, world, world.ada) == (1, days_1), "a signed plan did not change"

    # A delay re-anchors the plan with the version it was made with, not the one published since.
    delay = InfusionRecordIn(version=started.course.version, cycle=2, delay_days=7, reason="ANC 900")
    replanned = courses.record_infusion(db_session, coordinator, started.course.id, delay, knowledge, at=NOW)
    assert (replanned.version.number, replanned.version.protocol_version) == (2, 1)

    # A new patient's plan, and a deliberate change of protocol, use what is in force now: 2 days earlier in cycle.
    courses.start_course(db_session, coordinator, world.bea.id, start.model_copy(), knowledge, at=NOW)
    version_2, days_2 = _in_cycle_days(db_session, world, world.bea)
    assert version_2 == 2
    assert all((b - a).days == -2 for a, b in zip(days_1, days_2, strict=True)), (days_1, days_2)
    change = PlanChangeIn(protocol="priming-in-cycle-regrowth", reason="Move to the clinic's version 2")
    changed = courses.change_plan(db_session, coordinator, world.ada.id, change, knowledge, at=NOW)
    assert changed.version.protocol_version == 2


def test_a_changed_protocol_must_take_a_new_version_number(db_session, world):
    with pytest.raises(FileRefused) as refused:
        _publish(db_session, world, "protocols.yaml", _protocols(version=1))
    assert refused.value.problems == (
        "protocol 'priming-in-cycle-regrowth' changed but keeps version 1, which plans already use; give it version 2.",
    )
    _publish(db_session, world, "protocols.yaml", _protocols(version=2))
    # Version 2 is now taken: a different definition cannot reuse it, and versions never go down.
    with pytest.raises(FileRefused, match="keeps version 2"):
        _publish(db_session, world, "protocols.yaml", _protocols(version=2, in_cycle=IN_CYCLE_V1), seen=1)
    with pytest.raises(FileRefused, match="version 1 is older than the 2 in force"):
        _publish(db_session, world, "protocols.yaml", TEXTS["protocols.yaml"], seen=1)
    # Going back to the old schedule is a new version too.
    _publish(db_session, world, "protocols.yaml", _protocols(version=3, in_cycle=IN_CYCLE_V1), seen=1)
    assert _knowledge(db_session, world).protocol("full").version == 3


def test_a_file_that_does_not_load_is_refused_with_where_and_nothing_is_written(db_session, world):
    cases = {
        "key: [unclosed": "your protocols.yaml: line 1",
        _protocols(version=2).replace("Exosome scalp therapy is investigational", "Exosome scalp therapy works", 1):
            "must say that exosome therapy is investigational",
        _protocols(version=2).replace("target_offset_days: -5", "target_offset_days: -9"):
            "must lie within earliest..latest",
    }  # fmt: skip
    for text, expected in cases.items():
        with pytest.raises(FileRefused) as refused:
            _publish(db_session, world, "protocols.yaml", text)
        assert any(expected in problem for problem in refused.value.problems), refused.value.problems
    assert db_session.scalars(select(KnowledgeRevision)).all() == []
    with pytest.raises(InvalidInput, match="Nothing to publish"):
        _publish(db_session, world, "protocols.yaml", TEXTS["protocols.yaml"] + "\n# a comment\n")
    with pytest.raises(InvalidInput, match="Say what changed"):
        _publish(db_session, world, "protocols.yaml", _protocols(version=2), note="  ")


def test_a_stale_edit_is_refused_and_the_newer_file_stays(db_session, world):
    _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=150000, version="north-1"))
    with pytest.raises(Conflict) as stale:  # a second admin edited the base file, opened before the first saved
        _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=250000, version="north-2"), seen=0)
    assert stale.value.code == "stale_edit"
    assert _knowledge(db_session, world).tariffs.session.expected_cents == 150000


def test_new_tariffs_price_new_estimates_of_that_clinic_only(db_session, world):
    start = CourseIn(regimen="AC-T", first_infusion=FIRST_INFUSION, protocol="priming-regrowth")
    coordinator = world.actor(Role.COORDINATOR)
    courses.start_course(db_session, coordinator, world.ada.id, start, BASE, at=NOW)
    before = billing.estimate_current_plan(
        db_session, coordinator, world.ada.id, BASE, tariffs_version=billing.tariffs_version(BASE), at=NOW
    )
    with pytest.raises(FileRefused, match="version: is still"):
        _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=150000, version="2026-11-24.1"))
    with pytest.raises(FileRefused, match="not the clinic's currency"):
        _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=150000, version="n-1", currency="EUR"))
    _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=150000, version="north-1"))
    knowledge = _knowledge(db_session, world)
    after = billing.estimate_current_plan(
        db_session, coordinator, world.ada.id, knowledge, tariffs_version=billing.tariffs_version(knowledge), at=NOW
    )
    sessions = 5  # two priming, three regrowth
    assert before.expected_cents - after.expected_cents == sessions * (200000 - 150000)
    assert (before.tariffs_version, after.tariffs_version) == ("2026-11-24.1", "north-1")
    assert clinic_knowledge(db_session, world.south.id, BASE) is BASE, "the other clinic keeps the base tariffs"
    # Requests read the clinic's knowledge revision with their token; a worker's cached knowledge is keyed by it.
    assert (world.north.knowledge_revision, world.south.knowledge_revision) == (1, 0)
    assert clinic_knowledge(db_session, world.north.id, BASE, 0) is BASE  # as a request that began before
    assert clinic_knowledge(db_session, world.north.id, BASE, 1).tariffs.session.expected_cents == 150000


def test_only_an_admin_publishes_and_each_publication_is_audited(db_session, world):
    for role in (Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT):
        with pytest.raises(Forbidden):
            publish(db_session, world.actor(role), BASE, "tariffs.yaml", "x", note="n", seen_number=0, at=NOW)
        with pytest.raises(Forbidden):
            file_in_force(db_session, world.actor(role), BASE, TEXTS, "tariffs.yaml")
    revision = _publish(db_session, world, "tariffs.yaml", _tariffs(session_cents=150000, version="north-1"))
    db_session.commit()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(revision.id))).one()
    assert (entry.action, entry.record_type, entry.actor_id) == ("publish", "knowledge_revision", _admin(world).user_id)
    assert entry.changes["version"] == ["2026-11-24.1", "north-1"]
    shown = file_in_force(db_session, _admin(world), BASE, TEXTS, "tariffs.yaml")
    assert (shown.number, shown.version, shown.revisions[0].note) == (1, "north-1", "Our own schedule")
    assert file_in_force(db_session, _admin(world, "south"), BASE, TEXTS, "tariffs.yaml").number == 0


def test_an_adjunct_in_current_plans_cannot_be_removed(db_session, world):
    start = CourseIn(regimen="AC-T", first_infusion=FIRST_INFUSION, protocol="priming-regrowth", adjuncts=["minoxidil"])
    courses.start_course(db_session, world.actor(Role.COORDINATOR), world.ada.id, start, BASE, at=NOW)
    text = _protocols(version=2)
    start_at = text.index("  - id: minoxidil")
    end_at = text.index("  - id: ", start_at + 1)
    with pytest.raises(FileRefused) as refused:
        _publish(db_session, world, "protocols.yaml", text[:start_at] + text[end_at:])
    assert refused.value.problems == ("adjunct 'minoxidil' is in 1 current plan(s); it cannot be removed.",)
