"""instruments.yaml: the shipped instruments are exohair's own and free to use, a licensed one loads in the shape
docs/instruments.md shows, and each rule of the file is seen through the located sentence an editor reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from exohair.domain.evidence import Evidence
from exohair.domain.instruments import ItemType
from exohair.knowledge import KnowledgeError, load_knowledge, shipped_knowledge, with_clinic_files

DOCS = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
SHIPPED = load_knowledge().texts["instruments.yaml"]


def refusal_for(tmp_path: Path, edit) -> str:
    """The refusal of an operator's override: the shipped file with one edit."""
    document = yaml.safe_load(SHIPPED)
    edit(document)
    (tmp_path / "instruments.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    (refusal,) = load_knowledge(tmp_path).refusals
    return refusal


def test_it_ships_only_its_own_free_instruments_each_saying_so() -> None:
    instruments = {i.id: i for i in shipped_knowledge().instruments}
    assert set(instruments) == {"hair-check", "hair-loss-rating"}
    for instrument in instruments.values():
        assert instrument.basis.evidence is Evidence.D
        assert "free to use" in instrument.licence
        assert "CADS" not in " ".join(item.text for item in instrument.items)
    assert "not a validated instrument" in instruments["hair-check"].description
    types = {item.type for item in instruments["hair-check"].items}
    assert types == {ItemType.CHOICE, ItemType.BOOLEAN, ItemType.TEXT}
    bands = instruments["hair-loss-rating"].scores[0].bands
    assert [band.at_least for band in bands] == [0, 1, 26, 51, 76]
    assert all(band.basis.source for band in bands)


def test_the_licensed_instrument_of_the_docs_loads_with_its_placeholders() -> None:
    example = re.search(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert example is not None
    loaded = with_clinic_files(shipped_knowledge(), {"instruments.yaml": example.group(1)})
    cads = loaded.instrument("cads")
    assert cads is not None
    assert cads.items[0].text == "<item 1 text from your licensed copy>"
    assert loaded.versions["instruments.yaml"] == "2027-01-15.1"


def _instrument(document, n: int = 0):
    return document["instruments"][n]


@pytest.mark.parametrize(
    ("edit", "sentence"),
    [
        (lambda d: _instrument(d)["items"][1].update(link_id="shedding"),
         "entry 'hair-check' (#1): items[1].link_id: duplicate link_id 'shedding'"),
        (lambda d: _instrument(d)["scores"][0]["items"].append("note"),
         "entry 'hair-check' (#1): scores[0].items[2]: 'note' is a text item, which carries no score"),
        (lambda d: _instrument(d)["scores"][0]["items"].append("mood"),
         "entry 'hair-check' (#1): scores[0].items[2]: 'mood' is not an item of this instrument"),
        (lambda d: _instrument(d, 1).update(id="hair-check"),
         "entry 'hair-check' (#2): id: duplicate id 'hair-check' (already #1)"),
        (lambda d: _instrument(d, 1)["items"][0].pop("max_value"),
         "entry 'hair-loss-rating' (#2): items[0]: an integer item needs min_value and max_value"),
        (lambda d: _instrument(d)["items"][0].update(options=[]),
         "entry 'hair-check' (#1): items[0]: options are given for choice items only, and required there"),
        (lambda d: _instrument(d, 1)["scores"][0]["bands"][2].update(at_least=0),
         "entry 'hair-loss-rating' (#2): scores[0]: bands: give them in increasing order of at_least"),
        (lambda d: _instrument(d, 1)["scores"][0]["bands"][0].pop("source"),
         "entry 'hair-loss-rating' (#2): scores[0].bands[0].source: Field required"),
        (lambda d: _instrument(d)["scores"][1].update(min_answered=4),
         "entry 'hair-check' (#1): scores[1]: min_answered (4) is more than its 3 items"),
    ],
    ids=["duplicate-link-id", "text-scored", "unknown-item", "duplicate-id", "no-bounds", "no-options",
         "bands-out-of-order", "band-without-source", "min-answered"],
)  # fmt: skip
def test_it_refuses_a_faulty_file_with_a_located_sentence(tmp_path: Path, edit, sentence: str) -> None:
    refusal = refusal_for(tmp_path, edit)
    assert f"instruments.yaml: {sentence}" in refusal
    assert refusal.endswith("Override refused; the shipped instruments.yaml stays in force.")


def test_a_clinics_file_is_named_as_its_own_in_every_sentence() -> None:
    with pytest.raises(KnowledgeError) as refused:
        with_clinic_files(shipped_knowledge(), {"instruments.yaml": "version: '1'\ninstruments:\n  - id: Bad Id\n"})
    assert all(problem.startswith("your instruments.yaml: entry 'Bad Id' (#1)") for problem in refused.value.problems)
