"""Payment allocation invariants: whatever the schedule and whatever has been paid, the money is counted once,
in order, and the balance is exactly what is left. Every comparison is exact integer cents (tolerance 0).

The schedules drawn include the domain's own (deposit plus interest-free or amortized instalments), so the
stored shape the billing service allocates over is covered, as well as arbitrary lists with zero amounts.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exohair.domain.payments import plan_payments
from exohair.features.billing.allocation import Due, allocate_payments

SETTINGS = settings(max_examples=300, deadline=None)
START = date(2027, 1, 31)


@st.composite
def arbitrary_dues(draw: st.DrawFn) -> list[Due]:
    amounts = draw(st.lists(st.integers(0, 500_000), max_size=30))
    return [Due(n, START + timedelta(days=30 * n), a) for n, a in enumerate(amounts)]


@st.composite
def planned_dues(draw: st.DrawFn) -> list[Due]:
    total = draw(st.integers(1, 5_000_000))
    deposit = draw(st.integers(0, total))
    apr = Decimal(draw(st.integers(0, 30_000))) / 1000  # 0.000 .. 30.000 percent
    plan = plan_payments(
        total, currency="USD", instalments=draw(st.integers(1, 120)), deposit_cents=deposit, apr_percent=apr,
        first_due=START,
    )  # fmt: skip
    dues = [Due(0, START - timedelta(days=30), deposit)] if deposit else []
    return dues + [Due(i.number, i.due, i.amount_cents) for i in plan.instalments]


schedules = st.one_of(arbitrary_dues(), planned_dues())


@SETTINGS
@given(dues=schedules, data=st.data())
def test_allocated_money_never_exceeds_what_was_paid_and_covers_in_order(dues: list[Due], data: st.DataObject) -> None:
    payable = sum(d.amount_cents for d in dues)
    paid = data.draw(st.integers(0, payable + 100_000), label="paid_cents")
    allocation = allocate_payments(dues, paid)
    covered = [d.covered_cents for d in allocation.dues]
    assert sum(covered) == min(paid, payable) <= paid
    assert all(0 <= d.covered_cents <= d.amount_cents for d in allocation.dues)
    # Order: nothing is covered after a due that is only partly covered.
    first_open = next((i for i, d in enumerate(allocation.dues) if not d.covered), len(dues))
    assert all(c == 0 for c in covered[first_open + 1 :])


@SETTINGS
@given(dues=schedules, data=st.data())
def test_the_balance_is_payable_minus_paid(dues: list[Due], data: st.DataObject) -> None:
    payable = sum(d.amount_cents for d in dues)
    paid = data.draw(st.integers(0, payable + 100_000), label="paid_cents")
    allocation = allocate_payments(dues, paid)
    assert allocation.payable_cents == payable
    assert allocation.paid_cents == paid
    assert allocation.balance_cents == payable - paid
    outstanding = sum(d.outstanding_cents for d in allocation.dues)
    assert outstanding == max(0, allocation.balance_cents)


@SETTINGS
@given(dues=schedules, data=st.data())
def test_the_next_due_is_the_first_not_fully_covered(dues: list[Due], data: st.DataObject) -> None:
    payable = sum(d.amount_cents for d in dues)
    paid = data.draw(st.integers(0, payable + 100_000), label="paid_cents")
    allocation = allocate_payments(dues, paid)
    expected = next((d.number for d in dues if sum(x.amount_cents for x in dues[: dues.index(d) + 1]) > paid), None)
    assert (allocation.next_due.number if allocation.next_due else None) == expected
    assert (allocation.next_due is None) == (paid >= payable)


@SETTINGS
@given(dues=schedules, data=st.data())
def test_overdue_dues_are_past_and_not_covered(dues: list[Due], data: st.DataObject) -> None:
    payable = sum(d.amount_cents for d in dues)
    paid = data.draw(st.integers(0, payable), label="paid_cents")
    today = data.draw(st.dates(START - timedelta(days=60), START + timedelta(days=4000)), label="today")
    allocation = allocate_payments(dues, paid)
    overdue = allocation.overdue(today)
    assert all(d.due_on < today and d.outstanding_cents > 0 for d in overdue)
    assert {d.number for d in overdue} == {d.number for d in allocation.dues if d.due_on < today and not d.covered}
    if allocation.next_due is None:
        assert overdue == ()


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="paid_cents"):
        allocate_payments([], -1)
    with pytest.raises(ValueError, match="negative"):
        allocate_payments([Due(1, START, -5)], 0)
