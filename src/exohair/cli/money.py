"""Money as people read it, and amounts as people type them. Internally always integer cents."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer

MAX_AMOUNT = Decimal(1_000_000_000)  # far above any course of care; also keeps Decimal well inside its precision
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    symbol = _SYMBOLS.get(currency)
    amount = f"{whole:,}.{part:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def parse_money(text: str, option: str) -> int:
    """'1500', '1,500.50' or '$1500' -> cents. Refuses negatives and fractions of a cent."""
    cleaned = text.strip().lstrip("$€£").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise typer.BadParameter(
            f"'{text}' is not an amount of money, e.g. 1500 or 1,500.00.", param_hint=option
        ) from None
    if not amount.is_finite() or amount < 0:
        raise typer.BadParameter(f"'{text}' must be a non-negative amount.", param_hint=option)
    if amount > MAX_AMOUNT:
        raise typer.BadParameter(f"'{text}' is more than {MAX_AMOUNT:,} — check the amount.", param_hint=option)
    if amount != amount.quantize(Decimal("0.01")):
        raise typer.BadParameter(f"'{text}' has fractions of a cent.", param_hint=option)
    return int(amount * 100)
