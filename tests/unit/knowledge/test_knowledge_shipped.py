"""The shipped knowledge files: present, complete, sourced, and consistent with clinical.md."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from importlib import resources

from exohair.domain.evidence import Basis, Evidence
from exohair.domain.protocols import Anchor, SessionKind
from exohair.domain.regimens import CiaRisk, Named
from exohair.domain.safety import Comparator, LabAnalyte
from exohair.knowledge import Knowledge, load_knowledge, shipped_knowledge

NAMED_AGENTS = {
    "doxorubicin", "epirubicin", "cyclophosphamide", "docetaxel", "paclitaxel", "nab-paclitaxel", "carboplatin",
    "cisplatin", "oxaliplatin", "fluorouracil", "capecitabine", "leucovorin", "methotrexate", "gemcitabine",
    "etoposide", "irinotecan", "topotecan", "ifosfamide", "vinorelbine", "vincristine", "vinblastine",
    "trastuzumab", "pertuzumab", "bevacizumab", "tamoxifen", "letrozole", "anastrozole",
}  # fmt: skip
# Every regimen of clinical.md §2b, plus TC x6 as its own entry (it crosses the docetaxel 400 mg/m2 threshold).
REFERENCE_REGIMENS = {
    "ac", "dd-ac", "ac-t", "ddac-ddt", "tc", "tc-6", "dd-tc", "tac", "fec100", "fec-d", "ec", "cmf", "apt",
    "tch", "tchp", "carbo-pacli", "folfox", "capox", "folfiri", "gem-cis", "cis-etop", "capecitabine",
}  # fmt: skip


def bases(value: object) -> Iterator[tuple[str, Basis]]:
    """Every Basis reachable from a domain object, with a readable path to it."""
    if isinstance(value, Basis):
        yield "", value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        label = getattr(value, "id", None) or getattr(value, "code", None) or type(value).__name__
        for f in dataclasses.fields(value):
            if not f.name.startswith("_"):
                for path, basis in bases(getattr(value, f.name)):
                    yield f"{label}.{f.name}{path}", basis
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            for path, basis in bases(item):
                yield f"[{index}]{path}", basis


def test_the_shipped_files_load_with_their_versions() -> None:
    loaded = load_knowledge()
    assert loaded.refusals == ()
    assert set(loaded.knowledge.versions) == {
        "agents.yaml", "regimens.yaml", "protocols.yaml", "gates.yaml", "tariffs.yaml", "risk.yaml", "scales.yaml",
        "instruments.yaml", "endpoints.yaml",
    }  # fmt: skip
    assert all(version.strip() for version in loaded.knowledge.versions.values())


def test_it_ships_at_least_25_agents_including_every_named_one() -> None:
    ids = {agent.id for agent in shipped_knowledge().agents}
    assert len(ids) >= 25
    assert ids >= NAMED_AGENTS


def test_it_ships_every_regimen_of_the_reference_table() -> None:
    ids = {regimen.id for regimen in shipped_knowledge().regimens}
    assert len(ids) >= 21
    assert ids >= REFERENCE_REGIMENS


def test_it_ships_three_protocols_and_three_adjuncts() -> None:
    knowledge = shipped_knowledge()
    assert {p.id for p in knowledge.protocols} >= {"priming-regrowth", "priming-in-cycle-regrowth", "regrowth-only"}
    assert {a.id for a in knowledge.adjuncts} == {"minoxidil", "prp", "scalp-cooling"}


def test_every_sourced_value_has_a_source_and_an_evidence_tag() -> None:
    found = list(bases(shipped_knowledge()))
    assert len(found) > 150  # every agent, regimen, phase, rule, threshold and price carries one
    for path, basis in found:
        assert basis.source.strip(), path
        assert basis.evidence in set(Evidence), path


def test_r_and_d_values_report_that_they_need_verification() -> None:
    tags = {basis.evidence: basis.needs_verification for _, basis in bases(shipped_knowledge())}
    assert tags == {Evidence.V: False, Evidence.V2: False, Evidence.R: True, Evidence.D: True}


def test_d_tagged_values_say_they_are_derived_or_defaults() -> None:
    for path, basis in bases(shipped_knowledge()):
        if basis.evidence is Evidence.D:
            assert "D:" in basis.source or "default" in basis.source, path


def test_infusion_and_agent_days_fall_inside_their_cycle() -> None:
    known = {agent.id for agent in shipped_knowledge().agents}
    for regimen in shipped_knowledge().regimens:
        assert any(not phase.maintenance for phase in regimen.phases), regimen.id
        for phase in regimen.phases:
            assert phase.cycles >= 1
            assert all(1 <= day <= phase.cycle_days for day in phase.infusion_days), regimen.id
            for dose in phase.agents:
                assert dose.agent_id in known, (regimen.id, dose.agent_id)
                assert all(1 <= day <= phase.cycle_days for day in dose.days), (regimen.id, dose.agent_id)
            if phase.nadir is not None:
                assert 1 <= phase.nadir.start_day <= phase.nadir.end_day


def test_tc_six_crosses_the_docetaxel_threshold_that_tc_four_does_not() -> None:
    knowledge = shipped_knowledge()
    assert knowledge.regimen("tc").cumulative_dose("docetaxel") == 300
    assert knowledge.regimen("tc-6").cumulative_dose("docetaxel") == 450
    assert knowledge.regimen("tac").cumulative_dose("docetaxel") == 450


def test_cmf_has_infusions_on_days_1_and_8_of_a_28_day_cycle() -> None:
    (phase,) = shipped_knowledge().regimen("cmf").phases
    assert (phase.cycle_days, phase.cycles, phase.infusion_days) == (28, 6, (1, 8))
    oral = next(dose for dose in phase.agents if dose.agent_id == "cyclophosphamide")
    assert (oral.route, oral.days) == ("PO", tuple(range(1, 15)))


def test_trastuzumab_maintenance_completes_about_a_year() -> None:
    knowledge = shipped_knowledge()
    weekly, apt_maintenance = knowledge.regimen("apt").phases
    assert (weekly.cycle_days, weekly.cycles, apt_maintenance.cycles) == (7, 12, 13)
    for regimen_id in ("tch", "tchp"):
        chemo, maintenance = knowledge.regimen(regimen_id).phases
        assert (chemo.cycles, maintenance.cycles, maintenance.maintenance) == (6, 11, True)
        assert maintenance.nadir is None
        assert next(d for d in chemo.agents if d.agent_id == "carboplatin").unit == "AUC"


def test_non_myelosuppressive_agents_have_no_nadir() -> None:
    knowledge = shipped_knowledge()
    for agent_id in ("trastuzumab", "pertuzumab", "bevacizumab", "tamoxifen", "letrozole", "anastrozole"):
        assert knowledge.agent(agent_id).nadir is None
    assert knowledge.agent("doxorubicin").nadir is not None


def test_regimens_outside_the_reference_figures_carry_no_cooling_estimate() -> None:
    knowledge = shipped_knowledge()
    for regimen_id in ("folfox", "capox", "folfiri", "gem-cis", "cis-etop", "capecitabine", "cmf"):
        assert knowledge.regimen(regimen_id).scalp_cooling_success is None
    tac = knowledge.regimen("tac").scalp_cooling_success
    assert tac is not None
    assert tac.high <= 0.10


def test_low_risk_regimens_have_small_grade_two_probabilities() -> None:
    for regimen in shipped_knowledge().regimens:
        if regimen.cia_risk is CiaRisk.LOW:
            assert regimen.p_grade2.value <= 0.10, regimen.id
            assert regimen.p_grade2.basis.evidence is Evidence.D, regimen.id


def test_protocol_descriptions_say_the_therapy_is_investigational() -> None:
    for protocol in shipped_knowledge().protocols:
        assert "investigational" in protocol.description
        assert "no trial in chemotherapy-induced alopecia" in protocol.description


def test_priming_and_regrowth_rules_follow_the_design() -> None:
    protocol = shipped_knowledge().protocol("priming-in-cycle-regrowth")
    priming, in_cycle, regrowth = protocol.sessions
    assert (priming.kind, priming.anchor) == (SessionKind.PRIMING, Anchor.FIRST_INFUSION)
    assert (priming.target_offset_days, priming.earliest_offset_days, priming.latest_offset_days) == (-14, -17, -9)
    assert (priming.count, priming.every_days) == (2, 7)
    assert (in_cycle.anchor, in_cycle.target_offset_days, in_cycle.min_cycle_days) == (Anchor.NEXT_CYCLE, -3, 21)
    assert (regrowth.anchor, regrowth.target_offset_days, regrowth.count, regrowth.every_days) == (
        Anchor.LAST_INFUSION, 21, 3, 28,
    )  # fmt: skip
    assert [a.label for a in protocol.assessments] == [
        "baseline", "cycle", "end of chemo", "+3 months", "+6 months", "+12 months",
    ]  # fmt: skip


def test_gates_carry_the_proposed_thresholds() -> None:
    gates = shipped_knowledge().gates
    thresholds = {t.code: (t.analyte, t.comparator, t.value, t.only_when_anticoagulated) for t in gates.lab_thresholds}
    assert thresholds == {
        "anc_low": (LabAnalyte.ANC, Comparator.AT_LEAST, 1500, False),
        "platelets_low": (LabAnalyte.PLATELETS, Comparator.AT_LEAST, 75000, False),
        "hb_low": (LabAnalyte.HB, Comparator.AT_LEAST, 10, False),
        "inr_high": (LabAnalyte.INR, Comparator.AT_MOST, 1.5, True),
    }
    assert (gates.labs_max_age_hours, gates.avoid_nadir, gates.infusion_buffer_days) == (72, True, 1)
    assert {c.code for c in gates.contraindications} == {
        "haematological_malignancy", "scalp_metastases", "active_scalp_infection", "bleeding_disorder",
        "pregnancy", "product_hypersensitivity", "product_unregistered", "fever",
    }  # fmt: skip


def test_scalp_cooling_tiers_reach_the_cap_at_the_twelfth_cycle() -> None:
    cooling = shipped_knowledge().tariffs.scalp_cooling
    total = sum(tier.price_cents * (tier.last - tier.first + 1) for tier in cooling.tiers)
    assert (total, cooling.cap_cents, cooling.tiers[-1].last) == (240000, 240000, 12)


def test_no_synonym_is_a_single_character() -> None:
    knowledge = shipped_knowledge()
    catalogues: list[Sequence[Named]] = [knowledge.agents, knowledge.regimens, knowledge.protocols, knowledge.adjuncts]
    for entries in catalogues:
        for entry in entries:
            assert all(len(synonym) > 1 for synonym in entry.synonyms), entry.id


def test_the_data_files_are_package_resources() -> None:
    data = resources.files("exohair.knowledge") / "data"
    for name in ("agents.yaml", "regimens.yaml", "protocols.yaml", "gates.yaml", "tariffs.yaml"):
        assert (data / name).read_text(encoding="utf-8").startswith("#")


def test_shipped_knowledge_is_loaded_once_and_equal_to_a_fresh_load() -> None:
    assert shipped_knowledge() is shipped_knowledge()
    fresh: Knowledge = load_knowledge().knowledge
    assert fresh == shipped_knowledge()
    assert hash(fresh) == hash(shipped_knowledge())
