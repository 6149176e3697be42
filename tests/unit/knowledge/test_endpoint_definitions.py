"""endpoints.yaml: the shipped definitions carry their sources, and a bad edit is refused where it is wrong."""

from __future__ import annotations

from pathlib import Path

from test_knowledge_validation import refusal_for

from exohair.domain.endpoints import EndpointKind
from exohair.knowledge import shipped_knowledge


def test_the_shipped_endpoints_cite_the_trials_they_come_from() -> None:
    endpoints = {e.id: e for e in shipped_knowledge().endpoints}
    assert list(endpoints) == ["preserved", "preserved_ctcae", "regrowth", "cover_free"]
    assert "Rugo" in endpoints["preserved"].basis.source
    assert endpoints["preserved"].at_most == 2
    assert "Nangia" in endpoints["preserved_ctcae"].basis.source
    assert endpoints["preserved_ctcae"].at_most == 1
    assert endpoints["regrowth"].basis.evidence.value == "D"  # our threshold: shown as needing verification
    assert endpoints["cover_free"].equals == "none"
    assert shipped_knowledge().versions["endpoints.yaml"] == "2026-11-25.1"


def test_the_primary_endpoint_is_a_yes_no_one() -> None:
    assert shipped_knowledge().endpoints[0].kind is EndpointKind.PRESERVED


def test_it_refuses_a_target_day_outside_the_window(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "endpoints.yaml", lambda d: d["endpoints"][0].update(target_days=90))
    assert "the target day must lie within earliest..latest" in refusal


def test_it_refuses_a_head_cover_endpoint_with_a_score_threshold(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "endpoints.yaml", lambda d: d["endpoints"][3].update(at_most=1))
    assert "give `at_most` for dean_score and ctcae_grade, and only for them" in refusal


def test_it_refuses_an_id_that_cannot_name_a_column(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "endpoints.yaml", lambda d: d["endpoints"][2].update(id="Time to regrowth"))
    assert "an endpoint id is lower-case letters" in refusal
