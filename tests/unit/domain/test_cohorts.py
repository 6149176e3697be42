"""Success rates by cohort: who counts, the interval, and "not enough data" below the minimum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.cohorts import MINIMUM_ASSESSED, overall_rate, patients_like, success_rates


def registry(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["risk_class", "protocol", "preserved"])


def test_a_rate_counts_only_the_patients_assessed() -> None:
    rows = [("high", "a", 1.0)] * 15 + [("high", "a", 0.0)] * 10 + [("high", "a", np.nan)] * 5
    (rate,) = success_rates(registry(rows), "preserved", "risk_class")
    assert (rate.value, rate.patients, rate.assessed) == ("high", 30, 25)
    assert rate.rate is not None
    assert rate.rate.estimate == pytest.approx(0.6)
    assert rate.rate.low == pytest.approx(0.4074, abs=1e-4)
    assert rate.rate.high == pytest.approx(0.7659, abs=1e-4)


def test_below_the_minimum_a_cohort_gets_its_count_and_no_rate() -> None:
    rows = [("low", "a", 1.0)] * (MINIMUM_ASSESSED - 1) + [("high", "a", 1.0)] * MINIMUM_ASSESSED
    rates = {r.value: r for r in success_rates(registry(rows), "preserved", "risk_class")}
    assert rates["low"].rate is None
    assert rates["low"].assessed == MINIMUM_ASSESSED - 1
    assert rates["high"].rate is not None
    assert rates["high"].rate.estimate == 1.0


def test_cohorts_come_largest_first_and_an_empty_value_is_named() -> None:
    frame = pd.DataFrame({"adjuncts": ["", "", "minoxidil"], "preserved": [1.0, 0.0, 1.0]})
    assert [r.value for r in success_rates(frame, "preserved", "adjuncts", minimum=1)] == ["none", "minoxidil"]


def test_overall_and_patients_like_you() -> None:
    rows = [("high", "a", 1.0)] * 12 + [("high", "b", 0.0)] * 12 + [("low", "a", 1.0)] * 3
    frame = registry(rows)
    assert overall_rate(frame, "preserved").assessed == 27
    like = patients_like(frame, risk_class="high", protocol="a")
    assert len(like) == 12
    assert set(like["protocol"]) == {"a"}


def test_it_refuses_a_column_the_registry_does_not_have() -> None:
    with pytest.raises(InvalidInput, match="no column 'site'"):
        success_rates(registry([("high", "a", 1.0)]), "preserved", "site")


def test_age_bands_and_periods_read_in_their_own_order() -> None:
    frame = pd.DataFrame(
        {"age_band": ["60–69", "<40", "≥70", "60–69", "40–49"],
         "period": ["2026-H2", "2025-H1", "2026-H1", "2026-H2", "2025-H2"],
         "preserved": [1.0, 0.0, 1.0, 0.0, 1.0]}
    )  # fmt: skip
    assert [r.value for r in success_rates(frame, "preserved", "age_band")] == ["<40", "40–49", "60–69", "≥70"]
    assert [r.value for r in success_rates(frame, "preserved", "period")] == [
        "2025-H1",
        "2025-H2",
        "2026-H1",
        "2026-H2",
    ]
