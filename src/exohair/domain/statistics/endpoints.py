"""Reading the registry's endpoints off the assessments, for the whole registry at once.

Vectorised (pandas group-bys, no Python loop per patient), because the report must stay fast at a million
patients (DESIGN.md, scale path). The input is one row per assessment:

    patient_key  str    the patient (pseudonymous or not: only equality matters here)
    days         int    the assessment's day counted from the patient's last cytotoxic infusion (0 = that day)
    source       str    "clinician" or "patient"
    dean_score, ctcae_grade   float, NaN where not scored
    head_cover   str or None

and the output is indexed by patient_key, for the patients asked about, in their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from exohair.domain.endpoints import Endpoint, EndpointKind
from exohair.domain.errors import InvalidInput

ASSESSMENT_COLUMNS = ("patient_key", "days", "source", "dean_score", "ctcae_grade", "head_cover")


@dataclass(frozen=True, slots=True)
class TimeToEvent:
    days: pd.Series  # float: days to the event or to censoring; NaN for a patient never assessed after chemo
    event: pd.Series  # bool


def _check_columns(assessments: pd.DataFrame) -> None:
    missing = [column for column in ASSESSMENT_COLUMNS if column not in assessments.columns]
    if missing:
        raise InvalidInput(f"The assessments lack the column(s) {', '.join(missing)}.", code="assessment_columns")


class _Visits:
    """The assessments as arrays, each visit's patient as her row number among the patients asked about.

    Worked on as numpy arrays rather than frames: filtering a frame copies its string columns (the patient key,
    who judged, the head cover), and at a million patients those copies, the group-bys on them and the reindexing
    by patient took most of the time (benchmarks/analytics.py)."""

    def __init__(self, assessments: pd.DataFrame, patients: pd.Index) -> None:
        _check_columns(assessments)
        self.patients = len(patients)
        self.frame = assessments
        self.rows = patients.get_indexer(pd.Index(assessments["patient_key"]))
        self.days = assessments["days"].to_numpy(dtype=np.int64)
        self.sources, self.source_names = pd.factorize(assessments["source"])

    def counted(self, endpoint: Endpoint) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[Any]]:
        """Row, day and value of the visits this endpoint counts: of a patient asked about, judged by the right
        people, with the measure answered."""
        # Whether each source counts, looked up by its code; the last place answers for code -1 (no source).
        judges = np.array([name in endpoint.judged_by for name in self.source_names] + [False])
        values = self.frame[endpoint.measure.value].to_numpy()
        keep = (self.rows >= 0) & judges[self.sources] & pd.notna(values)
        return self.rows[keep], self.days[keep], values[keep]


def _meets(endpoint: Endpoint, values: NDArray[Any]) -> NDArray[np.bool_]:
    if endpoint.equals is not None:
        # As objects, so the comparison is element by element whatever the column's dtype (an all-empty column
        # may arrive as floats).
        return np.asarray(values.astype(object) == endpoint.equals, dtype=bool)
    assert endpoint.at_most is not None  # the loader gives every endpoint one of the two
    return values.astype(float) <= endpoint.at_most


def _preserved(endpoint: Endpoint, visits: _Visits) -> NDArray[np.float64]:
    if endpoint.kind is not EndpointKind.PRESERVED:
        raise InvalidInput(f"{endpoint.id} is not a yes/no endpoint.", code="endpoint_kind")
    rows, days, values = visits.counted(endpoint)
    window = (days >= endpoint.earliest_days) & (days <= endpoint.latest_days)
    rows, days, values = rows[window], days[window], values[window]
    # Per patient, nearest to the target day first, and of two equally near the later; lexsort is stable.
    order = np.lexsort((-days, np.abs(days - endpoint.target_days), rows))
    ordered = rows[order]
    nearest = order[np.r_[True, ordered[1:] != ordered[:-1]]] if len(order) else order
    result = np.full(visits.patients, np.nan)
    result[rows[nearest]] = _meets(endpoint, values[nearest])
    return result


def _time_to_event(endpoint: Endpoint, visits: _Visits) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    if endpoint.kind is not EndpointKind.TIME_TO_EVENT:
        raise InvalidInput(f"{endpoint.id} is not a time-to-event endpoint.", code="endpoint_kind")
    rows, days, values = visits.counted(endpoint)
    after = days > 0
    rows, days, values = rows[after], days[after].astype(float), values[after]
    met = _meets(endpoint, values)
    first_met = np.full(visits.patients, np.inf)
    np.minimum.at(first_met, rows[met], days[met])
    last_seen = np.full(visits.patients, np.nan)
    np.fmax.at(last_seen, rows, days)  # fmax: NaN (never seen) gives way to any day
    event = np.isfinite(first_met)
    return np.where(event, first_met, last_seen), event


def preserved(endpoint: Endpoint, assessments: pd.DataFrame, patients: pd.Index) -> pd.Series:
    """1.0 where the visit nearest to the endpoint's target day meets it, 0.0 where it does not, NaN where the
    patient has no counted assessment in the window. Two visits equally near: the later one, which saw more."""
    return pd.Series(_preserved(endpoint, _Visits(assessments, patients)), index=patients, name=endpoint.id)


def time_to_event(endpoint: Endpoint, assessments: pd.DataFrame, patients: pd.Index) -> TimeToEvent:
    """Days from the last infusion to the first counted assessment after it that meets the endpoint (event), or
    to the last counted assessment after it (censored). Assessments on the infusion's day or before are ignored:
    the clock starts when chemotherapy ends."""
    days, event = _time_to_event(endpoint, _Visits(assessments, patients))
    return TimeToEvent(
        pd.Series(days, index=patients, name=f"{endpoint.id}_days"),
        pd.Series(event, index=patients, name=f"{endpoint.id}_event"),
    )


def read_endpoints(endpoints: tuple[Endpoint, ...], assessments: pd.DataFrame, patients: pd.Index) -> pd.DataFrame:
    """Every endpoint for every patient, one column per yes/no endpoint (its id) and two per time-to-event
    endpoint (`<id>_days`, `<id>_event`): the outcome columns of the registry frame."""
    visits = _Visits(assessments, patients)
    columns: dict[str, NDArray[Any]] = {}
    for endpoint in endpoints:
        if endpoint.kind is EndpointKind.PRESERVED:
            columns[endpoint.id] = _preserved(endpoint, visits)
        else:
            columns[f"{endpoint.id}_days"], columns[f"{endpoint.id}_event"] = _time_to_event(endpoint, visits)
    frame = pd.DataFrame(columns, index=patients)
    return frame if len(frame.columns) else pd.DataFrame(index=patients, dtype=np.float64)


def endpoint_named(endpoints: tuple[Endpoint, ...], endpoint_id: str) -> Endpoint:
    for endpoint in endpoints:
        if endpoint.id == endpoint_id:
            return endpoint
    known = ", ".join(e.id for e in endpoints)
    raise InvalidInput(f"No endpoint '{endpoint_id}' (known: {known}).", code="unknown_endpoint")
