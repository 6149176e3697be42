"""Kaplan–Meier, log-rank and Cox against published reference values, and their behaviour at the edges.

Data: lifelines ships both reference data sets.
- load_leukemia(): the Freireich et al. (Blood 1963;21:699-716) 6-MP remission trial, 42 children, as tabulated in
  Kleinbaum & Klein, Survival Analysis: A Self-Learning Text (3rd ed., Springer 2012), columns t (weeks), status,
  sex, logWBC, Rx. Coding checked below: Rx = 0 is the 6-MP (treatment) group, the one with the censored long
  remissions, and Rx = 1 placebo, as in the book, so the published signs apply unchanged.
- load_rossi(): Rossi, Berk & Lenihan's 432 released prisoners, as in Fox & Weisberg's appendix "Cox Proportional-
  Hazards Regression for Survival Data in R" to An R Companion to Applied Regression (2011).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter
from lifelines.datasets import load_leukemia, load_rossi
from lifelines.utils import concordance_index
from statsmodels.duration.hazard_regression import PHReg

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.concordance import harrell_concordance
from exohair.domain.statistics.cox import efron_score_residuals
from exohair.domain.statistics.survival import cox_fit, kaplan_meier, log_rank


@pytest.fixture(scope="module")
def leukemia() -> pd.DataFrame:
    return load_leukemia()


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return load_rossi()


def test_rx_0_is_the_6mp_group_as_in_kleinbaum_and_klein(leukemia):
    # The 6-MP arm had the 12 censored remissions (6+, 9+, 10+, ... 35+); placebo patients all relapsed by week 23.
    six_mp, placebo = leukemia[leukemia.Rx == 0], leukemia[leukemia.Rx == 1]
    assert (len(six_mp), int(six_mp.status.sum())) == (21, 9)
    assert (len(placebo), int(placebo.status.sum())) == (21, 21)


# Kleinbaum & Klein, chapter 2 (Kaplan–Meier table for the 6-MP group), printed to 3 decimals. The exact product
# at week 16 is 18/21 · 16/17 · 14/15 · 11/12 · 10/11 = 0.62745, printed 0.628 (the book rounds from rounded
# factors), so the tolerance is 0.001; the exact products are checked to 1e-12 alongside (n at risk, d events).
KLEINBAUM_6MP_SURVIVAL = [
    (6, 0.857, [(21, 3)]),
    (7, 0.807, [(21, 3), (17, 1)]),
    (10, 0.753, [(21, 3), (17, 1), (15, 1)]),
    (13, 0.690, [(21, 3), (17, 1), (15, 1), (12, 1)]),
    (16, 0.628, [(21, 3), (17, 1), (15, 1), (12, 1), (11, 1)]),
    (22, 0.538, [(21, 3), (17, 1), (15, 1), (12, 1), (11, 1), (7, 1)]),
    (23, 0.448, [(21, 3), (17, 1), (15, 1), (12, 1), (11, 1), (7, 1), (6, 1)]),
]


@pytest.mark.parametrize(("week", "survival", "steps"), KLEINBAUM_6MP_SURVIVAL)
def test_kaplan_meier_matches_kleinbaum_for_the_6mp_group(leukemia, week, survival, steps):
    group = leukemia[leukemia.Rx == 0]
    curve = kaplan_meier(group.t, group.status, label="6-MP")
    assert curve.survival_at(week) == pytest.approx(survival, abs=0.001)
    assert curve.survival_at(week) == pytest.approx(math.prod(1 - d / n for n, d in steps), abs=1e-12)


def test_the_curve_stays_flat_between_event_times(leukemia):
    group = leukemia[leukemia.Rx == 0]
    curve = kaplan_meier(group.t, group.status, label="6-MP")
    assert curve.survival_at(0) == 1.0
    assert curve.survival_at(5.9) == 1.0
    assert curve.survival_at(9) == curve.survival_at(7)  # 9+ is a censoring, not an event


# Stata's `sts list, by(group)` on the same data (Rodríguez, Princeton WWS 509 "The Gehan Survival Data",
# data.princeton.edu/pop509/gehan.html), control (placebo) group: survivor function and 95% interval, which Stata
# computes on the log(−log S) scale like lifelines' exponential Greenwood. Printed to 4 decimals: tolerance 0.00005.
STATA_PLACEBO = [(1, 0.9048, 0.6700, 0.9753), (2, 0.8095, 0.5689, 0.9239)]


@pytest.mark.parametrize(("week", "survival", "low", "high"), STATA_PLACEBO)
def test_the_interval_matches_statas_log_log_interval(leukemia, week, survival, low, high):
    group = leukemia[leukemia.Rx == 1]
    curve = kaplan_meier(group.t, group.status, label="placebo")
    row = int(np.flatnonzero(curve.times_days == week)[0])
    assert curve.survival[row] == pytest.approx(survival, abs=0.00005)
    assert curve.ci_low[row] == pytest.approx(low, abs=0.00005)
    assert curve.ci_high[row] == pytest.approx(high, abs=0.00005)


def test_the_median_matches_kleinbaum(leukemia):
    # Kleinbaum & Klein, chapter 2: median remission 23 weeks on 6-MP, 8 weeks on placebo (exact: times are weeks).
    six_mp, placebo = leukemia[leukemia.Rx == 0], leukemia[leukemia.Rx == 1]
    assert kaplan_meier(six_mp.t, six_mp.status, label="6-MP").median_days == 23
    placebo_curve = kaplan_meier(placebo.t, placebo.status, label="placebo")
    assert placebo_curve.median_days == 8
    assert placebo_curve.median_low is not None
    assert placebo_curve.median_low <= 8
    assert placebo_curve.median_high is not None
    assert placebo_curve.median_high >= 8


def test_the_counts_add_up(leukemia):
    curve = kaplan_meier(leukemia.t, leukemia.status, label="all")
    assert (curve.n, curve.n_events) == (42, 30)
    assert curve.events.sum() == 30
    assert curve.events.sum() + curve.censored.sum() == 42
    assert curve.at_risk[0] == 42
    assert curve.times_days[0] == 0
    assert curve.survival[0] == 1.0


def test_a_curve_that_never_falls_to_half_has_no_median(leukemia):
    six_mp = leukemia[leukemia.Rx == 0]
    # The 6-MP curve ends at 0.448, so its upper confidence bound never reaches 0.5: the interval is open-ended.
    assert kaplan_meier(six_mp.t, six_mp.status, label="6-MP").median_high is None
    censored = kaplan_meier([10, 20, 30], [False, False, False], label="nobody regrew yet")
    assert censored.median_days is None
    assert censored.median_low is None
    assert censored.median_high is None
    assert (censored.survival == 1.0).all()
    assert censored.n_events == 0


def test_result_arrays_are_read_only(leukemia):
    curve = kaplan_meier(leukemia.t, leukemia.status, label="all")
    with pytest.raises(ValueError, match="read-only"):
        curve.survival[0] = 0.5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=60))
def test_the_curve_falls_stays_in_0_1_and_its_interval_holds_it(patients):
    days, events = zip(*patients, strict=True)
    curve = kaplan_meier(list(days), list(events), label="any")
    assert (np.diff(curve.survival) <= 1e-12).all()
    assert ((curve.survival >= 0) & (curve.survival <= 1)).all()
    assert (curve.ci_low <= curve.survival + 1e-12).all()
    assert (curve.survival <= curve.ci_high + 1e-12).all()


def test_log_rank_matches_kleinbaum(leukemia):
    # Kleinbaum & Klein, chapter 2: log-rank chi-square 16.79 on 1 df for Rx, printed to 2 decimals: ±0.005.
    test = log_rank(leukemia.t, leukemia.status, leukemia.Rx)
    assert test.statistic == pytest.approx(16.79, abs=0.005)
    assert test.degrees_of_freedom == 1
    assert test.p_value == pytest.approx(math.erfc(math.sqrt(16.79 / 2)), rel=0.01)  # chi-square(1) tail ≈ 4.2e-5
    assert test.groups == ("0", "1")
    assert test.patients == (21, 21)
    assert test.events == (9, 21)


def test_log_rank_takes_three_groups(rossi):
    groups = np.where(rossi.prio <= 1, "few", np.where(rossi.prio <= 4, "some", "many"))
    test = log_rank(rossi.week, rossi.arrest, groups)
    assert test.degrees_of_freedom == 2
    assert test.groups == ("few", "many", "some")
    assert sum(test.patients) == 432


# Fox & Weisberg (2011), appendix on Cox regression: R's coxph (Efron ties) on the Rossi data, coefficients printed
# to 4 decimals here: tolerance 0.00005.
FOX_WEISBERG_ROSSI = {
    "fin": -0.3794,
    "age": -0.0574,
    "race": 0.3139,
    "wexp": -0.1498,
    "mar": -0.4337,
    "paro": -0.0849,
    "prio": 0.0915,
}


def test_cox_matches_fox_and_weisberg_on_rossi(rossi):
    fit = cox_fit(rossi, duration_col="week", event_col="arrest", covariates=list(FOX_WEISBERG_ROSSI))
    for name, coefficient in FOX_WEISBERG_ROSSI.items():
        term = fit.term(name)
        assert term.coefficient == pytest.approx(coefficient, abs=0.00005), name
        assert term.hazard_ratio == pytest.approx(math.exp(term.coefficient))
        assert term.hr_low < term.hazard_ratio < term.hr_high
    assert (fit.n, fit.n_events) == (432, 114)
    assert fit.term("fin").p_value == pytest.approx(0.0474, abs=0.0005)  # z = −1.98 (Fox & Weisberg)
    risk = rossi[list(FOX_WEISBERG_ROSSI)].to_numpy() @ [term.coefficient for term in fit.terms]
    assert fit.concordance == pytest.approx(concordance_index(rossi.week, -risk, rossi.arrest), abs=1e-12)
    assert fit.warnings == ()


def test_kleinbaums_cox_values_are_breslow_ties_and_ours_are_efron(leukemia):
    # Kleinbaum & Klein print Rx 1.509 (HR 4.523) alone and Rx 1.294, logWBC 1.604 together: those come from Stata,
    # whose default is Breslow's handling of ties. statsmodels' independent PHReg with ties="breslow" reproduces
    # them (so data and coding are right); with ties="efron" it gives what lifelines, and so cox_fit, compute.
    # No published Efron values for these data were found, so the Efron check is against statsmodels (±0.0001).
    for covariates, published in ((["Rx"], [1.509]), (["Rx", "logWBC"], [1.294, 1.604])):
        breslow = PHReg(leukemia.t, leukemia[covariates], status=leukemia.status, ties="breslow").fit()
        assert breslow.params == pytest.approx(published, abs=0.0005)
        efron = PHReg(leukemia.t, leukemia[covariates], status=leukemia.status, ties="efron").fit()
        fit = cox_fit(leukemia, duration_col="t", event_col="status", covariates=covariates)
        assert [term.coefficient for term in fit.terms] == pytest.approx(list(efron.params), abs=0.0001)
    assert math.exp(1.509) == pytest.approx(4.523, abs=0.001)


def test_text_covariates_are_coded_against_the_commonest_level():
    frame = pd.DataFrame(
        {
            "days": [5, 8, 12, 3, 9, 14, 7, 2, 11, 6, 10, 4],
            "event": [1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1],
            "regimen": ["AC", "TC", "AC", "AC", "TC", "CMF", "AC", "TC", "CMF", "AC", "TC", "CMF"],
        }
    )
    fit = cox_fit(frame, duration_col="days", event_col="event", covariates=["regimen"])
    assert fit.references == (("regimen", "AC"),)  # AC is the commonest (5 of 12)
    assert [term.name for term in fit.terms] == ["regimen[TC]", "regimen[CMF]"]
    dummies = frame.assign(tc=(frame.regimen == "TC") * 1.0, cmf=(frame.regimen == "CMF") * 1.0)
    by_hand = CoxPHFitter().fit(dummies[["days", "event", "tc", "cmf"]], "days", "event")
    assert fit.term("regimen[TC]").coefficient == pytest.approx(by_hand.params_["tc"], abs=1e-6)
    chosen = cox_fit(
        frame, duration_col="days", event_col="event", covariates=["regimen"], reference_levels={"regimen": "CMF"}
    )
    assert chosen.references == (("regimen", "CMF"),)
    assert chosen.term("regimen[AC]").coefficient == pytest.approx(-by_hand.params_["cmf"], abs=1e-6)


def test_scaling_every_weight_changes_neither_the_estimate_nor_the_robust_error(rossi):
    # Therneau's coxph documentation: multiplying all weights by c leaves the coefficients and the robust standard
    # errors unchanged, while the model-based ones shrink by √c (the weights read as c times as many patients).
    covariates = ["fin", "age", "prio"]
    fit = {"duration_col": "week", "event_col": "arrest", "covariates": covariates, "weights_col": "w"}
    one, three = cox_fit(rossi.assign(w=1), **fit), cox_fit(rossi.assign(w=3), **fit)
    robust_one, robust_three = (cox_fit(rossi.assign(w=c), **fit, robust=True) for c in (1, 3))
    for a, b, ra, rb in zip(one.terms, three.terms, robust_one.terms, robust_three.terms, strict=True):
        assert a.coefficient == pytest.approx(b.coefficient, abs=1e-6)
        assert b.standard_error == pytest.approx(a.standard_error / math.sqrt(3), rel=1e-4)
        assert ra.standard_error == pytest.approx(rb.standard_error, rel=1e-4)


def test_robust_variance_equals_lifelines_when_no_two_times_tie():
    # lifelines' own sandwich is exact without ties (it is O(n²), so only usable on small data).
    rng = np.random.default_rng(7)
    print("seed 7")
    n = 300
    frame = pd.DataFrame(
        {"t": rng.exponential(10, n), "e": rng.random(n) < 0.7, "a": rng.normal(size=n), "w": rng.uniform(0.3, 3, n)}
    )
    frame["b"] = (rng.random(n) < 0.4) * 1.0
    ours = cox_fit(frame, duration_col="t", event_col="e", covariates=["a", "b"], weights_col="w", robust=True)
    theirs = CoxPHFitter().fit(frame[["t", "e", "a", "b", "w"]], "t", "e", weights_col="w", robust=True)
    assert [term.standard_error for term in ours.terms] == pytest.approx(list(theirs.standard_errors_), rel=1e-8)
    assert ours.robust
    assert ours.weighted


def _efron_score(t, e, x, w, beta):
    """The weighted Efron score U(β), written out plainly (lifelines' and R's likelihood), for the check below."""
    r = np.exp(x @ beta)
    score = np.zeros(x.shape[1])
    for day in np.unique(t[e]):
        dead, risk = (t == day) & e, t >= day
        d = dead.sum()
        s0, s1 = (w * r)[risk].sum(), ((w * r)[risk, None] * x[risk]).sum(0)
        t0, t1 = (w * r)[dead].sum(), ((w * r)[dead, None] * x[dead]).sum(0)
        score += (w[dead, None] * x[dead]).sum(0)
        for k in range(d):
            score -= w[dead].mean() * (s1 - k / d * t1) / (s0 - k / d * t0)
    return score


def test_score_residuals_are_each_patients_share_of_the_score_with_tied_days():
    # With tied days lifelines' sandwich is not exact, so check the residuals from their definition: L_i = ∂U/∂w_i,
    # by central differences of the plainly written Efron score, at lifelines' estimate (where U = 0).
    rng = np.random.default_rng(11)
    print("seed 11")
    n = 80
    t = rng.integers(1, 12, n).astype(float)  # heavy ties, as whole days give
    e = rng.random(n) < 0.6
    x = np.column_stack([rng.normal(size=n), rng.random(n) < 0.5]).astype(float)
    w = rng.uniform(0.5, 2.0, n)
    frame = pd.DataFrame({"t": t, "e": e, "a": x[:, 0], "b": x[:, 1], "w": w})
    fit = cox_fit(frame, duration_col="t", event_col="e", covariates=["a", "b"], weights_col="w", robust=True)
    beta = np.array([term.coefficient for term in fit.terms])
    assert _efron_score(t, e, x, w, beta) == pytest.approx([0, 0], abs=1e-4)  # lifelines' convergence tolerance
    residuals = efron_score_residuals(t, e, x, w, beta)
    step = 1e-6
    for i in range(n):
        up, down = w.copy(), w.copy()
        up[i] += step
        down[i] -= step
        numeric = (_efron_score(t, e, x, up, beta) - _efron_score(t, e, x, down, beta)) / (2 * step)
        assert residuals[i] == pytest.approx(numeric, abs=1e-6), i


def test_concordance_counts_pairs_as_lifelines_does():
    rng = np.random.default_rng(5)
    print("seed 5")
    n = 2000
    days = rng.integers(1, 60, n).astype(float)  # tied days
    events = rng.random(n) < 0.6
    risk = np.round(rng.normal(size=n), 1)  # tied risks
    assert harrell_concordance(days, events, risk) == pytest.approx(concordance_index(days, -risk, events), abs=1e-12)
    continuous = rng.exponential(30, 30_000)  # too many distinct times for the day walk: lifelines' tree is used
    flags = rng.random(30_000) < 0.5
    score = rng.normal(size=30_000)
    assert harrell_concordance(continuous, flags, score) == pytest.approx(concordance_index(continuous, -score, flags))
    assert harrell_concordance(days, np.zeros(n, dtype=bool), risk) is None


@pytest.mark.parametrize(
    ("days", "events", "code"),
    [
        ([5, -1, 3], [1, 0, 1], "negative_duration"),
        ([5, float("nan"), 3], [1, 0, 1], "missing_duration"),
        ([5, 2], [1, 0, 1], "length_mismatch"),
        ([], [], "no_patients"),
        ([5, 2, 3], [1, float("nan"), 1], "missing_flag"),
        ([5, 2, 3], [1, 2, 1], "bad_flag"),
        ([5, float("inf"), 3], [1, 0, 1], "bad_duration"),
    ],
)
def test_kaplan_meier_refuses_bad_input(days, events, code):
    with pytest.raises(InvalidInput) as refused:
        kaplan_meier(days, events, label="x")
    assert refused.value.code == code


def test_log_rank_refuses_a_single_group_and_no_events():
    with pytest.raises(InvalidInput, match="two groups"):
        log_rank([1, 2, 3], [1, 1, 0], ["a", "a", "a"])
    with pytest.raises(InvalidInput, match="No patient has had the event"):
        log_rank([1, 2, 3], [0, 0, 0], ["a", "b", "a"])
    with pytest.raises(InvalidInput, match="no group"):
        log_rank([1, 2, 3], [1, 0, 1], ["a", None, "b"])
    with pytest.raises(InvalidInput, match="each patient needs one"):
        log_rank([1, 2, 3], [1, 0, 1], ["a", "b"])


def test_cox_refuses_what_it_cannot_fit(rossi):
    fit = {"duration_col": "week", "event_col": "arrest"}
    with pytest.raises(InvalidInput, match="no column 'dose'"):
        cox_fit(rossi, **fit, covariates=["dose"])
    with pytest.raises(InvalidInput, match="3 patients have no age"):
        cox_fit(rossi.assign(age=rossi.age.where(rossi.index >= 3)), **fit, covariates=["age"])
    with pytest.raises(InvalidInput, match="need robust=True"):
        cox_fit(rossi.assign(w=1.5), **fit, covariates=["age"], weights_col="w")
    with pytest.raises(InvalidInput, match="positive"):
        cox_fit(rossi.assign(w=0.0), **fit, covariates=["age"], weights_col="w", robust=True)
    with pytest.raises(InvalidInput, match="same for every patient"):
        cox_fit(rossi.assign(one=1.0), **fit, covariates=["one"])
    with pytest.raises(InvalidInput, match="No patient has had the event"):
        cox_fit(rossi.assign(arrest=0), **fit, covariates=["age"])
    with pytest.raises(InvalidInput, match="not a level"):
        cox_fit(rossi.assign(g="a"), **fit, covariates=["g"], reference_levels={"g": "b"})
