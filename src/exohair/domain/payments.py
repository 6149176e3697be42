"""Payment plans: a deposit, then monthly instalments, interest-free or amortized at an APR.

Money is integer cents with a currency; interest arithmetic runs in `Decimal` and is rounded half-up to the
cent at each step, so every schedule adds up exactly and can be reproduced from its inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from exohair.domain.dates import add_months
from exohair.domain.errors import InvalidInput

MAX_INSTALMENTS = 120  # ten years of monthly payments; longer plans are loans, not clinic payment plans
MAX_APR_PERCENT = Decimal(100)
_CURRENCY = re.compile(r"[A-Z]{3}")
_CENT = Decimal(1)  # amounts are already in cents, so "to the cent" means to an integer


class InvalidPaymentPlan(InvalidInput):
    """A payment plan asked for with arguments no plan can honour."""

    code = "invalid_payment_plan"


@dataclass(frozen=True, slots=True)
class Instalment:
    """One monthly payment: `amount_cents` = `principal_cents` + `interest_cents`."""

    number: int  # 1-based
    due: date
    amount_cents: int
    principal_cents: int
    interest_cents: int
    balance_after_cents: int  # principal still owed once this instalment is paid


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A deposit plus a schedule of monthly instalments that together repay `total_cents` and any interest."""

    currency: str  # ISO 4217, e.g. "USD"
    total_cents: int  # price of the treatment
    deposit_cents: int  # paid up front, never financed
    financed_cents: int  # total - deposit: the principal the instalments repay
    apr_percent: Decimal
    instalments: tuple[Instalment, ...]

    @property
    def interest_cents(self) -> int:
        """Total interest charged over the plan, in cents."""
        return sum(i.interest_cents for i in self.instalments)

    @property
    def total_payable_cents(self) -> int:
        """What the patient pays in all: the deposit plus every instalment, in cents."""
        return self.deposit_cents + sum(i.amount_cents for i in self.instalments)


def plan_payments(
    total_cents: int,
    *,
    currency: str,
    instalments: int,
    deposit_cents: int = 0,
    apr_percent: Decimal = Decimal(0),
    first_due: date,
) -> PaymentPlan:
    """Split `total_cents` into a deposit and `instalments` monthly payments, the first due on `first_due`.

    Instalment k is due `first_due` + (k − 1) calendar months, clamped to the last day of a shorter month
    (Jan 31 → Feb 28/29 → Mar 31), so the day of the month never drifts.

    APR 0: the financed amount F = total − deposit (cents) is split into N parts differing by at most one
    cent, the larger parts first, summing exactly to F.

    APR > 0: the level payment of an annuity-immediate (standard amortization),

        r = APR / 100 / 12                    (monthly rate, a fraction)
        P = F · r / (1 − (1 + r)^−N)          (cents per month, rounded half-up to the cent)

    Each month the interest is balance · r rounded half-up to the cent and the principal is P − interest; the
    last instalment pays the remaining balance plus its interest, so it may differ from P by a few cents and
    the balance ends at exactly 0. A principal part is capped at the balance still owed, so when rounding P
    up overpays a very small loan, the remaining instalments are zero rather than negative.

    References: S. G. Kellison, *The Theory of Interest*, 3rd ed. (McGraw-Hill, 2009), §3.2 and §5.2
    (annuity-immediate present value, amortization schedules); US Truth in Lending Act, Regulation Z,
    12 CFR Part 1026, Appendix J (APR = unit-period rate × number of unit periods in a year, here 12).
    Because payments are rounded to the cent, the APR recomputed from the schedule by Appendix J can differ
    from `apr_percent` by a tiny amount, far inside the 1/8 percentage-point tolerance of §1026.22(a)(2).

    Raises `InvalidPaymentPlan` (an `InvalidInput`) naming the bad argument.
    """
    _check_arguments(total_cents, currency, instalments, deposit_cents, apr_percent)
    financed_cents = total_cents - deposit_cents
    if financed_cents == 0:
        # Paid in full up front: there is nothing to schedule, whatever `instalments` says.
        schedule: tuple[Instalment, ...] = ()
    else:
        dues = _due_dates(first_due, instalments)
        if apr_percent == 0:
            schedule = _interest_free(financed_cents, dues)
        else:
            schedule = _amortized(financed_cents, apr_percent, dues)
    return PaymentPlan(
        currency=currency,
        total_cents=total_cents,
        deposit_cents=deposit_cents,
        financed_cents=financed_cents,
        apr_percent=apr_percent,
        instalments=schedule,
    )


def _check_arguments(
    total_cents: int, currency: str, instalments: int, deposit_cents: int, apr_percent: Decimal
) -> None:
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise InvalidPaymentPlan(
            f"currency must be a 3-letter upper-case ISO 4217 code such as 'USD', not {currency!r}.",
            code="payment_currency_invalid",
        )
    if total_cents < 0:
        raise InvalidPaymentPlan(f"total_cents must be zero or more, not {total_cents}.", code="payment_total_negative")
    if deposit_cents < 0 or deposit_cents > total_cents:
        raise InvalidPaymentPlan(
            f"deposit_cents must be between 0 and the total ({total_cents}), not {deposit_cents}.",
            code="payment_deposit_out_of_range",
        )
    # Decimal NaN refuses ordering comparisons, and infinity is no rate, so finiteness comes first.
    if not apr_percent.is_finite() or apr_percent < 0 or apr_percent > MAX_APR_PERCENT:
        raise InvalidPaymentPlan(
            f"apr_percent must be between 0 and {MAX_APR_PERCENT}, not {apr_percent}.",
            code="payment_apr_out_of_range",
        )
    if total_cents > deposit_cents and not 1 <= instalments <= MAX_INSTALMENTS:
        raise InvalidPaymentPlan(
            f"instalments must be between 1 and {MAX_INSTALMENTS}, not {instalments}.",
            code="payment_instalments_out_of_range",
        )


def _due_dates(first_due: date, count: int) -> list[date]:
    try:
        # Always counted from the first due date, never from the previous one, so a clamped Feb 28 does not
        # turn every later instalment into the 28th.
        return [add_months(first_due, k) for k in range(count)]
    except (ValueError, OverflowError) as exc:
        raise InvalidPaymentPlan(
            f"first_due {first_due.isoformat()} is too late: {count} monthly instalments would run past "
            f"{date.max.isoformat()}.",
            code="payment_first_due_out_of_range",
        ) from exc


def _interest_free(financed_cents: int, dues: list[date]) -> tuple[Instalment, ...]:
    base, extra = divmod(financed_cents, len(dues))
    schedule = []
    balance = financed_cents
    for number, due in enumerate(dues, start=1):
        # The odd cents go first so the patient is never asked for more at the end than at the start.
        amount = base + 1 if number <= extra else base
        balance -= amount
        schedule.append(Instalment(number, due, amount, amount, 0, balance))
    return tuple(schedule)


def _amortized(financed_cents: int, apr_percent: Decimal, dues: list[date]) -> tuple[Instalment, ...]:
    count = len(dues)
    # 50 significant digits keep (1 + r)^−120 far more precise than the half-cent the result is rounded to.
    with localcontext() as ctx:
        ctx.prec = 50
        rate = apr_percent / Decimal(1200)
        level = Decimal(financed_cents) * rate / (1 - (1 + rate) ** -count)
        payment = int(level.quantize(_CENT, rounding=ROUND_HALF_UP))
        schedule = []
        balance = financed_cents
        for number, due in enumerate(dues, start=1):
            interest = int((Decimal(balance) * rate).quantize(_CENT, rounding=ROUND_HALF_UP))
            principal = balance if number == count else min(payment - interest, balance)
            balance -= principal
            schedule.append(Instalment(number, due, principal + interest, principal, interest, balance))
    return tuple(schedule)
