"""Payment plans: worked examples checked by hand, due dates, hypothesis invariants and every refusal.

Reference values: the level payment is cross-checked against the closed-form annuity payment
P = F·r·(1+r)^N / ((1+r)^N − 1) evaluated exactly with `fractions.Fraction` (an algebraically equivalent form
to the one the code evaluates in `Decimal`), rounded half-up. Money comparisons are exact (tolerance 0 cents)
unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exohair.domain.errors import InvalidInput
from exohair.domain.payments import PaymentPlan, plan_payments

FIRST_DUE = date(2027, 1, 31)


def _plan(total_cents: int, **kwargs: Any) -> PaymentPlan:
    kwargs.setdefault("currency", "USD")
    kwargs.setdefault("first_due", FIRST_DUE)
    kwargs.setdefault("instalments", 12)
    return plan_payments(total_cents, **kwargs)


def _exact_annuity(financed_cents: int, apr_percent: Decimal, n: int) -> tuple[Fraction, Fraction, Fraction]:
    """Exact level payment P, exact total interest N·P − F, and s = ((1+r)^N − 1)/r, all as Fractions."""
    r = Fraction(apr_percent) / 1200
    growth = (1 + r) ** n
    payment = financed_cents * r * growth / (growth - 1)
    return payment, n * payment - financed_cents, (growth - 1) / r


def _half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


# --- worked examples -------------------------------------------------------------------------------------


def test_an_interest_free_plan_splits_the_financed_amount_with_the_odd_cents_first() -> None:
    # $6,000 total, $1,000 deposit → $5,000 financed = 500000 cents over 12 months.
    # 500000 = 12 × 41666 + 8, so 8 instalments of 41667 then 4 of 41666: 333336 + 166664 = 500000.
    plan = _plan(600_000, deposit_cents=100_000, instalments=12)
    assert plan.financed_cents == 500_000
    assert [i.amount_cents for i in plan.instalments] == [41_667] * 8 + [41_666] * 4
    assert plan.interest_cents == 0
    assert plan.total_payable_cents == 600_000
    assert plan.instalments[-1].balance_after_cents == 0


def test_five_thousand_dollars_at_9_9_percent_over_a_year_costs_439_35_a_month() -> None:
    # r = 9.9 / 100 / 12 = 0.00825. P = 500000 · 0.00825 / (1 − 1.00825^−12) = 43934.6924… cents → 43935.
    # Month 1: interest 500000 · 0.00825 = 4125 exactly, principal 39810, balance 460190.
    # Month 2: interest 460190 · 0.00825 = 3796.5675 → 3797, principal 40138, balance 420052.
    # The last instalment pays the remaining 43572 plus 359 interest = 43931 (4 cents under P).
    # Total interest 27216 cents ($272.16); 11 × 43935 + 43931 = 527216 = 500000 + 27216.
    plan = _plan(500_000, apr_percent=Decimal("9.9"), instalments=12)
    exact_payment, _, _ = _exact_annuity(500_000, Decimal("9.9"), 12)
    assert _half_up(exact_payment) == 43_935
    assert [i.amount_cents for i in plan.instalments] == [43_935] * 11 + [43_931]
    first, second = plan.instalments[:2]
    assert (first.interest_cents, first.principal_cents, first.balance_after_cents) == (4_125, 39_810, 460_190)
    assert (second.interest_cents, second.principal_cents, second.balance_after_cents) == (3_797, 40_138, 420_052)
    assert plan.interest_cents == 27_216
    assert plan.total_payable_cents == 527_216


def test_a_short_amortized_plan_matches_the_schedule_worked_by_hand() -> None:
    # $1,000 at 12% APR over 3 months: r = 0.01, P = 100000 · 0.01 / (1 − 1.01^−3) = 34002.21… → 34002.
    # 1: interest 1000, principal 33002, balance 66998.  2: interest 669.98 → 670, principal 33332, balance 33666.
    # 3: interest 336.66 → 337, principal 33666, amount 34003, balance 0. Interest 2007 in all.
    plan = _plan(100_000, apr_percent=Decimal(12), instalments=3)
    rows = [(i.amount_cents, i.principal_cents, i.interest_cents, i.balance_after_cents) for i in plan.instalments]
    assert rows == [(34_002, 33_002, 1_000, 66_998), (34_002, 33_332, 670, 33_666), (34_003, 33_666, 337, 0)]
    assert plan.interest_cents == 2_007


def test_a_higher_apr_can_lower_total_interest_by_a_few_rounding_cents() -> None:
    # Why the monotonicity property below carries a tolerance. $3,000 over 120 months: at 21.27% the exact
    # level payment 6052.489 cents rounds down to 6052 and the last instalment makes up 6259; at 21.28% the
    # exact 6054.513 rounds up to 6055, the 119 slightly larger payments repay principal sooner and the last
    # instalment is only 5842, so total interest falls by 60 cents. Found by exhaustive search over APR.
    lower = _plan(300_000, apr_percent=Decimal("21.27"), instalments=120)
    higher = _plan(300_000, apr_percent=Decimal("21.28"), instalments=120)
    assert [lower.instalments[0].amount_cents, lower.instalments[-1].amount_cents] == [6_052, 6_259]
    assert [higher.instalments[0].amount_cents, higher.instalments[-1].amount_cents] == [6_055, 5_842]
    assert (lower.interest_cents, higher.interest_cents) == (426_447, 426_387)


def test_a_plan_paid_in_full_by_deposit_has_an_empty_schedule_whatever_the_instalments() -> None:
    for instalments in (0, 1, 500):
        plan = _plan(250_000, deposit_cents=250_000, instalments=instalments, apr_percent=Decimal(10))
        assert plan.instalments == ()
        assert (plan.financed_cents, plan.interest_cents, plan.total_payable_cents) == (0, 0, 250_000)


# --- due dates -------------------------------------------------------------------------------------------


def _dues(first_due: date, instalments: int) -> list[date]:
    return [i.due for i in _plan(120_000, first_due=first_due, instalments=instalments).instalments]


def test_month_end_due_dates_clamp_to_short_months_without_drifting() -> None:
    assert _dues(date(2027, 1, 31), 4) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_a_leap_february_gets_its_29th() -> None:
    assert _dues(date(2028, 1, 31), 3) == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]


def test_a_plan_starting_on_a_leap_day_keeps_the_29th_and_clamps_the_next_february() -> None:
    dues = _dues(date(2024, 2, 29), 13)
    assert dues[1] == date(2024, 3, 29)
    assert dues[12] == date(2025, 2, 28)


def test_due_dates_roll_over_the_year() -> None:
    assert _dues(date(2027, 11, 30), 4) == [
        date(2027, 11, 30),
        date(2027, 12, 30),
        date(2028, 1, 30),
        date(2028, 2, 29),
    ]


def test_the_120th_instalment_falls_ten_years_less_a_month_after_the_first() -> None:
    assert _dues(date(2027, 1, 31), 120)[-1] == date(2036, 12, 31)


# --- properties ------------------------------------------------------------------------------------------

totals = st.integers(min_value=0, max_value=10_000_000)
counts = st.integers(min_value=1, max_value=120)
aprs = st.integers(min_value=0, max_value=3_600).map(lambda hundredths: Decimal(hundredths) / 100)


@st.composite
def plans(draw: st.DrawFn, apr: st.SearchStrategy[Decimal] = aprs) -> PaymentPlan:
    total = draw(totals)
    deposit = draw(st.integers(min_value=0, max_value=total))
    return _plan(total, deposit_cents=deposit, instalments=draw(counts), apr_percent=draw(apr))


@settings(deadline=None)
@given(plans())
def test_instalments_sum_exactly_to_the_financed_total_plus_interest(plan: PaymentPlan) -> None:
    """Invariant: Σ amount = financed + Σ interest, each amount = principal + interest, and the plan's
    total payable is the deposit plus the instalments, to the cent."""
    assert sum(i.amount_cents for i in plan.instalments) == plan.financed_cents + plan.interest_cents
    assert all(i.amount_cents == i.principal_cents + i.interest_cents for i in plan.instalments)
    assert plan.total_payable_cents == plan.total_cents + plan.interest_cents


@settings(deadline=None)
@given(plans())
def test_principal_parts_repay_exactly_the_financed_amount(plan: PaymentPlan) -> None:
    """Invariant: Σ principal = financed = total − deposit, and each balance is the previous one less this
    principal, ending at exactly 0 after the last of N instalments."""
    assert plan.financed_cents == plan.total_cents - plan.deposit_cents
    assert sum(i.principal_cents for i in plan.instalments) == plan.financed_cents
    balance = plan.financed_cents
    for instalment in plan.instalments:
        balance -= instalment.principal_cents
        assert instalment.balance_after_cents == balance
    if plan.financed_cents:
        assert [i.number for i in plan.instalments] == list(range(1, len(plan.instalments) + 1))
        assert plan.instalments[-1].balance_after_cents == 0


@settings(deadline=None)
@given(plans())
def test_no_amount_principal_interest_or_balance_is_ever_negative(plan: PaymentPlan) -> None:
    """Invariant: every amount, principal, interest and balance-after is ≥ 0, and due dates strictly rise."""
    for i in plan.instalments:
        assert min(i.amount_cents, i.principal_cents, i.interest_cents, i.balance_after_cents) >= 0
    dues = [i.due for i in plan.instalments]
    assert dues == sorted(set(dues))


@settings(deadline=None)
@given(plans(apr=st.just(Decimal(0))))
def test_an_interest_free_plan_charges_nothing_and_differs_by_at_most_a_cent(plan: PaymentPlan) -> None:
    """Invariant at APR 0: interest is 0, instalments differ by ≤ 1 cent and never rise over time."""
    amounts = [i.amount_cents for i in plan.instalments]
    assert plan.interest_cents == 0
    if amounts:
        assert max(amounts) - min(amounts) <= 1
        assert amounts == sorted(amounts, reverse=True)


def _rounding_bound(financed_cents: int, apr_percent: Decimal, n: int) -> Fraction:
    # Cent rounding moves total interest away from the exact annuity's N·P − F by at most s − N/2 cents,
    # s = ((1+r)^N − 1)/r: the payment's rounding error δ ≤ ½ costs δ·(s − N), each month's interest rounding
    # error ≤ ½ compounds to at most ½·s in all. At APR 0 nothing is rounded.
    if apr_percent == 0:
        return Fraction(0)
    _, _, s = _exact_annuity(financed_cents, apr_percent, n)
    return s - Fraction(n, 2)


@settings(deadline=None)
@given(plans(apr=st.integers(min_value=1, max_value=3_600).map(lambda h: Decimal(h) / 100)))
def test_total_interest_stays_within_the_rounding_bound_of_the_exact_annuity(plan: PaymentPlan) -> None:
    """Invariant: |Σ interest − (N·P − F)| ≤ s − N/2 cents, against the exact annuity computed independently
    with Fractions, and the rounded level payment equals round-half-up(P) for every instalment but the last
    (unless a tiny loan is paid off early by a rounded-up payment)."""
    if not plan.instalments:
        return
    n = len(plan.instalments)
    exact_payment, exact_interest, _ = _exact_annuity(plan.financed_cents, plan.apr_percent, n)
    assert abs(plan.interest_cents - exact_interest) <= _rounding_bound(plan.financed_cents, plan.apr_percent, n)
    if plan.financed_cents >= 100 * n:
        assert {i.amount_cents for i in plan.instalments[:-1]} <= {_half_up(exact_payment)}


@settings(deadline=None)
@given(totals, counts, aprs, aprs)
def test_a_higher_apr_never_lowers_total_interest_beyond_rounding(
    financed: int, n: int, apr_a: Decimal, apr_b: Decimal
) -> None:
    """Invariant: for the same financed amount and count, total interest at the higher APR is at least that at
    the lower APR, less the two plans' rounding bounds (exact annuity interest is strictly monotone in r; the
    cent rounding the spec requires can break strict monotonicity — see the 21.27% → 21.28% example)."""
    low, high = sorted((apr_a, apr_b))
    at_low = _plan(financed, instalments=n, apr_percent=low).interest_cents
    at_high = _plan(financed, instalments=n, apr_percent=high).interest_cents
    slack = _rounding_bound(financed, low, n) + _rounding_bound(financed, high, n)
    assert at_high >= at_low - slack
    if low == 0:
        assert at_low == 0 <= at_high


# --- refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code", "argument"),
    [
        ({"total_cents": -1}, "payment_total_negative", "total_cents"),
        ({"deposit_cents": -1}, "payment_deposit_out_of_range", "deposit_cents"),
        ({"deposit_cents": 100_001}, "payment_deposit_out_of_range", "deposit_cents"),
        ({"instalments": 0}, "payment_instalments_out_of_range", "instalments"),
        ({"instalments": 121}, "payment_instalments_out_of_range", "instalments"),
        ({"apr_percent": Decimal("-0.01")}, "payment_apr_out_of_range", "apr_percent"),
        ({"apr_percent": Decimal("100.01")}, "payment_apr_out_of_range", "apr_percent"),
        ({"apr_percent": Decimal("NaN")}, "payment_apr_out_of_range", "apr_percent"),
        ({"apr_percent": Decimal("Infinity")}, "payment_apr_out_of_range", "apr_percent"),
        ({"currency": "usd"}, "payment_currency_invalid", "currency"),
        ({"currency": "US"}, "payment_currency_invalid", "currency"),
        ({"currency": "USDX"}, "payment_currency_invalid", "currency"),
        ({"currency": "ÜSD"}, "payment_currency_invalid", "currency"),
        ({"first_due": date(9999, 12, 1), "instalments": 2}, "payment_first_due_out_of_range", "first_due"),
    ],
)
def test_it_refuses_bad_arguments_naming_the_argument(kwargs: dict[str, Any], code: str, argument: str) -> None:
    arguments: dict[str, Any] = {"total_cents": 100_000, **kwargs}
    total = arguments.pop("total_cents")
    with pytest.raises(InvalidInput) as refused:
        _plan(total, **arguments)
    assert refused.value.code == code
    assert argument in refused.value.message
    assert refused.value.http_status == 422


def test_the_boundaries_of_each_argument_are_accepted() -> None:
    assert len(_plan(100_000, instalments=1).instalments) == 1
    assert len(_plan(100_000, instalments=120, apr_percent=Decimal(100)).instalments) == 120
    assert _plan(0, instalments=1).instalments == ()
    assert _plan(100_000, deposit_cents=0, apr_percent=Decimal(0)).financed_cents == 100_000
