"""A clinic's own knowledge files, found through EXOHAIR_KNOWLEDGE_DIR: used when valid, refused aloud when not."""

from __future__ import annotations

from pathlib import Path

import pytest

import exohair

SHIPPED_TARIFFS = Path(exohair.__file__).parent / "knowledge" / "data" / "tariffs.yaml"


@pytest.fixture(scope="module")
def overrides(tmp_path_factory):
    text = SHIPPED_TARIFFS.read_text(encoding="utf-8")
    assert "\ncurrency: USD\n" in text
    euro = tmp_path_factory.mktemp("knowledge_euro")
    (euro / "tariffs.yaml").write_text(text.replace("\ncurrency: USD\n", "\ncurrency: EUR\n"), encoding="utf-8")
    broken = tmp_path_factory.mktemp("knowledge_broken")
    (broken / "tariffs.yaml").write_text('version: "1"\ncurrency: [USD\n', encoding="utf-8")
    return {"euro": euro, "broken": broken}


@pytest.fixture(scope="module")
def planned(run_many, overrides, reference_args):
    """`plan --format json` under each override directory."""
    commands = [("plan", *reference_args, "--format", "json")] * len(overrides)
    envs = [{"EXOHAIR_KNOWLEDGE_DIR": str(directory)} for directory in overrides.values()]
    return dict(zip(overrides, run_many(commands, envs=envs), strict=True))


def test_a_valid_tariffs_override_prices_the_plan_in_its_currency(planned, reference_json):
    result = planned["euro"]
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    cost = result.json()["cost"]
    assert cost["currency"] == "EUR"
    assert cost["expected_cents"] == reference_json["cost"]["expected_cents"]


def test_a_malformed_tariffs_override_is_refused_with_a_warning_naming_the_file(planned, overrides):
    result = planned["broken"]
    assert result.code == 0, result.stderr
    assert "warning" in result.said
    assert str(overrides["broken"] / "tariffs.yaml") in result.said
    assert "Traceback" not in result.stderr
    assert result.json()["cost"]["currency"] == "USD"
