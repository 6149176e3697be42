"""Mistakes people type: each exits non-zero with one message naming what is wrong, and never a traceback."""

from __future__ import annotations

import json

import pytest

PLAN = ("plan", "--first-infusion", "2027-03-01")
AC = (*PLAN, "--regimen", "ac", "--protocol", "priming-regrowth")

# id -> (command line, words the message must contain)
MISTAKES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unknown_regimen": ((*PLAN, "--regimen", "FOLFOXX", "--protocol", "priming-regrowth"), ("FOLFOXX", "folfox")),
    "unknown_protocol": ((*PLAN, "--regimen", "ac", "--protocol", "nope"), ("protocol", "nope", "priming-regrowth")),
    "unknown_adjunct": ((*AC, "--adjunct", "laser"), ("adjunct", "laser", "minoxidil")),
    "impossible_date": (
        ("plan", "--regimen", "ac", "--first-infusion", "2027-02-30", "--protocol", "priming-regrowth"),
        ("--first-infusion", "2027-02-30"),
    ),
    "malformed_delay": ((*AC, "--delay", "2x7"), ("--delay", "2x7")),
    "delay_of_a_missing_cycle": ((*AC, "--delay", "9:7"), ("Cycle 9", "1 to 4")),
    "unknown_weekday": ((*AC, "--closed", "funday"), ("--closed", "funday")),
    "infusions_without_a_calendar": ((*AC, "--format", "json", "--infusions"), ("--infusions", "--format ics")),
    "deposit_above_total": (("estimate", "--deposit", "7000", "--total", "6000"), ("deposit",)),
    "apr_not_a_number": (("estimate", "--total", "6000", "--apr", "abc"), ("--apr", "abc")),
    "negative_total": (("estimate", "--total", "-5"), ("--total", "-5")),
    "nothing_to_estimate": (("estimate",), ("--total", "--regimen", "--first-infusion", "--protocol")),
    "unknown_use": (
        (
            "estimate",
            "--regimen",
            "ac",
            "--first-infusion",
            "2027-03-01",
            "--protocol",
            "priming-regrowth",
            "--use",
            "x",
        ),
        ("--use",),
    ),
}


# Command lines behind the xfail tests below, run in the same batch; "{tmp}" is a fresh directory.
BUGS: dict[str, tuple[str, ...]] = {
    "out_with_table": (*AC, "--out", "{tmp}/plan.txt"),
    "out_into_missing_dir": (*AC, "--format", "ics", "--out", "{tmp}/no-such-dir/plan.ics"),
    "huge_total": ("estimate", "--total", "1" * 30),
    "end_of_calendar": ("plan", "--regimen", "ac", "--first-infusion", "9999-12-01", "--protocol", "priming-regrowth"),
    "unknown_condition": (*AC, "--adjunct", "scalp-cooling", "--condition", "chilly", "--format", "json"),
    "hyphenated_condition": (*AC, "--adjunct", "scalp-cooling", "--condition", "cold-disorder", "--format", "json"),
}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("errors")


@pytest.fixture(scope="module")
def outcomes(run_many, tmp):
    commands = [args for args, _ in MISTAKES.values()]
    commands += [tuple(arg.replace("{tmp}", str(tmp)) for arg in args) for args in BUGS.values()]
    results = run_many(commands)
    return dict(zip([*MISTAKES, *BUGS], results, strict=True))


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_exits_non_zero_with_a_message_naming_what_is_wrong(outcomes, mistake):
    result = outcomes[mistake]
    _, words = MISTAKES[mistake]
    assert result.code != 0
    assert "Traceback" not in result.stderr
    for word in words:
        assert word.lower() in result.said.lower(), f"{word!r} not in {result.said!r}"


def test_an_unknown_regimen_suggests_the_closest_ids(outcomes):
    result = outcomes["unknown_regimen"]
    assert "Did you mean: folfox" in result.said
    assert result.stdout == ""


def test_an_error_in_a_plan_prints_no_partial_plan(outcomes):
    for mistake in ("unknown_regimen", "unknown_protocol", "malformed_delay", "delay_of_a_missing_cycle"):
        assert outcomes[mistake].stdout == "", mistake


def test_an_impossible_date_says_why_it_is_not_a_date(outcomes):
    assert "day is out of range for month" in outcomes["impossible_date"].said


# ---- bugs: each test states the behaviour the CLI should have; they fail today -----------------------------------


def test_out_with_the_table_format_writes_the_file(outcomes, tmp):
    result = outcomes["out_with_table"]
    assert result.code == 0, result.stderr
    assert (tmp / "plan.txt").is_file()


def test_out_into_a_missing_directory_is_an_error_without_a_traceback(outcomes, tmp):
    result = outcomes["out_into_missing_dir"]
    assert result.code != 0
    assert "Traceback" not in result.stderr
    assert str(tmp / "no-such-dir" / "plan.ics") in result.said


def test_an_absurdly_large_total_is_refused_without_a_traceback(outcomes):
    result = outcomes["huge_total"]
    assert result.code != 0
    assert "Traceback" not in result.stderr
    assert "--total" in result.said


def test_an_invalid_timezone_setting_is_an_error_without_a_traceback(run):
    result = run("regimens", "list", env={"EXOHAIR_TIMEZONE": "Mars/Base"})
    assert result.code != 0
    assert "Traceback" not in result.stderr
    assert "EXOHAIR_TIMEZONE" in result.said


def test_a_first_infusion_at_the_end_of_the_calendar_is_an_error_without_a_traceback(outcomes):
    result = outcomes["end_of_calendar"]
    assert result.code != 0
    assert "Traceback" not in result.stderr
    assert "9999-12-01" in result.said


def test_an_unknown_condition_code_is_refused_naming_condition(outcomes):
    result = outcomes["unknown_condition"]
    assert result.code != 0
    assert "--condition" in result.said
    assert "chilly" in result.said
    assert "cold_disorder" in result.said  # the message lists the codes intake records


def test_a_hyphenated_condition_code_is_read_as_the_recorded_code(outcomes):
    result = outcomes["hyphenated_condition"]
    assert result.code == 0, result.stderr
    cooling = next(a for a in json.loads(result.stdout)["plan"]["adjuncts"] if a["id"] == "scalp-cooling")
    assert [p["code"] for p in cooling["problems"]] == ["caution_cold_disorder"]


def test_a_deposit_above_the_total_is_explained_in_money_not_cents(outcomes):
    said = outcomes["deposit_above_total"].said
    assert "deposit_cents" not in said
    assert "700000" not in said
    assert "600000" not in said
