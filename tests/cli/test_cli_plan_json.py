"""`exohair plan --format json`: the shape the README documents, and real dates for the reference course."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

import pytest

# Keys whose values are ISO dates (or null where the README allows it), wherever they appear in the document.
DATE_KEYS = {
    "date",
    "scheduled",
    "first_infusion",
    "last_infusion",
    "end_of_chemo",
    "target",
    "earliest",
    "latest",
    "start",
    "end",
    "expected_onset",
    "expected_regrowth_start",
}
NULLABLE_DATE_PATHS = {"plan.sessions[].date", "plan.adjuncts[].start", "plan.adjuncts[].end"}


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _walk_dates(node: Any, path: str, found: list[tuple[str, Any]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else key
            if key in DATE_KEYS and not isinstance(value, dict):
                found.append((child, value))
            elif key == "dates":
                found.extend((f"{child}[]", v) for v in value)
            else:
                _walk_dates(value, child, found)
    elif isinstance(node, list):
        for item in node:
            _walk_dates(item, f"{path}[]", found)


@pytest.fixture(scope="module")
def variants(run_many) -> dict[str, dict[str, Any]]:
    """The reference course with a delay, a skip, adjuncts (each naming the regimen as the README's spellings do);
    and one starting on a Saturday at a clinic closed at weekends."""

    def course(regimen: str, first: str = "2027-03-01") -> tuple[str, ...]:
        return ("--regimen", regimen, "--first-infusion", first, "--protocol", "priming-regrowth")

    commands = {
        "delayed": (*course("AC-T"), "--delay", "2:7"),
        "skipped": (*course("act"), "--skip", "16"),
        "weekends": (*course("ac-t", "2027-03-06"), "--closed", "sat,sun"),
        "adjuncts": (*course("AC→T"), "--adjunct", "scalp-cooling", "--adjunct", "minoxidil", "--adjunct", "prp"),
    }
    results = run_many([("plan", *args, "--format", "json") for args in commands.values()])
    return {name: result.json() for name, result in zip(commands, results, strict=True)}


def _check_shape(data: dict[str, Any]) -> None:
    for infusion in data["calendar"]["infusions"]:
        assert isinstance(infusion["date"], str)
        assert isinstance(infusion["phase"], str)
        assert infusion["phase"]
        assert type(infusion["cycle"]) is int
        assert type(infusion["day"]) is int
        nadir = infusion["nadir"]
        if infusion["status"] == "planned":
            assert set(nadir) >= {"start", "end"}
            assert _day(infusion["date"]) < _day(nadir["start"]) <= _day(nadir["end"])
    for session in data["plan"]["sessions"]:
        assert set(session) >= {"kind", "target", "date", "window", "problems"}
        assert isinstance(session["kind"], str)
        assert set(session["window"]) >= {"earliest", "latest"}
        assert isinstance(session["problems"], list)
        window = _day(session["window"]["earliest"]), _day(session["window"]["latest"])
        assert window[0] <= _day(session["target"]) <= window[1]
        if session["date"] is not None:
            assert window[0] <= _day(session["date"]) <= window[1]
        else:
            assert session["problems"], "a session without a date says why"
    assert isinstance(data["plan"]["adjuncts"], list)
    for assessment in data["plan"]["assessments"]:
        assert set(assessment) >= {"date", "label"}
        assert isinstance(assessment["label"], str)
    risk = data["risk"]
    assert isinstance(risk["p_grade2"], float)
    assert 0 <= risk["p_grade2"] <= 1
    assert risk["basis"]
    for basis in risk["basis"]:
        assert isinstance(basis["source"], str)
        assert basis["source"]
        assert basis["evidence"] in {"V", "V2", "R", "D"}
    cost = data["cost"]
    assert isinstance(cost["currency"], str)
    assert len(cost["currency"]) == 3
    for key in ("low_cents", "expected_cents", "high_cents"):
        assert type(cost[key]) is int, key
    assert 0 <= cost["low_cents"] <= cost["expected_cents"] <= cost["high_cents"]
    found: list[tuple[str, Any]] = []
    _walk_dates(data, "", found)
    assert len(found) > 50
    for where, value in found:
        if value is None:
            assert where in NULLABLE_DATE_PATHS, where
            continue
        assert isinstance(value, str), where
        _day(value)  # raises on anything but YYYY-MM-DD


def test_the_plan_json_has_the_documented_shape_and_every_date_parses(reference_json):
    assert reference_json["schema_version"] == 1
    assert reference_json["regimen"]["id"] == "ac-t"
    assert reference_json["protocol"]["id"] == "priming-regrowth"
    _check_shape(reference_json)


def test_every_variant_of_the_plan_json_has_the_documented_shape(variants):
    assert len(variants) >= 4  # an empty set of variants would pass the loop below vacuously
    for name, data in variants.items():
        try:
            _check_shape(data)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def test_a_regimen_is_found_by_any_of_its_readme_spellings(variants):
    # delayed: "AC-T", skipped: "act", adjuncts: "AC→T".
    for name in ("delayed", "skipped", "adjuncts"):
        assert variants[name]["regimen"]["id"] == "ac-t", name


def test_the_first_session_is_priming_fourteen_days_before_the_first_infusion(reference_json):
    first = reference_json["plan"]["sessions"][0]
    assert first["kind"] == "priming"
    assert first["date"] == first["target"] == "2027-02-15"
    assert _day("2027-03-01") - _day(first["date"]) == timedelta(days=14)
    assert reference_json["calendar"]["first_infusion"] == "2027-03-01"


def test_ac_then_weekly_paclitaxel_has_sixteen_infusions_with_weekly_paclitaxel_from_cycle_five(reference_json):
    infusions = reference_json["calendar"]["infusions"]
    assert len(infusions) == 16
    assert [i["cycle"] for i in infusions] == list(range(1, 17))
    assert all(i["status"] == "planned" and i["day"] == 1 for i in infusions)
    assert {i["phase"] for i in infusions[:4]} == {"AC"}
    assert {i["phase"] for i in infusions[4:]} == {"Weekly paclitaxel"}
    assert infusions[4]["date"] == "2027-05-24"
    days = [_day(i["date"]) for i in infusions]
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert gaps == [21] * 4 + [7] * 11
    assert reference_json["calendar"]["last_infusion"] == "2027-08-09"


def test_sessions_are_priming_before_and_regrowth_after_chemotherapy(reference_json):
    sessions = reference_json["plan"]["sessions"]
    assert [s["kind"] for s in sessions] == ["priming", "priming", "regrowth", "regrowth", "regrowth"]
    last = _day(reference_json["calendar"]["last_infusion"])
    first = _day(reference_json["calendar"]["first_infusion"])
    assert all(_day(s["date"]) < first for s in sessions[:2])
    assert all(_day(s["date"]) > last for s in sessions[2:])
    assert all(s["problems"] == [] for s in sessions)
    labels = [a["label"] for a in reference_json["plan"]["assessments"]]
    assert labels[0] == "baseline"
    assert {"end of chemo", "+3 months", "+6 months", "+12 months"} <= set(labels)


def test_the_risk_and_cost_of_the_reference_course_are_real_numbers(reference_json):
    assert reference_json["risk"]["p_grade2"] == pytest.approx(0.94)
    assert reference_json["risk"]["risk_class"] == "high"
    cost = reference_json["cost"]
    assert cost["currency"] == "USD"
    assert cost["expected_cents"] > 0
    assert sum(line["expected_cents"] for line in cost["lines"]) == cost["expected_cents"]


def test_a_delay_moves_that_cycle_and_every_later_infusion_and_the_regrowth_sessions(reference_json, variants):
    before, after = reference_json, variants["delayed"]
    assert len(after["calendar"]["infusions"]) == 16
    for old, new in zip(before["calendar"]["infusions"], after["calendar"]["infusions"], strict=True):
        shift = 0 if old["cycle"] == 1 else 7
        assert _day(new["date"]) - _day(old["date"]) == timedelta(days=shift), old["cycle"]
        assert new["scheduled"] == old["date"]
        assert new["shift_days"] == shift
    for old, new in zip(before["plan"]["sessions"], after["plan"]["sessions"], strict=True):
        assert new["key"] == old["key"]
        shift = 7 if old["kind"] == "regrowth" else 0
        assert _day(new["date"]) - _day(old["date"]) == timedelta(days=shift), old["key"]
    assert _day(after["calendar"]["last_infusion"]) == _day("2027-08-16")


def test_no_session_falls_on_a_closed_weekend(variants):
    sessions = variants["weekends"]["plan"]["sessions"]
    # Without the closure these targets would be Saturdays: the test is not passing by luck.
    assert any(_day(s["target"]).weekday() >= 5 for s in sessions)
    for s in sessions:
        assert s["date"] is not None, s
        assert _day(s["date"]).weekday() < 5, s
        assert _day(s["window"]["earliest"]) <= _day(s["date"]) <= _day(s["window"]["latest"])


def test_a_skip_marks_the_last_infusion_skipped(variants):
    infusions = variants["skipped"]["calendar"]["infusions"]
    assert len(infusions) == 16
    assert infusions[-1]["cycle"] == 16
    assert infusions[-1]["status"] == "skipped"
    assert all(i["status"] == "planned" for i in infusions[:-1])
    # The last dose given is now cycle 15.
    assert variants["skipped"]["calendar"]["last_infusion"] == infusions[-2]["date"] == "2027-08-02"


def test_adjuncts_are_listed_with_their_dates_and_priced(variants, reference_json):
    data = variants["adjuncts"]
    adjuncts = {a["id"]: a for a in data["plan"]["adjuncts"]}
    assert set(adjuncts) == {"scalp-cooling", "minoxidil", "prp"}
    infusion_dates = [i["date"] for i in data["calendar"]["infusions"]]
    assert adjuncts["scalp-cooling"]["dates"] == infusion_dates
    regrowth = [s["date"] for s in data["plan"]["sessions"] if s["kind"] == "regrowth"]
    assert adjuncts["prp"]["dates"] == regrowth
    assert adjuncts["minoxidil"]["unit"] == "month"
    assert data["cost"]["expected_cents"] > reference_json["cost"]["expected_cents"]


def test_json_written_with_out_is_the_same_document_as_on_stdout(reference_run, variants):
    result, target = reference_run
    assert str(target) in result.shown
    assert "{" not in result.stdout
    written = json.loads(target.read_text(encoding="utf-8"))
    # The skip variant on stdout differs from the reference only in the skipped infusion and what follows from it.
    on_stdout = variants["skipped"]
    assert set(on_stdout) == set(written)
    assert on_stdout["plan"]["sessions"][:2] == written["plan"]["sessions"][:2]
    assert on_stdout["calendar"]["infusions"][:15] == written["calendar"]["infusions"][:15]
