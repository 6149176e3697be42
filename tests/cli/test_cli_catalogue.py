"""`exohair regimens|protocols list|show`: the JSON lists, and every listed id works everywhere an id is taken."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

FIRST = "2027-03-01"


@pytest.fixture(scope="module")
def lists(run_many):
    regimens, protocols = run_many(
        [("regimens", "list", "--format", "json"), ("protocols", "list", "--format", "json")]
    )
    return {"regimens": regimens, "protocols": protocols}


@pytest.fixture(scope="module")
def regimens(lists) -> list[dict[str, Any]]:
    return lists["regimens"].json()


@pytest.fixture(scope="module")
def protocols(lists) -> list[dict[str, Any]]:
    return lists["protocols"].json()


@pytest.fixture(scope="module")
def shown(run_many, regimens, protocols):
    """`regimens show ID` and `protocols show ID` for every listed id, keyed by (kind, id)."""
    keys = [("regimens", r["id"]) for r in regimens] + [("protocols", p["id"]) for p in protocols]
    results = run_many([(kind, "show", ident) for kind, ident in keys])
    return dict(zip(keys, results, strict=True))


@pytest.fixture(scope="module")
def planned(run_many, regimens, protocols):
    """`plan --format json` for every regimen (with priming-regrowth) and every protocol (with ac-t)."""
    keys = [("regimen", r["id"], "priming-regrowth") for r in regimens]
    keys += [("protocol", "ac-t", p["id"]) for p in protocols if p["id"] != "priming-regrowth"]
    commands = [
        ("plan", "--regimen", regimen, "--first-infusion", FIRST, "--protocol", protocol, "--format", "json")
        for _, regimen, protocol in keys
    ]
    return dict(zip(keys, run_many(commands), strict=True))


def _check_list(rows: object) -> None:
    assert isinstance(rows, list)
    for row in rows:
        assert isinstance(row, dict)
        assert isinstance(row.get("id"), str)
        assert row["id"]
        assert isinstance(row.get("name"), str)
        assert row["name"]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "ids are unique"


def test_regimens_list_as_json_is_an_array_of_at_least_twenty_objects_with_id_and_name(regimens):
    _check_list(regimens)
    assert len(regimens) >= 20
    assert {"ac", "ac-t", "tc", "folfox"} <= {r["id"] for r in regimens}


def test_protocols_list_as_json_is_an_array_of_at_least_three_objects_with_id_and_name(protocols):
    _check_list(protocols)
    assert len(protocols) >= 3
    assert {"priming-regrowth", "priming-in-cycle-regrowth", "regrowth-only"} <= {p["id"] for p in protocols}


def test_the_json_lists_go_to_stdout_with_nothing_on_stderr(lists):
    for result in lists.values():
        assert result.code == 0
        assert result.stderr == ""


def test_every_listed_regimen_can_be_shown_by_its_id(shown, regimens):
    failures = []
    for r in regimens:
        result = shown[("regimens", r["id"])]
        if result.code != 0 or r["name"] not in result.shown or result.stderr:
            failures.append(f"{r['id']}: exit {result.code}, stderr {result.stderr!r}")
    assert failures == []


def test_every_listed_protocol_can_be_shown_by_its_id(shown, protocols):
    failures = []
    for p in protocols:
        result = shown[("protocols", p["id"])]
        if result.code != 0 or p["name"] not in result.shown or result.stderr:
            failures.append(f"{p['id']}: exit {result.code}, stderr {result.stderr!r}")
    assert failures == []


def test_every_listed_regimen_id_can_be_planned(planned, regimens):
    failures = []
    for r in regimens:
        result = planned[("regimen", r["id"], "priming-regrowth")]
        if result.code != 0:
            failures.append(f"{r['id']}: exit {result.code}, stderr {result.stderr!r}")
            continue
        data = result.json()
        if data["regimen"] != {"id": r["id"], "name": r["name"]}:
            failures.append(f"{r['id']}: planned as {data['regimen']}")
        elif date.fromisoformat(data["calendar"]["first_infusion"]) != date.fromisoformat(FIRST):
            failures.append(f"{r['id']}: first infusion {data['calendar']['first_infusion']}")
    assert failures == []


def test_every_listed_protocol_id_can_be_planned(planned, protocols, reference_json):
    failures = []
    for p in protocols:
        if p["id"] == "priming-regrowth":
            data = reference_json
        else:
            result = planned[("protocol", "ac-t", p["id"])]
            if result.code != 0:
                failures.append(f"{p['id']}: exit {result.code}, stderr {result.stderr!r}")
                continue
            data = result.json()
        if data["protocol"]["id"] != p["id"] or data["protocol"]["name"] != p["name"]:
            failures.append(f"{p['id']}: planned as {data['protocol']}")
        elif p["id"] != "observation-only" and not data["plan"]["sessions"]:
            failures.append(f"{p['id']}: no sessions")
        elif p["id"] == "observation-only" and data["plan"]["sessions"]:
            failures.append(f"{p['id']}: sessions planned for a comparator")
        elif not data["plan"]["assessments"]:
            failures.append(f"{p['id']}: no assessment visits")
    assert failures == []


def test_the_regimen_list_agrees_with_the_planned_calendar_and_risk(planned, regimens):
    for r in regimens:
        data = planned[("regimen", r["id"], "priming-regrowth")].json()
        assert max(i["cycle"] for i in data["calendar"]["infusions"]) == r["cycles"], r["id"]
        assert data["risk"]["p_grade2"] == r["p_grade2"], r["id"]
