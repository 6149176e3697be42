"""The design matrix's level coding: what the propensity and Cox models and the balance table all read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exohair.domain.statistics.design import coded_levels, design_matrix


def test_levels_come_commonest_first_with_ties_alphabetical() -> None:
    levels, codes = coded_levels(pd.Series(["b", "c", "a", "c", "b", "d", "c"]))
    assert levels == ["c", "b", "a", "d"]  # c ×3, b ×2, then a and d once each, alphabetically
    assert [levels[k] for k in codes] == ["b", "c", "a", "c", "b", "d", "c"]


def test_a_categorical_codes_like_its_text_and_ignores_unused_categories() -> None:
    text = pd.Series(["high", "low", "low", "moderate", "low"])
    categorical = text.astype(pd.CategoricalDtype(["unused", "high", "low", "moderate"]))
    assert coded_levels(categorical)[0] == coded_levels(text)[0] == ["low", "high", "moderate"]
    assert np.array_equal(coded_levels(categorical)[1], coded_levels(text)[1])


def test_a_value_and_its_text_are_one_level_and_missing_has_none() -> None:
    levels, codes = coded_levels(pd.Series([1, "1", "2", None], dtype=object))
    assert levels == ["1", "2"]
    assert codes.tolist() == [0, 0, 1, -1]


def test_indicators_are_the_levels_against_the_commonest() -> None:
    frame = pd.DataFrame({"site": pd.Categorical(["north", "south", "south", "east"]), "age": [40.0, 50, 60, 70]})
    design = design_matrix(frame, ["site", "age"])
    assert design.columns == ("site[east]", "site[north]", "age")
    assert design.references == (("site", "south"),)
    assert design.matrix[:, :2].tolist() == [[0, 1], [0, 0], [0, 0], [1, 0]]
