"""Looking entries up by id, name or synonym, as clinicians type them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

from exohair.domain.regimens import Named, UnknownName, find_by_name
from exohair.knowledge import shipped_knowledge

N = TypeVar("N", bound=Named)


@pytest.mark.parametrize("typed", ["ac-t", "AC → weekly paclitaxel", "AC-T", "ACT", "AC→T", "ac then t"])
def test_it_finds_a_regimen_by_id_name_and_synonym(typed: str) -> None:
    assert shipped_knowledge().regimen(typed).id == "ac-t"


@pytest.mark.parametrize(
    ("typed", "agent_id"),
    [("Adriamycin", "doxorubicin"), ("5-FU", "fluorouracil"), ("Taxotere", "docetaxel"), ("CPT-11", "irinotecan")],
)
def test_it_finds_agents_by_brand_name_and_abbreviation(typed: str, agent_id: str) -> None:
    assert shipped_knowledge().agent(typed).id == agent_id


def test_it_finds_protocols_and_adjuncts_by_synonym() -> None:
    knowledge = shipped_knowledge()
    assert knowledge.protocol("Regrowth only").id == "regrowth-only"
    assert knowledge.adjunct("cold cap").id == "scalp-cooling"
    assert knowledge.adjunct("Platelet-rich plasma").id == "prp"
    assert knowledge.adjunct("minoxidil").id == "minoxidil"


def test_tc_is_docetaxel_cyclophosphamide_not_carboplatin_paclitaxel() -> None:
    knowledge = shipped_knowledge()
    assert knowledge.regimen("TC").id == "tc"
    assert knowledge.regimen("TC x6").id == "tc-6"
    assert knowledge.regimen("paclitaxel/carboplatin").id == "carbo-pacli"


def test_an_unknown_regimen_suggests_the_closest() -> None:
    with pytest.raises(UnknownName) as raised:
        shipped_knowledge().regimen("FOLFOXX")
    assert raised.value.suggestions[0] == "folfox"
    assert "Unknown regimen 'FOLFOXX'" in raised.value.message


def test_an_unknown_agent_raises_unknown_name() -> None:
    with pytest.raises(UnknownName) as raised:
        shipped_knowledge().agent("doxorubicine")
    assert "doxorubicin" in raised.value.suggestions


def agrees_with_find_by_name(kind: str, entries: Sequence[N], lookup: Callable[[str], N]) -> bool:
    for entry in entries:
        for label in (entry.id, entry.name, *entry.synonyms, entry.name.upper()):
            assert lookup(label) is find_by_name(kind, entries, label) is entry, label
    return True


def test_the_fast_lookup_agrees_with_find_by_name_for_every_label() -> None:
    knowledge = shipped_knowledge()
    assert agrees_with_find_by_name("agent", knowledge.agents, knowledge.agent)
    assert agrees_with_find_by_name("regimen", knowledge.regimens, knowledge.regimen)
    assert agrees_with_find_by_name("protocol", knowledge.protocols, knowledge.protocol)
    assert agrees_with_find_by_name("adjunct", knowledge.adjuncts, knowledge.adjunct)
