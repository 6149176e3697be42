"""`exohair estimate`: payment plans from a total or from a priced plan, read off the printed table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

ROW = re.compile(r"^│\s*(\d+)\s*│\s*(\d{4}-\d{2}-\d{2})\s*│\s*\$([\d,]+\.\d{2})\s*│", re.MULTILINE)


def _rows(stdout: str) -> list[tuple[int, str, Decimal]]:
    return [(int(n), due, Decimal(amount.replace(",", ""))) for n, due, amount in ROW.findall(stdout)]


@pytest.fixture(scope="module")
def estimates(run_many):
    commands = {
        "interest_free": (
            "estimate",
            *("--total", "6000", "--deposit", "1000", "--instalments", "12", "--apr", "0"),
            *("--first-due", "2027-01-31"),
        ),
        "apr": ("estimate", "--apr", "9.9", "--total", "5000", "--instalments", "12"),
        "from_plan": (
            "estimate",
            *("--regimen", "ac", "--first-infusion", "2027-03-01", "--protocol", "priming-regrowth"),
            *("--instalments", "6"),
        ),
        "high": (
            "estimate",
            *("--regimen", "ac-t", "--first-infusion", "2027-03-01", "--protocol", "priming-regrowth"),
            *("--instalments", "1", "--use", "high", "--first-due", "2027-04-01"),
        ),
    }
    results = run_many(list(commands.values()))
    for name, result in zip(commands, results, strict=True):
        assert result.code == 0, (name, result.stderr)
    return dict(zip(commands, results, strict=True))


def test_an_interest_free_plan_prints_twelve_instalments_that_add_up_to_the_financed_amount(estimates):
    rows = _rows(estimates["interest_free"].stdout)
    assert [n for n, _, _ in rows] == list(range(1, 13))
    assert rows[0][2] == Decimal("416.67")
    assert rows[0][1] == "2027-01-31"
    assert rows[1][1] == "2027-02-28"
    assert rows[-1][1] == "2027-12-31"
    assert sum(amount for _, _, amount in rows) == Decimal("5000.00")
    shown = estimates["interest_free"].shown
    assert "deposit $1,000.00" in shown
    assert "financed $5,000.00" in shown
    assert "total payable $6,000.00" in shown


def test_an_apr_gives_a_level_monthly_payment(estimates):
    result = estimates["apr"]
    assert "$439.35" in result.stdout
    rows = _rows(result.stdout)
    assert len(rows) == 12
    assert {amount for _, _, amount in rows[:-1]} == {Decimal("439.35")}
    assert "9.9% APR" in result.shown
    interest = Decimal(re.search(r"interest \$([\d,]+\.\d{2})", result.shown).group(1).replace(",", ""))
    assert sum(amount for _, _, amount in rows) == Decimal("5000.00") + interest


def _money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def test_an_estimate_from_a_plan_prints_the_estimate_line_and_a_payment_plan(estimates):
    result = estimates["from_plan"]
    line = re.search(
        r"Estimate for AC with Priming \+ regrowth: low \$[\d,.]+, expected \$([\d,.]+), high", result.shown
    )
    assert line, result.shown
    expected = Decimal(line.group(1).replace(",", ""))
    assert expected > 0
    rows = _rows(result.stdout)
    assert [n for n, _, _ in rows] == list(range(1, 7))
    assert sum(amount for _, _, amount in rows) == expected


def test_the_estimate_line_and_use_high_agree_with_the_plan_json(estimates, reference_json):
    result = estimates["high"]
    cost = reference_json["cost"]
    low, expected, high = (_money(cost[key]) for key in ("low_cents", "expected_cents", "high_cents"))
    assert f"low {low}, expected {expected}, high {high}." in result.shown
    assert _rows(result.stdout)[0][2] * 100 == cost["high_cents"]
