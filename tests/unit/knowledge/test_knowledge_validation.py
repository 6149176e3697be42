"""The schema's rules, each seen through the message a clinic editing its override would read."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from exohair.knowledge import KnowledgeError, load_knowledge, loader

Edit = Callable[[Any], None]


def shipped_document(name: str) -> Any:
    return yaml.safe_load((resources.files("exohair.knowledge") / "data" / name).read_text(encoding="utf-8"))


def refusal_for(tmp_path: Path, name: str, edit: Edit) -> str:
    document = shipped_document(name)
    edit(document)
    (tmp_path / name).write_text(yaml.safe_dump(document, allow_unicode=True))
    (refusal,) = load_knowledge(tmp_path).refusals
    return refusal


def first_phase(document: Any) -> Any:
    return document["regimens"][0]["phases"][0]


def test_it_refuses_an_infusion_day_outside_the_cycle(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: first_phase(d).update(infusion_days=[1, 22]))
    assert "entry 'ac' (#1): phases[0].infusion_days[1]: day 22 is outside the 21-day cycle" in refusal


def test_it_refuses_an_iv_day_that_is_not_an_infusion_day(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: first_phase(d)["agents"][0].update(days=[1, 8]))
    assert "entry 'ac' (#1): phases[0].agents[0].days[1]: IV day 8 is not one of the phase's infusion_days" in refusal


def test_it_refuses_an_agent_day_outside_the_cycle(tmp_path: Path) -> None:
    refusal = refusal_for(
        tmp_path, "regimens.yaml", lambda d: first_phase(d)["agents"][0].update(days=[30], route="PO")
    )
    assert "phases[0].agents[0].days[0]: day 30 is outside the cycle (1..21)" in refusal


def test_it_refuses_a_nadir_that_ends_before_it_starts(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: first_phase(d)["nadir"].update(start_day=15))
    assert "entry 'ac' (#1): phases[0].nadir: start_day (15) is after end_day (14)" in refusal


def test_it_refuses_a_regimen_with_only_maintenance_phases(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: first_phase(d).update(maintenance=True))
    assert "entry 'ac' (#1): phases: needs at least one phase that is not maintenance" in refusal


def test_it_refuses_a_synonym_that_names_another_regimen(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: d["regimens"][1]["synonyms"].append("A.C."))
    assert "entry 'dd-ac' (#2): synonyms[2]: 'A.C.' already names entry 'ac'" in refusal


def test_it_refuses_a_probability_above_one(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "regimens.yaml", lambda d: d["regimens"][0]["p_grade2"].update(value=94))
    assert "entry 'ac' (#1): p_grade2.value: Input should be less than or equal to 1" in refusal


def test_it_refuses_an_evidence_tag_outside_v_v2_r_d(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "agents.yaml", lambda d: d["agents"][0]["cia_risk"].update(evidence="A"))
    assert "agents.yaml: entry 'doxorubicin' (#1): cia_risk.evidence: Input should be 'V', 'V2', 'R' or 'D'" in refusal


def test_it_refuses_a_value_without_a_source(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "agents.yaml", lambda d: d["agents"][3]["incidence"].update(source="  "))
    assert "entry 'docetaxel' (#4): incidence.source: String should have at least 1 character" in refusal


def test_it_refuses_a_version_written_as_a_bare_date(tmp_path: Path) -> None:
    (tmp_path / "tariffs.yaml").write_text(
        (resources.files("exohair.knowledge") / "data" / "tariffs.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "2026-11-24.1"', "version: 2026-11-24")
    )
    (refusal,) = load_knowledge(tmp_path).refusals
    assert "tariffs.yaml: version: Input should be a valid string" in refusal


def test_it_refuses_a_protocol_that_does_not_say_investigational(tmp_path: Path) -> None:
    refusal = refusal_for(
        tmp_path, "protocols.yaml", lambda d: d["protocols"][0].update(description="Restores hair after chemo.")
    )
    assert (
        "protocols.yaml: entry 'priming-regrowth' (#1): description: must say that exosome therapy is investigational"
    ) in refusal


def test_it_refuses_a_session_target_outside_its_window(tmp_path: Path) -> None:
    refusal = refusal_for(
        tmp_path, "protocols.yaml", lambda d: d["protocols"][2]["sessions"][0].update(target_offset_days=40)
    )
    assert "entry 'regrowth-only' (#3): sessions[0]: the target (40) must lie within earliest..latest" in refusal


def test_it_refuses_a_caution_for_a_condition_intake_does_not_record(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "protocols.yaml", lambda d: d["adjuncts"][2]["cautions"][0].update(code="chilly"))
    assert "entry 'scalp-cooling' (adjuncts #3): cautions[0].code: 'chilly' is not a patient factor" in refusal


def test_it_refuses_gates_without_a_required_contraindication(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "gates.yaml", lambda d: d["contraindications"].pop(1))
    assert "gates.yaml: contraindications: missing required code(s): scalp_metastases" in refusal


def test_it_refuses_a_negative_lab_threshold(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "gates.yaml", lambda d: d["lab_thresholds"][0].update(value=-1))
    assert "gates.yaml: entry 'anc_low' (lab_thresholds #1): value: Input should be greater than 0" in refusal


def test_it_refuses_cooling_tiers_with_a_gap(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "tariffs.yaml", lambda d: d["scalp_cooling"]["tiers"][1].update(first=3))
    assert "entry 'scalp_cooling': tiers: tier #2 starts at 3; expected 2 (no gaps)" in refusal


def test_it_refuses_prices_out_of_order(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "tariffs.yaml", lambda d: d["session"].update(low_cents=900000))
    assert "tariffs.yaml: entry 'session': prices must satisfy low <= expected <= high" in refusal


def test_a_broken_shipped_file_is_a_knowledge_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("agents.yaml", "regimens.yaml", "protocols.yaml", "gates.yaml", "tariffs.yaml"):
        document = shipped_document(name)
        if name == "regimens.yaml":
            document["regimens"][0]["phases"][0]["cycle_days"] = 0
        (data / name).write_text(yaml.safe_dump(document, allow_unicode=True))
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    loader._shipped_files.cache_clear()
    try:
        with pytest.raises(KnowledgeError) as raised:
            load_knowledge()
    finally:
        monkeypatch.undo()
        loader._shipped_files.cache_clear()
    assert str(raised.value) == "regimens.yaml: entry 'ac' (#1): phases[0].cycle_days: Input should be greater than 0"


def test_it_refuses_dean_bands_that_leave_a_gap(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "scales.yaml", lambda d: d["dean"][2].update(above_percent=30))
    assert "dean: score 2 must start where score 1 ends" in refusal


def test_it_refuses_a_ctcae_alopecia_grade_the_ctcae_does_not_define(tmp_path: Path) -> None:
    refusal = refusal_for(tmp_path, "scales.yaml", lambda d: d["ctcae_alopecia"][1].update(grade=3))
    assert "scales.yaml" in refusal
    assert "ctcae_alopecia" in refusal
