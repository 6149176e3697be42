"""Money typed into forms: amounts in the currency's units ("1,250.50") to integer cents, rates as decimals,
and the payment terms a deposit and monthly instalments are agreed with. Never floats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from exohair.domain.payments import MAX_APR_PERCENT, MAX_INSTALMENTS
from exohair.features.intake.service import PaymentTerms

MAX_MONEY = Decimal("10000000")  # ten million in the currency's units: far above any treatment


def payment_terms(form: dict[str, str]) -> tuple[PaymentTerms | None, dict[str, str]]:
    errors: dict[str, str] = {}
    deposit = cents(form.get("deposit", "") or "0")
    if deposit is None:
        errors["deposit"] = "Enter an amount such as 500 or 500.00 (0 for no deposit)."
    instalments = form.get("instalments", "")
    if not instalments.isdigit() or not 1 <= int(instalments) <= MAX_INSTALMENTS:
        errors["instalments"] = f"Enter a whole number of monthly instalments from 1 to {MAX_INSTALMENTS}."
    apr = _decimal(form.get("apr_percent", "") or "0", places=3)
    if apr is None or apr > MAX_APR_PERCENT:
        errors["apr_percent"] = f"Enter a yearly rate from 0 to {MAX_APR_PERCENT} per cent, e.g. 0 or 4.9."
    try:
        first_due = date.fromisoformat(form.get("first_due_on", ""))
    except ValueError:
        errors["first_due_on"] = "Enter the date the first instalment is due."
    if errors or deposit is None or apr is None:
        return None, errors
    return PaymentTerms(deposit, int(instalments), apr, first_due), {}


def cents(text: str) -> int | None:
    amount = _decimal(text.replace(",", ""), places=2)
    return None if amount is None or amount > MAX_MONEY else int(amount * 100)


def _decimal(text: str, *, places: int) -> Decimal | None:
    """A non-negative decimal with at most `places` decimals, or None for anything else ("1e3", "NaN", "-5")."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or value < 0 or not isinstance(exponent, int) or exponent < -places:
        return None
    return value
