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


def _counted(endpoint: Endpoint, assessments: pd.DataFrame) -> pd.DataFrame:
    """The assessments this endpoint counts: judged by the right people, with the measure answered."""
    _check_columns(assessments)
    keep = assessments["source"].isin(list(endpoint.judged_by)) & assessments[endpoint.measure.value].notna()
    return assessments.loc[keep, ["patient_key", "days", endpoint.measure.value]]


def _meets(endpoint: Endpoint, values: pd.Series) -> pd.Series:
    if endpoint.equals is not None:
        return values == endpoint.equals
    assert endpoint.at_most is not None  # the loader gives every endpoint one of the two
    return values.astype(float) <= endpoint.at_most


def preserved(endpoint: Endpoint, assessments: pd.DataFrame, patients: pd.Index) -> pd.Series:
    """1.0 where the visit nearest to the endpoint's target day meets it, 0.0 where it does not, NaN where the
    patient has no counted assessment in the window. Two visits equally near: the later one, which saw more."""
    if endpoint.kind is not EndpointKind.PRESERVED:
        raise InvalidInput(f"{endpoint.id} is not a yes/no endpoint.", code="endpoint_kind")
    counted = _counted(endpoint, assessments)
    days = counted["days"]
    counted = counted.loc[(days >= endpoint.earliest_days) & (days <= endpoint.latest_days)]
    distance = (counted["days"] - endpoint.target_days).abs()
    ordered = counted.assign(distance=distance, later=-counted["days"]).sort_values(
        ["patient_key", "distance", "later"], kind="stable"
    )
    nearest = ordered.drop_duplicates("patient_key", keep="first").set_index("patient_key")
    result = _meets(endpoint, nearest[endpoint.measure.value]).astype(float)
    return result.reindex(patients).rename(endpoint.id)


def time_to_event(endpoint: Endpoint, assessments: pd.DataFrame, patients: pd.Index) -> TimeToEvent:
    """Days from the last infusion to the first counted assessment after it that meets the endpoint (event), or
    to the last counted assessment after it (censored). Assessments on the infusion's day or before are ignored:
    the clock starts when chemotherapy ends."""
    if endpoint.kind is not EndpointKind.TIME_TO_EVENT:
        raise InvalidInput(f"{endpoint.id} is not a time-to-event endpoint.", code="endpoint_kind")
    counted = _counted(endpoint, assessments)
    after = counted.loc[counted["days"] > 0]
    met = _meets(endpoint, after[endpoint.measure.value])
    first_met = after.loc[met].groupby("patient_key", sort=False)["days"].min()
    last_seen = after.groupby("patient_key", sort=False)["days"].max()
    event = first_met.reindex(patients).notna()
    days = first_met.reindex(patients).astype(float).fillna(last_seen.reindex(patients).astype(float))
    return TimeToEvent(days.rename(f"{endpoint.id}_days"), event.rename(f"{endpoint.id}_event"))


def read_endpoints(endpoints: tuple[Endpoint, ...], assessments: pd.DataFrame, patients: pd.Index) -> pd.DataFrame:
    """Every endpoint for every patient, one column per yes/no endpoint (its id) and two per time-to-event
    endpoint (`<id>_days`, `<id>_event`): the outcome columns of the registry frame."""
    _check_columns(assessments)
    # Each patient as her row number rather than her key: sorting and grouping a million string keys cost most of
    # the time (benchmarks/analytics.py); assessments of patients not asked about are dropped here once.
    rows = patients.get_indexer(pd.Index(assessments["patient_key"]))
    coded = assessments.loc[rows >= 0].assign(patient_key=rows[rows >= 0])
    numbered = pd.RangeIndex(len(patients))
    columns: dict[str, NDArray[Any]] = {}
    for endpoint in endpoints:
        if endpoint.kind is EndpointKind.PRESERVED:
            columns[endpoint.id] = preserved(endpoint, coded, numbered).to_numpy()
        else:
            timed = time_to_event(endpoint, coded, numbered)
            columns[str(timed.days.name)] = timed.days.to_numpy()
            columns[str(timed.event.name)] = timed.event.to_numpy(dtype=bool)
    frame = pd.DataFrame(columns, index=patients)
    return frame if len(frame.columns) else pd.DataFrame(index=patients, dtype=np.float64)


def endpoint_named(endpoints: tuple[Endpoint, ...], endpoint_id: str) -> Endpoint:
    for endpoint in endpoints:
        if endpoint.id == endpoint_id:
            return endpoint
    known = ", ".join(e.id for e in endpoints)
    raise InvalidInput(f"No endpoint '{endpoint_id}' (known: {known}).", code="unknown_endpoint")
