"""A clinic's override files: a valid one replaces the shipped file; a faulty one is refused, located, and the
shipped file stays in force."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from exohair.knowledge import load_knowledge, shipped_knowledge


def shipped_text(name: str) -> str:
    return (resources.files("exohair.knowledge") / "data" / name).read_text(encoding="utf-8")


def shipped_document(name: str) -> Any:
    return yaml.safe_load(shipped_text(name))


def write(directory: Path, name: str, document: Any) -> Path:
    path = directory / name
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True))
    return path


def test_a_valid_tariffs_override_takes_effect(tmp_path: Path) -> None:
    tariffs = shipped_document("tariffs.yaml")
    tariffs["currency"] = "EUR"
    tariffs["version"] = "clinic-2027-01"
    write(tmp_path, "tariffs.yaml", tariffs)

    loaded = load_knowledge(tmp_path)

    assert loaded.refusals == ()
    assert loaded.knowledge.tariffs.currency == "EUR"
    assert loaded.knowledge.versions["tariffs.yaml"] == "clinic-2027-01"
    assert loaded.knowledge.versions["regimens.yaml"] == shipped_knowledge().versions["regimens.yaml"]


def test_an_empty_override_dir_changes_nothing(tmp_path: Path) -> None:
    loaded = load_knowledge(tmp_path)
    assert loaded.refusals == ()
    assert loaded.knowledge == shipped_knowledge()


def test_it_refuses_an_override_with_an_unknown_field(tmp_path: Path) -> None:
    tariffs = shipped_document("tariffs.yaml")
    tariffs["currency"] = "EUR"
    tariffs["session"]["bogus"] = 1
    path = write(tmp_path, "tariffs.yaml", tariffs)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert refusal.startswith(f"{path}: entry 'session': bogus: Extra inputs are not permitted")
    assert "the shipped tariffs.yaml stays in force" in refusal
    assert loaded.knowledge.tariffs.currency == "USD"


def test_it_names_file_entry_and_field_of_a_bad_cycle_length(tmp_path: Path) -> None:
    regimens = shipped_document("regimens.yaml")
    regimens["regimens"][0]["phases"][0]["cycle_days"] = 0
    write(tmp_path, "regimens.yaml", regimens)

    (refusal,) = load_knowledge(tmp_path).refusals

    assert "regimens.yaml: entry 'ac' (#1): phases[0].cycle_days: Input should be greater than 0" in refusal


def test_it_refuses_an_override_with_a_yaml_syntax_error_naming_the_line(tmp_path: Path) -> None:
    misindented = "   expected_cents: 200000"
    broken = shipped_text("tariffs.yaml").replace("  expected_cents: 200000", misindented, 1)
    line = broken.splitlines().index(misindented) + 1
    path = write(tmp_path, "tariffs.yaml", broken)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert refusal.startswith(f"{path}: line {line}, column")
    assert "not valid YAML: mapping values are not allowed here" in refusal
    assert loaded.knowledge.tariffs.currency == "USD"


def test_it_refuses_a_key_given_twice(tmp_path: Path) -> None:
    write(
        tmp_path, "tariffs.yaml", shipped_text("tariffs.yaml").replace("currency: USD", "currency: USD\ncurrency: EUR")
    )

    (refusal,) = load_knowledge(tmp_path).refusals

    assert "key 'currency' is given twice" in refusal
    assert "line 5" in refusal


def test_it_refuses_an_override_with_an_unknown_agent(tmp_path: Path) -> None:
    regimens = shipped_document("regimens.yaml")
    regimens["regimens"][0]["phases"][0]["agents"][0]["agent"] = "doxorubicn"
    regimens["regimens"][0]["name"] = "AC (clinic)"
    write(tmp_path, "regimens.yaml", regimens)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert (
        "regimens.yaml: entry 'ac' (#1): phases[0].agents[0].agent: unknown agent id 'doxorubicn' "
        "(not in agents.yaml); did you mean 'doxorubicin'?"
    ) in refusal
    assert loaded.knowledge.regimen("ac").name == "AC"


def test_it_refuses_an_override_with_a_duplicate_id(tmp_path: Path) -> None:
    regimens = shipped_document("regimens.yaml")
    regimens["regimens"][1]["id"] = "ac"
    write(tmp_path, "regimens.yaml", regimens)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert "regimens.yaml: entry 'ac' (#2): id: duplicate id 'ac' (already used by #1)" in refusal
    assert loaded.knowledge.regimen("dd-ac").id == "dd-ac"


def test_it_refuses_an_agents_override_that_gives_one_rxnorm_code_to_two_agents(tmp_path: Path) -> None:
    agents = shipped_document("agents.yaml")
    epirubicin = next(a for a in agents["agents"] if a["id"] == "epirubicin")
    epirubicin["rxnorm"][0]["code"] = "3639"  # doxorubicin's ingredient code
    write(tmp_path, "agents.yaml", agents)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert "rxnorm[0].code: RxNorm 3639 already names agent 'doxorubicin'" in refusal
    assert loaded.knowledge.agent("epirubicin").rxnorm[0].code == "3995"  # the shipped file stays in force


def test_it_refuses_an_agents_override_that_drops_an_agent_the_shipped_regimens_use(tmp_path: Path) -> None:
    agents = shipped_document("agents.yaml")
    agents["agents"] = [a for a in agents["agents"] if a["id"] != "epirubicin"]
    path = write(tmp_path, "agents.yaml", agents)

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert refusal.startswith(f"{path}: override refused because files in force depend on it")
    assert "regimens.yaml: entry 'fec100' (#9): phases[0].agents[1].agent: unknown agent id 'epirubicin'" in refusal
    assert loaded.knowledge.agent("epirubicin").id == "epirubicin"


def test_it_accepts_agents_and_regimens_overrides_that_only_work_together(tmp_path: Path) -> None:
    agents = shipped_document("agents.yaml")
    # A drug of its own: doxorubicin's RxNorm codes stay doxorubicin's (a code names one agent)
    new_agent = dict(agents["agents"][0], id="liposomal-doxorubicin", name="Liposomal doxorubicin", synonyms=[],
                     rxnorm=[])  # fmt: skip
    agents["agents"].append(new_agent)
    regimens = shipped_document("regimens.yaml")
    regimens["regimens"][0]["phases"][0]["agents"][0]["agent"] = "liposomal-doxorubicin"
    write(tmp_path, "agents.yaml", agents)
    write(tmp_path, "regimens.yaml", regimens)

    loaded = load_knowledge(tmp_path)

    assert loaded.refusals == ()
    assert loaded.knowledge.regimen("ac").phases[0].agents[0].agent_id == "liposomal-doxorubicin"


def test_each_refused_file_gives_one_sentence(tmp_path: Path) -> None:
    write(tmp_path, "gates.yaml", "version: '1'\n")
    write(tmp_path, "protocols.yaml", "[not, a, mapping]\n")

    loaded = load_knowledge(tmp_path)

    assert len(loaded.refusals) == 2
    gates = next(r for r in loaded.refusals if "gates.yaml" in r)
    assert "gates.yaml: lab_thresholds: Field required" in gates
    assert "contraindications: Field required" in gates
    assert loaded.knowledge.gates == shipped_knowledge().gates


def test_a_missing_override_dir_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    loaded = load_knowledge(missing)

    assert loaded.refusals == (
        f"{missing}: the override directory does not exist; the shipped knowledge files stay in force.",
    )
    assert loaded.knowledge == shipped_knowledge()


def test_an_unknown_file_in_the_override_dir_is_reported_and_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "tariff.yml", "currency: EUR\n")

    loaded = load_knowledge(tmp_path)

    (refusal,) = loaded.refusals
    assert refusal.startswith(f"{path}: not a knowledge file")
    assert loaded.knowledge.tariffs.currency == "USD"
