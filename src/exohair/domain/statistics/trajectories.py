"""Trajectories: how the Dean score and hair density move through chemotherapy and after, by protocol.

Assessments are pooled into four-week bins counted from the last infusion (negative: during chemotherapy), so
every patient's course lines up on the one day all courses share, the end of cytotoxic treatment. A bin with
fewer than MINIMUM_PER_BIN assessments is left out: a mean of two or three is noise, and in a small clinic it
would nearly describe one patient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exohair.domain.errors import InvalidInput

BIN_DAYS = 28
MINIMUM_PER_BIN = 5


@dataclass(frozen=True, slots=True)
class Trajectory:
    group: str
    weeks: tuple[float, ...]  # the bin's start, in weeks from the last infusion
    means: tuple[float, ...]
    counts: tuple[int, ...]


def trajectories(
    assessments: pd.DataFrame, groups: pd.Series, measure: str, *, minimum: int = MINIMUM_PER_BIN
) -> list[Trajectory]:
    """The mean of `measure` per four-week bin for each group. `groups` maps patient_key to the patient's group
    (her protocol, say); assessments of patients it does not name are left out."""
    if measure not in assessments.columns:
        raise InvalidInput(f"The assessments have no column '{measure}'.", code="unknown_column")
    # Looked up by position (get_indexer) rather than mapped key by key: a million string keys made the map the
    # slowest step (benchmarks/analytics.py).
    positions = groups.index.get_indexer(pd.Index(assessments["patient_key"]))
    keep = (positions >= 0) & assessments[measure].notna().to_numpy()
    data = pd.DataFrame(
        {
            "group": groups.to_numpy()[positions[keep]],
            "bin": np.floor(assessments["days"].to_numpy()[keep] / BIN_DAYS).astype(int),
            measure: assessments[measure].to_numpy()[keep],
        }
    )
    stats = data.groupby(["group", "bin"])[measure].agg(["mean", "size"])
    stats = stats.loc[stats["size"] >= minimum]
    result = []
    for group, rows in stats.groupby(level="group", sort=True):
        bins = rows.index.get_level_values("bin")
        result.append(
            Trajectory(
                str(group),
                tuple(float(b * BIN_DAYS / 7) for b in bins),
                tuple(float(m) for m in rows["mean"]),
                tuple(int(n) for n in rows["size"]),
            )
        )
    return result
