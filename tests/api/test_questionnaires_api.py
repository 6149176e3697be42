"""The questionnaire API: the instruments in force with their scales, scoring and sources; a response recorded
and listed with its scores; answers that do not fit refused as problem+json naming each item."""

from __future__ import annotations

from exohair.domain.access import Role

CL, ON = Role.CLINICIAN, Role.ONCOLOGIST


def test_the_instruments_in_force_come_with_their_scales_and_sources(api):
    answer = api.as_ada().get("/api/v1/instruments")
    assert answer.status_code == 200
    instruments = {i["id"]: i for i in answer.json()}
    assert set(instruments) == {"hair-check", "hair-loss-rating"}
    rating = instruments["hair-loss-rating"]
    assert rating["evidence"] == "D"
    assert rating["items"][0] | {"text": "…"} == {
        "link_id": "hair-lost", "text": "…", "type": "integer", "required": True, "options": [], "min_value": 0,
        "max_value": 100, "min_label": "0: none of my hair", "max_label": "100: all of my hair",
    }  # fmt: skip
    (score,) = rating["scores"]
    assert (score["method"], score["range"], score["min_answered"]) == ("sum", [0, 100], 1)
    assert [b["at_least"] for b in score["bands"]] == [0, 1, 26, 51, 76]
    assert all(b["source"] and b["evidence"] == "D" for b in score["bands"])


def test_a_response_is_scored_and_listed_latest_first(api):
    url = f"/api/v1/patients/{api.world.ada.id}/questionnaire-responses"
    sent = api.as_(CL).post(url, json={"instrument_id": "hair-loss-rating", "answered_on": "2027-02-20",
                                       "answers": {"hair-lost": 60}})  # fmt: skip
    assert sent.status_code == 201
    body = sent.json()
    assert (body["source"], body["instrument_version"], body["answers"]) == ("clinician", 1, {"hair-lost": 60})
    assert body["scores"] == [{"id": "hair-lost", "name": "Hair lost (0 to 100)", "value": 60, "answered": 1, "of": 1,
                               "range": [0, 100], "band": "Dean 3: more than 50% up to 75% lost"}]  # fmt: skip
    mine = api.as_ada().post(url, json={"instrument_id": "hair-check", "instrument_version": 1,
                                        "answers": {"shedding": "1", "covered": False}})  # fmt: skip
    assert mine.status_code == 201
    assert mine.json()["answers"] == {"shedding": "1", "covered": False}
    listed = api.as_(ON).get(url).json()
    assert [(r["instrument_id"], r["source"]) for r in listed] == [("hair-check", "patient"),
                                                                   ("hair-loss-rating", "clinician")]  # fmt: skip


def test_answers_that_do_not_fit_are_problem_json_naming_each_item(api):
    url = f"/api/v1/patients/{api.world.ada.id}/questionnaire-responses"
    refused = api.as_ada().post(url, json={"instrument_id": "hair-check",
                                           "answers": {"scalp": "9", "covered": 1, "mood": "0"}})  # fmt: skip
    assert (refused.status_code, refused.headers["content-type"]) == (422, "application/problem+json")
    problem = refused.json()
    assert problem["code"] == "answers_refused"
    assert [item["link_id"] for item in problem["items"]] == ["mood", "shedding", "scalp", "covered"]
    assert "item 'scalp': '9' is not one of its answers (0, 1, 2, 3, 4)" in problem["detail"]
    stale = api.as_ada().post(url, json={"instrument_id": "hair-check", "instrument_version": 2,
                                         "answers": {"shedding": "1"}})  # fmt: skip
    assert (stale.status_code, stale.json()["code"]) == (409, "instrument_changed")
    unknown = api.as_ada().post(url, json={"instrument_id": "cads", "answers": {"1": "1"}})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_instrument")
    assert api.as_ada().get(url).json() == []
