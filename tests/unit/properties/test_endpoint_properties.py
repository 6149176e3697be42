"""The vectorised endpoint reader agrees with the endpoints' definitions read one patient at a time.

`read_endpoints` works on whole arrays (sorts, scatter-min and -max by row number) for speed at a million patients;
the reference here is the definition in plain Python, so any assessment table hypothesis makes must give the same
outcome for every patient: not assessed, censored, event, which visit was nearest.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from endpoint_examples import COVER_FREE, CTCAE_0_1, DEAN_0_2, REGROWTH
from exohair.domain.endpoints import Endpoint, EndpointKind, Measure
from exohair.domain.statistics.endpoints import read_endpoints

ENDPOINTS = (DEAN_0_2, CTCAE_0_1, REGROWTH, COVER_FREE)
KEYS = ["p0", "p1", "p2", "p3", "p4", "stranger"]  # "stranger" is never asked about
# Days at and around the windows' edges and in pairs equally far from the targets (28 and 0), so that ties and
# edges come up often.
DAYS = [-60, -15, -14, -8, -7, -1, 0, 1, 7, 14, 15, 20, 28, 36, 56, 57, 90, 120]

visits = st.lists(
    st.tuples(
        st.sampled_from(KEYS),
        st.sampled_from(DAYS),
        st.sampled_from(["clinician", "patient"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2)),
        st.sampled_from([None, "none", "sometimes", "always"]),
    ),
    max_size=40,
)


def _value(endpoint: Endpoint, visit: tuple[str, int, str, int | None, int | None, str | None]) -> object:
    return {Measure.DEAN: visit[3], Measure.CTCAE: visit[4], Measure.HEAD_COVER: visit[5]}[endpoint.measure]


def _meets(endpoint: Endpoint, value: object) -> bool:
    if endpoint.equals is not None:
        return value == endpoint.equals
    assert endpoint.at_most is not None
    assert isinstance(value, int)
    return value <= endpoint.at_most


def _reference(endpoint: Endpoint, rows: list[tuple[str, int, str, int | None, int | None, str | None]], key: str):  # type: ignore[no-untyped-def]
    counted = [
        (days, position, _value(endpoint, r))
        for position, r in enumerate(rows)
        if r[0] == key and r[2] in endpoint.judged_by and _value(endpoint, r) is not None
        for days in [r[1]]
    ]
    if endpoint.kind is EndpointKind.PRESERVED:
        window = [c for c in counted if endpoint.earliest_days <= c[0] <= endpoint.latest_days]
        if not window:
            return math.nan
        # nearest to the target; equally near: the later day; same day: the first listed
        nearest = min(window, key=lambda c: (abs(c[0] - endpoint.target_days), -c[0], c[1]))
        return 1.0 if _meets(endpoint, nearest[2]) else 0.0
    after = [c for c in counted if c[0] > 0]
    met = [c[0] for c in after if _meets(endpoint, c[2])]
    if met:
        return (float(min(met)), True)
    return (float(max(c[0] for c in after)) if after else math.nan, False)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=300, deadline=None)
@given(visits, st.permutations(KEYS[:-1]))
def test_every_patients_outcome_is_the_definitions(rows, asked) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        rows, columns=["patient_key", "days", "source", "dean_score", "ctcae_grade", "head_cover"]
    ).astype({"days": "int64", "dean_score": float, "ctcae_grade": float, "head_cover": object})
    outcomes = read_endpoints(ENDPOINTS, frame, pd.Index(asked))
    assert list(outcomes.index) == list(asked)
    for key in asked:
        for endpoint in ENDPOINTS:
            expected = _reference(endpoint, rows, key)
            if endpoint.kind is EndpointKind.PRESERVED:
                assert _same(outcomes.at[key, endpoint.id], expected), (key, endpoint.id)
            else:
                days, event = expected
                assert _same(outcomes.at[key, f"{endpoint.id}_days"], days), (key, endpoint.id)
                assert bool(outcomes.at[key, f"{endpoint.id}_event"]) is event, (key, endpoint.id)
