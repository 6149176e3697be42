"""Trajectories by protocol: four-week bins from the last infusion, small bins left out."""

from __future__ import annotations

import pandas as pd
import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.trajectories import trajectories


def test_it_pools_four_week_bins_per_group_and_drops_small_bins() -> None:
    rows = [(f"p{i}", d, 3.0 if d < 0 else 1.0) for i in range(6) for d in (-20, 10)] + [("p0", 60, 0.0)]
    assessments = pd.DataFrame(rows, columns=["patient_key", "days", "dean_score"])
    groups = pd.Series({f"p{i}": ("a" if i < 6 else "b") for i in range(6)})
    (a,) = trajectories(assessments, groups, "dean_score")
    assert a.group == "a"
    assert a.weeks == (-4.0, 0.0)
    assert a.means == (3.0, 1.0)
    assert a.counts == (6, 6)


def test_patients_outside_the_groups_and_missing_values_are_left_out() -> None:
    assessments = pd.DataFrame(
        {"patient_key": ["x"] * 5 + ["y"] * 5, "days": [1] * 10, "density": [100.0] * 5 + [None] * 5}
    )
    assert trajectories(assessments, pd.Series({"x": "a", "y": "b"}), "density")[0].group == "a"
    assert len(trajectories(assessments, pd.Series({"x": "a", "y": "b"}), "density")) == 1
    with pytest.raises(InvalidInput, match="no column 'diameter'"):
        trajectories(assessments, pd.Series({"x": "a"}), "diameter")


def test_no_groups_at_all_gives_no_trajectories():
    assessments = pd.DataFrame({"patient_key": ["x", "y"], "days": [1, 2], "dean_score": [1.0, 2.0]})
    assert trajectories(assessments, pd.Series([], dtype=object), "dean_score") == []
