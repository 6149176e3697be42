"""The whole registry analysis on synthetic registries whose true effects are known: the adjusted comparison finds
the effect the generator put in, the naive one is biased by the confounding it also put in, and the parts that
need more data say so instead of giving a number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.simulation.registry import TrueEffects, synthetic_registry
from exohair.domain.statistics.comparisons import compare_protocol, largest_imbalance
from exohair.domain.statistics.registry_analysis import analyse_registry
from exohair.knowledge import shipped_knowledge

# The synthetic frame has the primary endpoint, regrowth and cover-free, not the CTCAE variant.
ENDPOINTS = tuple(e for e in shipped_knowledge().endpoints if e.id != "preserved_ctcae")
NO_ASSESSMENTS = pd.DataFrame({"patient_key": [], "days": [], "dean_score": [], "density": []})


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_adjusted_comparison_recovers_the_true_effect_the_naive_one_misses(seed: int) -> None:
    print(f"seed {seed}")
    frame = synthetic_registry(np.random.default_rng(seed), 20_000, effects=TrueEffects(0.10, 1.3))
    found = compare_protocol(frame, "priming-regrowth", endpoint="preserved", time_to_event="regrowth")
    assert found.adjusted is not None
    assert found.naive is not None
    assert found.adjusted.low <= 0.10 <= found.adjusted.high
    assert found.naive.low > 0.10  # confounding: the treated were on gentler regimens and younger
    before, after = largest_imbalance(found.balance)
    assert before > 0.2
    assert after < 0.1
    assert found.regrowth is not None
    assert found.regrowth.estimate > 1.0  # regrowth sooner with the (synthetic) therapy


def test_with_no_true_effect_the_adjusted_interval_holds_zero() -> None:
    frame = synthetic_registry(np.random.default_rng(21), 20_000, effects=TrueEffects(0.0, 1.0))
    found = compare_protocol(frame, "priming-regrowth", endpoint="preserved")
    assert found.adjusted is not None
    assert found.adjusted.low <= 0.0 <= found.adjusted.high


def test_small_arms_get_a_reason_not_a_number() -> None:
    frame = synthetic_registry(np.random.default_rng(5), 60)
    found = compare_protocol(frame, "priming-regrowth", endpoint="preserved", minimum=50)
    assert found.adjusted is None
    assert found.not_done is not None
    assert found.not_done.startswith("not enough data")


def test_the_full_analysis_has_every_part_on_a_large_registry() -> None:
    frame = synthetic_registry(np.random.default_rng(7), 5_000)
    analysis = analyse_registry(frame, NO_ASSESSMENTS, ENDPOINTS)
    assert analysis.overall["preserved"].rate is not None
    assert {"regimen", "risk_class", "protocol", "adjuncts", "period", "age_band", "site"} == set(
        analysis.cohorts["preserved"]
    )
    regrowth = analysis.survival[0]
    assert regrowth.endpoint.id == "regrowth"
    assert len(regrowth.curves) == 4
    assert regrowth.log_rank is not None
    assert analysis.cox is not None
    term = next(t for t in analysis.cox.terms if t.name == "protocol[priming-regrowth]")
    assert term.hr_low <= 1.3 <= term.hr_high  # the generator's conditional hazard ratio
    assert {c.protocol for c in analysis.comparisons} == {
        "priming-regrowth",
        "priming-in-cycle-regrowth",
        "regrowth-only",
    }
    assert set(analysis.seconds) == {"rates", "kaplan_meier", "cox", "comparisons", "trajectories"}


def test_a_small_registry_gets_not_enough_data_everywhere() -> None:
    frame = synthetic_registry(np.random.default_rng(8), 15)
    analysis = analyse_registry(frame, NO_ASSESSMENTS, ENDPOINTS)
    assert analysis.overall["preserved"].rate is None
    assert analysis.survival[0].overall is None
    assert analysis.cox is None
    assert analysis.cox_note is not None
    assert all(c.adjusted is None for c in analysis.comparisons)


def test_it_refuses_a_frame_without_an_endpoint_column() -> None:
    frame = synthetic_registry(np.random.default_rng(9), 30)
    with pytest.raises(InvalidInput, match="preserved_ctcae"):
        analyse_registry(frame, NO_ASSESSMENTS, shipped_knowledge().endpoints)


def test_patients_whose_kind_only_one_arm_has_are_left_out_and_said_so() -> None:
    frame = synthetic_registry(np.random.default_rng(31), 4_000)
    # Make every low-risk patient a comparator: no treated counterpart exists for them.
    low = frame["risk_class"] == "low"
    frame.loc[low, "protocol"] = "observation-only"
    found = compare_protocol(frame, "priming-regrowth", endpoint="preserved")
    assert found.adjusted is not None
    assert found.left_out is not None
    assert "risk class low (one arm only)" in found.left_out
    assert {b.level for b in found.balance if b.covariate == "risk_class"} == {"high", "moderate"}


def test_a_registry_of_categoricals_compares_exactly_as_one_of_text() -> None:
    # compare_protocols hashes the text confounders into categoricals once; the answer must not depend on it.
    frame = synthetic_registry(np.random.default_rng(32), 6_000)
    as_text = compare_protocol(frame, "priming-regrowth", endpoint="preserved", time_to_event="regrowth")
    coded = frame.assign(**{c: frame[c].astype("category") for c in ("risk_class", "site", "adjuncts")})
    as_categories = compare_protocol(coded, "priming-regrowth", endpoint="preserved", time_to_event="regrowth")
    assert as_text == as_categories
