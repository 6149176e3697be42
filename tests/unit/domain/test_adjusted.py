"""Propensity scores, inverse-probability weights, balance and the adjusted comparisons: hand-computed cases,
agreement with statsmodels, invariants, and the refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.adjusted import (
    adjusted_hazard_ratio,
    adjusted_risk_difference,
    balance_table,
    ipw_weights,
    naive_risk_difference,
    propensity_scores,
)
from exohair.domain.statistics.survival import cox_fit


def test_the_smd_of_a_number_is_the_mean_difference_over_the_pooled_sd():
    # Treated 1, 2, 3 (mean 2, variance 1); comparators 2, 4, 6 (mean 4, variance 4): (2 − 4) / √((1 + 4) / 2).
    frame = pd.DataFrame({"age": [1.0, 2.0, 3.0, 2.0, 4.0, 6.0]})
    treated = [True, True, True, False, False, False]
    (row,) = balance_table(frame, treated=treated, covariates=["age"])
    assert (row.mean_treated, row.mean_control) == (2.0, 4.0)
    assert row.smd_before == pytest.approx(-2 / math.sqrt(2.5), abs=1e-12)
    assert row.smd_after is None
    assert not row.balanced


def test_a_level_of_a_text_covariate_uses_p_1_minus_p():
    # Regimen AC in 2 of 4 treated (p = 0.5) and 1 of 4 comparators (0.25): 0.25 / √((0.25 + 0.1875) / 2).
    frame = pd.DataFrame({"regimen": ["AC", "AC", "TC", "TC", "AC", "TC", "TC", "TC"]})
    treated = [True] * 4 + [False] * 4
    rows = balance_table(frame, treated=treated, covariates=["regimen"])
    assert [(row.covariate, row.level) for row in rows] == [("regimen", "TC"), ("regimen", "AC")]  # commonest first
    ac = rows[1]
    assert ac.smd_before == pytest.approx(0.25 / math.sqrt(0.21875), abs=1e-12)
    assert rows[0].smd_before == pytest.approx(-ac.smd_before, abs=1e-12)  # two levels: mirror images


def test_weights_enter_the_means_and_variances():
    # Treated x = 0, 1 with weights 1, 3 (weighted mean 0.75); comparators 0, 1 with weights 1, 1 (mean 0.5).
    # As a number: s² = Σw/((Σw)² − Σw²) · Σw(x − x̄)² = 4/6 · 0.75 = 0.5 and 2/2 · 0.5 = 0.5 → 0.25/√0.5.
    # As true/false: p(1 − p) = 0.1875 and 0.25 → 0.25/√0.21875.
    frame = pd.DataFrame({"x": [0.0, 1.0, 0.0, 1.0], "flag": [False, True, False, True]})
    treated, weights = [True, True, False, False], [1.0, 3.0, 1.0, 1.0]
    number, flag = balance_table(frame, treated=treated, covariates=["x", "flag"], weights=weights)
    assert (number.weighted_mean_treated, number.weighted_mean_control) == (0.75, 0.5)
    assert number.smd_before == 0.0
    assert number.balanced is False
    assert number.smd_after == pytest.approx(0.25 / math.sqrt(0.5), abs=1e-12)
    assert flag.smd_after == pytest.approx(0.25 / math.sqrt(0.21875), abs=1e-12)


def test_a_level_only_one_arm_has_cannot_be_balanced():
    frame = pd.DataFrame({"site": ["A", "A", "B", "B"]})
    rows = balance_table(frame, treated=[True, True, False, False], covariates=["site"])
    assert {row.smd_before for row in rows} == {math.inf, -math.inf}


def test_logistic_scores_average_to_the_share_treated():
    # With an intercept the logistic likelihood equations force Σ e_i = Σ T_i exactly (the intercept's score equation).
    rng = np.random.default_rng(3)
    print("seed 3")
    n = 2000
    frame = pd.DataFrame({"age": rng.normal(55, 10, n), "regimen": rng.choice(["AC", "TC", "CMF"], n)})
    treated = rng.random(n) < 1 / (1 + np.exp(-(0.05 * (frame.age - 55) + (frame.regimen == "TC"))))
    scores = propensity_scores(frame, treatment=treated.to_numpy(), covariates=["age", "regimen"])
    assert scores.mean() == pytest.approx(treated.mean(), abs=1e-8)
    assert ((scores > 0) & (scores < 1)).all()
    by_column = propensity_scores(frame.assign(t=treated), treatment="t", covariates=["age", "regimen"])
    assert by_column == pytest.approx(scores)


def test_a_group_all_in_one_arm_is_refused():
    # Every TC patient got the therapy: there is no comparator for them, and no weight can make one up.
    frame = pd.DataFrame({"regimen": ["TC"] * 5 + ["AC"] * 10, "age": np.arange(15.0)})
    treated = [True] * 5 + [True, False] * 5
    with pytest.raises(InvalidInput) as refused:
        propensity_scores(frame, treatment=treated, covariates=["regimen", "age"])
    assert refused.value.code == "no_overlap"
    assert "regimen TC is in the therapy arm" in refused.value.message


def test_a_number_that_separates_the_arms_is_refused():
    # Everyone under 50 got the therapy and no one over: the logistic model has no finite answer.
    frame = pd.DataFrame({"age": np.arange(30.0, 70.0)})
    with pytest.raises(InvalidInput) as refused:
        propensity_scores(frame, treatment=(frame.age < 50).to_numpy(), covariates=["age"])
    assert refused.value.code == "propensity_failed"


def _arms_and_scores():
    return st.lists(st.tuples(st.booleans(), st.floats(0.001, 0.999)), min_size=2, max_size=200).filter(
        lambda rows: 0 < sum(flag for flag, _ in rows) < len(rows)
    )


@settings(max_examples=100, deadline=None)
@given(_arms_and_scores())
def test_weights_are_the_inverse_probability_of_the_arm_received(rows):
    treated = np.array([flag for flag, _ in rows])
    scores = np.array([score for _, score in rows])
    raw = ipw_weights(treated, scores, stabilized=False, trim=None)
    assert raw == pytest.approx(np.where(treated, 1 / scores, 1 / (1 - scores)))
    assert (raw >= 1).all()
    # Stabilising multiplies each arm by its share: the estimate is unchanged, the weights shrink towards 1.
    stable = ipw_weights(treated, scores, stabilized=True, trim=None)
    assert stable == pytest.approx(raw * np.where(treated, treated.mean(), 1 - treated.mean()))


@settings(max_examples=100, deadline=None)
@given(_arms_and_scores())
def test_trimming_caps_every_weight(rows):
    treated = np.array([flag for flag, _ in rows])
    scores = np.array([score for _, score in rows])
    weights = ipw_weights(treated, scores, stabilized=False, trim=(0.05, 0.95))
    assert (weights <= 1 / 0.05 + 1e-9).all()
    assert np.isfinite(weights).all()
    assert (weights > 0).all()


def test_the_naive_difference_is_the_wald_difference_of_proportions():
    # 3 of 4 kept their hair with the therapy, 1 of 4 without: 0.5 ± 1.96 √(0.1875/4 + 0.1875/4).
    outcome, treated = [1, 1, 1, 0, 1, 0, 0, 0], [True] * 4 + [False] * 4
    found = naive_risk_difference(outcome, treated)
    assert found.estimate == 0.5
    assert found.standard_error == pytest.approx(math.sqrt(0.09375), abs=1e-12)
    assert found.low == pytest.approx(0.5 - 1.959964 * math.sqrt(0.09375), abs=1e-6)
    assert (found.n_treated, found.n_control, found.measure) == (4, 4, "risk difference")


def test_the_adjusted_difference_is_statsmodels_wls_with_hc0():
    rng = np.random.default_rng(17)
    print("seed 17")
    n = 500
    treated = rng.random(n) < 0.4
    outcome = (rng.random(n) < np.where(treated, 0.6, 0.45)).astype(float)
    weights = rng.uniform(0.2, 5.0, n)
    found = adjusted_risk_difference(outcome, treated, weights)
    wls = sm.WLS(outcome, sm.add_constant(treated.astype(float)), weights=weights).fit(cov_type="HC0")
    assert found.estimate == pytest.approx(wls.params[1], abs=1e-12)
    assert found.standard_error == pytest.approx(wls.bse[1], rel=1e-10)
    low, high = wls.conf_int()[1]
    assert (found.low, found.high) == pytest.approx((low, high), rel=1e-9)


def test_the_adjusted_hazard_ratio_is_a_weighted_cox_on_treatment_alone():
    rng = np.random.default_rng(23)
    print("seed 23")
    n = 400
    treated = rng.random(n) < 0.5
    frame = pd.DataFrame({"days": np.ceil(rng.exponential(np.where(treated, 60, 90))), "event": rng.random(n) < 0.8})
    weights = rng.uniform(0.5, 2.0, n)
    found = adjusted_hazard_ratio(frame, duration_col="days", event_col="event", treated=treated, weights=weights)
    direct = cox_fit(
        frame.assign(t=treated, w=weights),
        duration_col="days",
        event_col="event",
        covariates=["t"],
        weights_col="w",
        robust=True,
    ).term("t")
    # Not to the last digit: lifelines stops its Newton steps a little before the maximum (test_marginal_cox.py
    # checks ours against the likelihood itself).
    assert (found.estimate, found.low, found.high) == pytest.approx(
        (direct.hazard_ratio, direct.hr_low, direct.hr_high), rel=1e-4
    )
    assert found.measure == "hazard ratio"
    assert "marginal" in found.method


def test_missing_outcomes_are_refused_with_a_count():
    with pytest.raises(InvalidInput, match="2 patients have no outcome") as refused:
        naive_risk_difference([1, float("nan"), 0, float("nan")], [True, True, False, False])
    assert refused.value.code == "missing_outcome"


@pytest.mark.parametrize(
    ("outcome", "treated", "weights", "code"),
    [
        ([1, 0, 1], [True, True, True], [1, 1, 1], "one_arm"),
        ([1, 0, 2], [True, False, True], [1, 1, 1], "bad_outcome"),
        ([1, 0, 1], [True, False, True], [1, 1], "length_mismatch"),
        ([1, 0, 1], [True, False], [1, 1, 1], "length_mismatch"),
        ([1, 0, 1], [True, False, True], [1, -1, 1], "bad_weights"),
        ([1, 0, 1], [True, None, True], [1, 1, 1], "missing_flag"),
    ],
)
def test_the_adjusted_difference_refuses_bad_input(outcome, treated, weights, code):
    with pytest.raises(InvalidInput) as refused:
        adjusted_risk_difference(outcome, treated, weights)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("treated", "scores", "trim", "code"),
    [
        ([True, False], [0.5, 1.2], None, "bad_scores"),
        ([True, False], [0.5, float("nan")], None, "bad_scores"),
        ([True, False], [1.0, 0.5], None, "bad_scores"),
        ([True, False], [0.5, 0.5], (0.6, 0.4), "bad_trim"),
        ([False, False], [0.5, 0.5], None, "one_arm"),
        ([True, False, True], [0.5, 0.5], None, "length_mismatch"),
    ],
)
def test_weights_refuse_bad_input(treated, scores, trim, code):
    with pytest.raises(InvalidInput) as refused:
        ipw_weights(treated, scores, trim=trim)
    assert refused.value.code == code


def test_the_propensity_model_refuses_missing_covariates_and_a_single_arm():
    frame = pd.DataFrame({"age": [50.0, None, 60.0, 40.0]})
    with pytest.raises(InvalidInput, match="1 patient has no age"):
        propensity_scores(frame, treatment=[True, False, True, False], covariates=["age"])
    with pytest.raises(InvalidInput, match="both arms"):
        propensity_scores(frame.fillna(45.0), treatment=[True] * 4, covariates=["age"])
    with pytest.raises(InvalidInput, match="no column 'arm'"):
        propensity_scores(frame, treatment="arm", covariates=["age"])
