"""Reading the registry's endpoints off assessments: which visit counts, what is censored, what is not assessed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from endpoint_examples import COVER_FREE, DEAN_0_2, REGROWTH
from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.endpoints import preserved, read_endpoints, time_to_event


def assessments(*rows: tuple[str, int, str, float | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"patient_key": k, "days": d, "source": s, "dean_score": dean, "ctcae_grade": None, "head_cover": cover}
            for k, d, s, dean, cover in rows
        ]
    ).astype({"dean_score": float, "ctcae_grade": float})


def test_it_reads_the_visit_nearest_to_the_target_day() -> None:
    rows = assessments(("a", 5, "clinician", 4, None), ("a", 30, "clinician", 1, None), ("a", 90, "clinician", 0, None))
    assert preserved(DEAN_0_2, rows, pd.Index(["a"])).tolist() == [1.0]


def test_of_two_visits_equally_near_it_reads_the_later() -> None:
    rows = assessments(("a", 18, "clinician", 1, None), ("a", 38, "patient", 3, None))
    assert preserved(DEAN_0_2, rows, pd.Index(["a"])).tolist() == [0.0]


def test_a_patient_without_a_visit_in_the_window_is_not_assessed_rather_than_failed() -> None:
    rows = assessments(
        ("a", -30, "clinician", 0, None), ("a", 120, "clinician", 4, None), ("b", 28, "clinician", 3, None)
    )
    result = preserved(DEAN_0_2, rows, pd.Index(["a", "b", "c"]))
    assert math.isnan(result["a"])
    assert result["b"] == 0.0
    assert math.isnan(result["c"])


def test_it_ignores_visits_without_the_measure_and_judges_it_excludes() -> None:
    rows = assessments(("a", 28, "clinician", None, None), ("a", 50, "clinician", 2, None))
    assert preserved(DEAN_0_2, rows, pd.Index(["a"])).tolist() == [1.0]
    patient_only = assessments(("a", 10, "patient", 0, None), ("a", 100, "patient", 0, None))
    timed = time_to_event(REGROWTH, patient_only, pd.Index(["a"]))
    assert math.isnan(timed.days["a"])
    assert not timed.event["a"]


def test_time_to_regrowth_is_the_first_visit_after_chemo_that_meets_it() -> None:
    rows = assessments(
        ("a", -10, "clinician", 0, None), ("a", 0, "clinician", 1, None), ("a", 40, "clinician", 3, None),
        ("a", 95, "clinician", 1, None), ("a", 180, "clinician", 0, None),
    )  # fmt: skip
    timed = time_to_event(REGROWTH, rows, pd.Index(["a"]))
    assert timed.days.tolist() == [95.0]
    assert timed.event.tolist() == [True]


def test_a_patient_not_yet_regrown_is_censored_at_her_last_visit() -> None:
    rows = assessments(("a", 40, "clinician", 4, None), ("a", 120, "clinician", 3, None))
    timed = time_to_event(REGROWTH, rows, pd.Index(["a"]))
    assert timed.days.tolist() == [120.0]
    assert timed.event.tolist() == [False]


def test_read_endpoints_gives_the_registry_frame_outcome_columns() -> None:
    rows = assessments(
        ("a", 28, "patient", 2, "sometimes"), ("a", 70, "patient", 1, "none"), ("b", 60, "clinician", 4, "always")
    )
    frame = read_endpoints((DEAN_0_2, COVER_FREE), rows, pd.Index(["a", "b"]))
    assert list(frame.columns) == ["preserved", "cover_free_days", "cover_free_event"]
    assert frame.loc["a"].tolist() == [1.0, 70.0, True]
    assert frame.loc["b", "cover_free_days"] == 60.0
    assert not frame.loc["b", "cover_free_event"]


def test_it_refuses_assessments_missing_a_column_and_the_wrong_kind_of_endpoint() -> None:
    with pytest.raises(InvalidInput, match="head_cover"):
        preserved(
            DEAN_0_2,
            pd.DataFrame({"patient_key": [], "days": [], "source": [], "dean_score": [], "ctcae_grade": []}),
            pd.Index([]),
        )
    with pytest.raises(InvalidInput, match="not a time-to-event"):
        time_to_event(DEAN_0_2, assessments(("a", 1, "clinician", 0, None)), pd.Index(["a"]))
