"""Scoring a questionnaire response: the shipped hair check and hair-loss rating scored by hand, and every kind of
answer that does not fit refused with the item it concerns. Scores here are small sums of whole numbers, so
they are compared exactly (tolerance 0); a mean is compared to the hand-computed fraction to 1e-12."""

from __future__ import annotations

import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.instruments import AnswersRefused, answers_from_text, score_response
from exohair.knowledge import shipped_knowledge

HAIR_CHECK = shipped_knowledge().instrument("hair-check")
RATING = shipped_knowledge().instrument("hair-loss-rating")
assert HAIR_CHECK is not None
assert RATING is not None


def _scores(scored) -> dict[str, tuple[float | None, int]]:
    return {s.id: (s.value, s.answered) for s in scored.scores}


def test_it_sums_and_averages_the_hair_check_by_its_rules() -> None:
    answers = {"shedding": "3", "scalp": "1", "upset": "4", "looks": "2", "avoiding": "1", "covered": True,
               "note": "  Itchy at night  "}  # fmt: skip
    scored = score_response(HAIR_CHECK, answers)
    assert _scores(scored)["hair-and-scalp"] == (4, 2)  # 3 + 1
    value, answered = _scores(scored)["feelings"]
    assert answered == 3
    assert value == pytest.approx(7 / 3, abs=1e-12)  # (4 + 2 + 1) / 3
    assert dict(scored.answers)["note"] == "Itchy at night"  # kept as typed, without the surrounding blanks
    assert [link_id for link_id, _ in scored.answers] == [i.link_id for i in HAIR_CHECK.items]  # in its order


def test_a_score_needs_its_minimum_of_answered_items() -> None:
    scored = score_response(HAIR_CHECK, {"shedding": "2", "upset": "3", "looks": "1"})
    assert _scores(scored)["hair-and-scalp"] == (None, 1)  # both items needed: a part-sum would mislead
    assert _scores(scored)["feelings"] == (2, 2)  # a mean tolerates one of three left out (min_answered: 2)
    assert score_response(HAIR_CHECK, {"shedding": "0", "upset": "3"}).scores[1].value is None


def test_the_rating_falls_in_its_dean_band() -> None:
    bands = {n: score_response(RATING, {"hair-lost": n}).scores[0].band.label for n in (0, 1, 25, 26, 50, 51, 76, 100)}
    assert [label.split(":")[0] for label in bands.values()] == [
        "Dean 0", "Dean 1", "Dean 1", "Dean 2", "Dean 2", "Dean 3", "Dean 4", "Dean 4",
    ]  # fmt: skip
    assert RATING.score_range(RATING.scores[0]) == (0, 100)
    assert HAIR_CHECK.score_range(HAIR_CHECK.scores[0]) == (0, 8)
    assert HAIR_CHECK.score_range(HAIR_CHECK.scores[1]) == (0, 4)


def test_it_refuses_every_answer_that_does_not_fit_naming_each_item() -> None:
    with pytest.raises(AnswersRefused) as refused:
        score_response(HAIR_CHECK, {"scalp": "7", "upset": 2, "covered": "yes", "mood": "0", "note": "x" * 2001})
    problems = dict(refused.value.problems)
    assert problems == {
        "mood": "not a question of this questionnaire",
        "shedding": "an answer is needed",
        "scalp": "'7' is not one of its answers (0, 1, 2, 3, 4)",
        "upset": "expects the code of one of its answers, as text (0, 1, 2, 3, 4)",
        "covered": "expects yes or no (true or false)",
        "note": "at most 2000 characters",
    }
    assert isinstance(refused.value, InvalidInput)
    assert refused.value.http_status == 422
    assert "item 'shedding': an answer is needed" in refused.value.message
    assert {"link_id": "mood", "message": "not a question of this questionnaire"} in refused.value.extensions()["items"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (101, "101 is outside its range: from 0 to 100"),
        (-1, "-1 is outside its range: from 0 to 100"),
        (50.5, "expects a whole number from 0 to 100"),
        (True, "expects a whole number from 0 to 100"),  # a yes is not the number 1
        ("fifty", "expects a whole number from 0 to 100"),
        (float("nan"), "expects a whole number from 0 to 100"),
    ],
)
def test_it_refuses_a_rating_that_is_not_a_whole_number_in_range(answer: object, message: str) -> None:
    with pytest.raises(AnswersRefused) as refused:
        score_response(RATING, {"hair-lost": answer})
    assert refused.value.problems == (("hair-lost", message),)


def test_blank_answers_count_as_not_answered() -> None:
    with pytest.raises(AnswersRefused, match="item 'hair-lost': an answer is needed"):
        score_response(RATING, {"hair-lost": "   "})
    scored = score_response(HAIR_CHECK, {"shedding": "1", "note": "", "covered": None})
    assert scored.answers == (("shedding", "1"),)


def test_typed_answers_are_read_by_their_items_kind() -> None:
    read = answers_from_text(HAIR_CHECK, {"shedding": " 2 ", "covered": "No", "note": "Fine", "scalp": ""})
    assert read == {"shedding": "2", "covered": False, "note": "Fine"}
    assert answers_from_text(RATING, {"hair-lost": "40"}) == {"hair-lost": 40}
    assert answers_from_text(RATING, {"hair-lost": "40 %"}) == {"hair-lost": "40 %"}  # refused by score_response
    assert answers_from_text(RATING, {"hair-lost": "+7"}) == {"hair-lost": 7}
