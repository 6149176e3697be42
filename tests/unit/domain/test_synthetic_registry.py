"""The synthetic registry: reproducible, in the registry frame's shape, confounded on purpose, and the adjusted
comparison finds the effect that was put in while the naive one does not. SYNTHETIC effects, not evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.simulation import COMPARATOR, PROTOCOLS, REGISTRY_COLUMNS, TrueEffects, synthetic_registry
from exohair.domain.statistics.adjusted import (
    adjusted_hazard_ratio,
    adjusted_risk_difference,
    balance_table,
    ipw_weights,
    naive_risk_difference,
    propensity_scores,
)
from exohair.domain.statistics.survival import cox_fit

SEEDS = [1, 2, 3, 4, 5]  # the first five, not picked: each is printed so a failure can be replayed
COVARIATES = ["regimen", "age_years", "site"]
THERAPY = "priming-regrowth"


def registry(seed: int, n: int = 20_000, effects: TrueEffects | None = None) -> pd.DataFrame:
    print(f"seed {seed}")
    return synthetic_registry(np.random.default_rng(seed), n, effects=effects)


def therapy_against_observation(frame: pd.DataFrame, outcome: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Patients on the therapy or the comparator whose outcome was assessed (the rest are left out, as the
    analysis must), with the therapy flag."""
    chosen = frame[frame.protocol.isin([THERAPY, COMPARATOR]) & frame[outcome].notna()].reset_index(drop=True)
    return chosen, (chosen.protocol == THERAPY).to_numpy()


def test_the_same_seed_gives_the_same_registry():
    first, again = registry(7, 2000), registry(7, 2000)
    pd.testing.assert_frame_equal(first, again)
    assert not registry(8, 2000).equals(first)


def test_it_follows_the_registry_frame_contract():
    frame = registry(1, 5000)
    assert list(frame.columns) == [name for name, _ in REGISTRY_COLUMNS]
    for name, kind in REGISTRY_COLUMNS:
        column = frame[name]
        if kind == "str":
            assert column.map(type).eq(str).all(), name
        elif kind == "float":
            assert column.dtype == np.float64, name
        else:
            assert column.dtype == np.bool_, name
    assert set(frame.risk_class) == {"high", "moderate", "low"}
    assert set(frame.protocol) == set(PROTOCOLS)
    allowed = {"", "minoxidil", "prp", "scalp-cooling"}
    assert all(
        set(value.split("+")) <= allowed and value.split("+") == sorted(value.split("+")) for value in frame.adjuncts
    )
    assert frame.period.str.fullmatch(r"20\d\d-H[12]").all()
    bands = pd.cut(
        frame.age_years, [0, 40, 50, 60, 70, 200], right=False, labels=["<40", "40–49", "50–59", "60–69", "≥70"]
    )
    assert (bands.astype(str) == frame.age_band).all()
    assert frame.patient_key.is_unique


def test_it_has_the_gaps_a_real_registry_has():
    frame = registry(2, 20_000)
    assert set(frame.preserved.dropna()) == {0.0, 1.0}
    assert 0.03 < frame.preserved.isna().mean() < 0.07  # not assessed at the end of chemotherapy
    followed = frame.regrowth_days.notna()
    assert 0.01 < (~followed).mean() < 0.05  # never assessed after chemotherapy
    assert not frame.regrowth_event[~followed].any()
    assert not frame.cover_free_event[~followed].any()
    assert (~frame.regrowth_event[followed]).mean() > 0.05  # censored: follow-up ended first
    days = frame.regrowth_days[followed]
    assert (days >= 1).all()
    assert (days == np.round(days)).all()
    # Going without a head cover comes after regrowth, on the same follow-up.
    assert (frame.cover_free_days[followed] >= days).all()
    assert not (frame.cover_free_event & ~frame.regrowth_event).any()


def test_high_risk_and_older_patients_get_the_therapy_less_often():
    frame = registry(3, 20_000)
    chosen, treated = therapy_against_observation(frame, "preserved")
    high = chosen.risk_class == "high"
    assert high[treated].mean() < high[~treated].mean() - 0.1
    assert chosen.age_years[treated].mean() < chosen.age_years[~treated].mean() - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_the_adjusted_difference_recovers_the_true_effect_and_the_naive_one_does_not(seed):
    true = TrueEffects().preservation_risk_difference
    chosen, treated = therapy_against_observation(registry(seed), "preserved")
    scores = propensity_scores(chosen, treatment=treated, covariates=COVARIATES)
    weights = ipw_weights(treated, scores)
    naive = naive_risk_difference(chosen.preserved, treated)
    adjusted = adjusted_risk_difference(chosen.preserved, treated, weights)
    print(f"  naive {naive.estimate:.4f} [{naive.low:.4f}, {naive.high:.4f}]")
    print(f"  adjusted {adjusted.estimate:.4f} [{adjusted.low:.4f}, {adjusted.high:.4f}], true {true}")
    assert adjusted.low <= true <= adjusted.high
    assert naive.low > true  # the naive comparison credits the therapy with its patients' better prognosis
    rows = balance_table(chosen, treated=treated, covariates=COVARIATES, weights=weights)
    worst = max(abs(row.smd_after) for row in rows if row.smd_after is not None)
    print(f"  largest |SMD| before {max(abs(row.smd_before) for row in rows):.3f}, after {worst:.3f}")
    assert all(row.balanced for row in rows)
    assert any(not -0.1 < row.smd_before < 0.1 for row in rows)  # there was imbalance to remove
    # Stabilised weights average about 1 in each arm when the propensity model is right (in expectation only).
    assert weights[treated].mean() == pytest.approx(1, abs=0.05)
    assert weights[~treated].mean() == pytest.approx(1, abs=0.05)


def test_without_an_effect_the_adjusted_comparison_finds_none():
    chosen, treated = therapy_against_observation(registry(6, effects=TrueEffects(0.0, 1.0)), "preserved")
    weights = ipw_weights(treated, propensity_scores(chosen, treatment=treated, covariates=COVARIATES))
    adjusted = adjusted_risk_difference(chosen.preserved, treated, weights)
    print(f"  adjusted {adjusted.estimate:.4f} [{adjusted.low:.4f}, {adjusted.high:.4f}], true 0")
    assert adjusted.low <= 0 <= adjusted.high
    assert naive_risk_difference(chosen.preserved, treated).low > 0  # the naive one still "finds" an effect


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_a_cox_model_with_the_covariates_recovers_the_conditional_hazard_ratio(seed):
    # The generator's hazard ratio is conditional on regimen and age, so that is what this model estimates; the
    # weighted Cox on treatment alone estimates a marginal HR, which differs (non-collapsibility), so for it only the
    # direction is checked.
    true = TrueEffects().regrowth_hazard_ratio
    chosen, treated = therapy_against_observation(registry(seed), "regrowth_days")
    fit = cox_fit(
        chosen.assign(therapy=treated),
        duration_col="regrowth_days",
        event_col="regrowth_event",
        covariates=["therapy", "regimen", "age_years", "site"],
    )
    therapy = fit.term("therapy")
    print(f"  conditional HR {therapy.hazard_ratio:.3f} [{therapy.hr_low:.3f}, {therapy.hr_high:.3f}], true {true}")
    assert therapy.hr_low <= true <= therapy.hr_high
    weights = ipw_weights(treated, propensity_scores(chosen, treatment=treated, covariates=COVARIATES))
    marginal = adjusted_hazard_ratio(
        chosen, duration_col="regrowth_days", event_col="regrowth_event", treated=treated, weights=weights
    )
    print(f"  marginal HR {marginal.estimate:.3f} [{marginal.low:.3f}, {marginal.high:.3f}]")
    assert marginal.low > 1


@pytest.mark.parametrize(
    ("n", "effects", "code"),
    [
        (100, TrueEffects(preservation_risk_difference=0.25), "bad_effect"),
        (100, TrueEffects(preservation_risk_difference=-0.2), "bad_effect"),
        (100, TrueEffects(regrowth_hazard_ratio=0.0), "bad_effect"),
        (0, TrueEffects(), "bad_patient_count"),
    ],
)
def test_it_refuses_effects_it_cannot_build_exactly(n, effects, code):
    with pytest.raises(InvalidInput) as refused:
        synthetic_registry(np.random.default_rng(0), n, effects=effects)
    assert refused.value.code == code


def test_it_needs_a_generator_to_be_reproducible():
    with pytest.raises(InvalidInput, match="Generator"):
        synthetic_registry(np.random.RandomState(0), 10)  # type: ignore[arg-type]
