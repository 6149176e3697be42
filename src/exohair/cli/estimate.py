"""`exohair estimate`: what the plan costs and how it can be paid (deposit, monthly instalments, optional APR)."""

from __future__ import annotations

from decimal import Decimal

import typer
from rich.table import Table

from exohair.cli.console import clinic_today, knowledge, out, parse_date
from exohair.cli.money import format_money, parse_money
from exohair.cli.options import build_request
from exohair.domain.dates import add_months
from exohair.domain.payments import MAX_APR_PERCENT, MAX_INSTALMENTS, InvalidPaymentPlan, plan_payments
from exohair.features.planning.service import make_full_plan


def estimate_command(
    total: str | None = typer.Option(None, "--total", help="Amount to finance, e.g. 6000; or give a plan below."),
    currency: str = typer.Option("", "--currency", help="Currency of --total (default: the clinic's tariffs)."),
    regimen: str | None = typer.Option(None, "--regimen", help="Price this regimen's plan (with the next two)."),
    first_infusion: str | None = typer.Option(None, "--first-infusion", help="YYYY-MM-DD."),
    protocol: str | None = typer.Option(None, "--protocol", help="Protocol id or name."),
    adjunct: list[str] = typer.Option([], "--adjunct", help="minoxidil, prp or scalp-cooling; repeatable."),
    use: str | None = typer.Option(None, "--use", help="With a plan: finance the low, expected (default) or high."),
    instalments: int = typer.Option(6, "--instalments", help="Number of monthly instalments (1-120)."),
    apr: str = typer.Option("0", "--apr", help="Annual percentage rate, e.g. 9.9; 0 for interest-free."),
    deposit: str = typer.Option("0", "--deposit", help="Paid up front, e.g. 1000."),
    first_due: str | None = typer.Option(None, "--first-due", help="First instalment date (default: in a month)."),
) -> None:
    """A cost estimate and a payment plan whose instalments add up exactly."""
    kb = knowledge()
    if total is not None:
        if use is not None:
            raise typer.BadParameter(
                "--use picks an estimate of a plan; with --total there is none.", param_hint="--use"
            )
        amount_cents = parse_money(total, "--total")
        currency = currency or kb.tariffs.currency
    elif regimen and first_infusion and protocol:
        full = make_full_plan(
            kb,
            build_request(
                regimen=regimen,
                first_infusion=first_infusion,
                protocol=protocol,
                adjunct=adjunct,
                closed="",
                closed_date=[],
                delay=[],
                skip=[],
                start=None,
                age=None,
                aga=False,
                condition=[],
                anticoagulated=False,
            ),
        )
        est = full.estimate
        use = use or "expected"
        if use not in ("low", "expected", "high"):
            raise typer.BadParameter(f"'{use}' is not one of low, expected, high.", param_hint="--use")
        amount_cents = {"low": est.low_cents, "expected": est.expected_cents, "high": est.high_cents}[use]
        currency = est.currency
        out.print(
            f"Estimate for {full.regimen.name} with {full.protocol.name}: low {format_money(est.low_cents, currency)}, "
            f"expected {format_money(est.expected_cents, currency)}, high {format_money(est.high_cents, currency)}."
        )
    else:
        raise typer.BadParameter("give --total, or --regimen, --first-infusion and --protocol.", param_hint="--total")
    try:
        apr_percent = Decimal(apr)
    except ArithmeticError:
        raise typer.BadParameter(f"'{apr}' is not a percentage, e.g. 9.9.", param_hint="--apr") from None
    due = parse_date(first_due, "--first-due") if first_due else add_months(clinic_today(), 1)
    deposit_cents = parse_money(deposit, "--deposit")
    try:
        payment = plan_payments(
            amount_cents,
            currency=currency,
            instalments=instalments,
            deposit_cents=deposit_cents,
            apr_percent=apr_percent,
            first_due=due,
        )
    except InvalidPaymentPlan as error:
        # The domain names its own arguments in cents; say it in the options and money the person typed.
        option, message = {
            "payment_deposit_out_of_range": (
                "--deposit",
                f"the deposit {format_money(deposit_cents, currency)} is more than the total "
                f"{format_money(amount_cents, currency)}.",
            ),
            "payment_apr_out_of_range": ("--apr", f"{apr}% is not between 0% and {MAX_APR_PERCENT}%."),
            "payment_instalments_out_of_range": (
                "--instalments",
                f"{instalments} is not between 1 and {MAX_INSTALMENTS} monthly instalments.",
            ),
            "payment_first_due_out_of_range": ("--first-due", error.message),
        }.get(error.code, ("--total", error.message))
        raise typer.BadParameter(message, param_hint=option) from None
    table = Table("#", "Due", "Amount", "Principal", "Interest", "Balance after", title="Payment plan")
    for i in payment.instalments:
        money = (i.amount_cents, i.principal_cents, i.interest_cents, i.balance_after_cents)
        table.add_row(str(i.number), i.due.isoformat(), *(format_money(c, currency) for c in money))
    out.print(table)
    out.print(
        f"Total {format_money(payment.total_cents, currency)} · deposit {format_money(payment.deposit_cents, currency)}"
        f" · financed {format_money(payment.financed_cents, currency)} at {payment.apr_percent}% APR"
        f" · interest {format_money(payment.interest_cents, currency)}"
        f" · total payable {format_money(payment.total_payable_cents, currency)}"
    )
