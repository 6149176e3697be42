"""Scoring invariants for any instrument of choice and rating items, and any set of answers that fits it.

Item scores are drawn as whole numbers (options -5..10, ratings within -10..20), so sums are exact and compared
with tolerance 0; a mean is compared with its sum divided by the count to 1e-9 (one float division).
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from exohair.domain.evidence import Basis, Evidence
from exohair.domain.instruments import (
    AnswerOption,
    Instrument,
    Item,
    ItemType,
    ScoreMethod,
    ScoreRule,
    score_response,
)

SETTINGS = settings(max_examples=300, deadline=None)
BASIS = Basis("D: drawn by the test", Evidence.D)


@st.composite
def items(draw: st.DrawFn, link_id: str) -> Item:
    if draw(st.booleans()):
        scores = draw(st.lists(st.integers(-5, 10), min_size=2, max_size=6))
        options = tuple(AnswerOption(f"o{k}", f"Option {k}", float(s)) for k, s in enumerate(scores))
        return Item(link_id, f"Question {link_id}", ItemType.CHOICE, options=options)
    low = draw(st.integers(-10, 10))
    high = draw(st.integers(low + 1, 20))
    return Item(link_id, f"Question {link_id}", ItemType.INTEGER, min_value=float(low), max_value=float(high))


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    drawn = tuple(draw(items(f"q{n}")) for n in range(draw(st.integers(1, 8))))
    link_ids = [i.link_id for i in drawn]
    rules = []
    for method in ScoreMethod:
        named = draw(st.lists(st.sampled_from(link_ids), min_size=1, unique=True))
        rules.append(ScoreRule(method.value, method.value, method, tuple(named), draw(st.integers(1, len(named)))))
    return Instrument("drawn", 1, "Drawn", "Drawn by the test", "None", BASIS, drawn, tuple(rules))


def _answer(draw: st.DrawFn, item: Item) -> str | int:
    if item.type is ItemType.CHOICE:
        return draw(st.sampled_from([o.code for o in item.options]))
    assert item.min_value is not None
    assert item.max_value is not None
    return draw(st.integers(int(item.min_value), int(item.max_value)))


@st.composite
def answered(draw: st.DrawFn, *, every_item: bool = False) -> tuple[Instrument, dict[str, object]]:
    instrument = draw(instruments())
    chosen = instrument.items if every_item else [i for i in instrument.items if draw(st.booleans())]
    return instrument, {item.link_id: _answer(draw, item) for item in chosen}


@SETTINGS
@given(answered(every_item=True))
def test_a_complete_response_scores_within_the_rules_range(drawn) -> None:
    instrument, answers = drawn
    for rule, result in zip(instrument.scores, score_response(instrument, answers).scores, strict=True):
        low, high = instrument.score_range(rule)
        assert result.value is not None
        assert low <= result.value <= high


@SETTINGS
@given(answered())
def test_a_mean_is_the_sum_over_the_answered_and_both_need_their_minimum(drawn) -> None:
    instrument, answers = drawn
    total, mean = score_response(instrument, answers).scores
    for rule, result in zip(instrument.scores, (total, mean), strict=True):
        assert result.of == len(rule.items)
        assert result.answered == sum(1 for link_id in rule.items if link_id in answers)
        assert (result.value is None) == (result.answered < rule.min_answered)
    if mean.value is not None:
        own = [_score(instrument, link_id, answers[link_id]) for link_id in instrument.scores[1].items
               if link_id in answers]  # fmt: skip
        assert math.isclose(mean.value, math.fsum(own) / len(own), rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(answered(), st.randoms(use_true_random=False))
def test_the_order_answers_arrive_in_changes_nothing(drawn, shuffler) -> None:
    instrument, answers = drawn
    shuffled = list(answers.items())
    shuffler.shuffle(shuffled)
    assert score_response(instrument, dict(shuffled)) == score_response(instrument, answers)


@SETTINGS
@given(answered(every_item=True), st.data())
def test_a_higher_scoring_answer_never_lowers_a_sum(drawn, data) -> None:
    instrument, answers = drawn
    rule = instrument.scores[0]
    link_id = data.draw(st.sampled_from(rule.items))
    item = instrument.item(link_id)
    assert item is not None
    before = score_response(instrument, answers).scores[0].value
    better = max((o for o in item.options), key=lambda o: o.score or 0).code if item.options else item.max_value
    raised = dict(answers) | {link_id: better if item.options else int(better or 0)}
    after = score_response(instrument, raised).scores[0].value
    assert before is not None
    assert after is not None
    assert after >= before


def _score(instrument: Instrument, link_id: str, answer: object) -> float:
    item = instrument.item(link_id)
    assert item is not None
    if item.type is ItemType.CHOICE:
        option = item.option(str(answer))
        assert option is not None
        assert option.score is not None
        return option.score
    return float(answer)  # type: ignore[arg-type]
