"""Trajectories: how the Dean score and hair density move through chemotherapy and after, by protocol.

Assessments are pooled into four-week bins counted from the last infusion (negative: during chemotherapy), so
every patient's course lines up on the one day all courses share, the end of cytotoxic treatment. A bin with
fewer than MINIMUM_PER_BIN assessments is left out: a mean of two or three is noise, and in a small clinic it
would nearly describe one patient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

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
    return trajectories_of(assessments, groups, (measure,), minimum=minimum)[measure]


def trajectories_of(
    assessments: pd.DataFrame, groups: pd.Series, measures: Sequence[str], *, minimum: int = MINIMUM_PER_BIN
) -> dict[str, list[Trajectory]]:
    """`trajectories` for several measures, the assessments matched to their patients' groups once."""
    for measure in measures:
        if measure not in assessments.columns:
            raise InvalidInput(f"The assessments have no column '{measure}'.", code="unknown_column")
    # Each visit's group as a number: looked up by position (get_indexer) rather than mapped key by key, and
    # grouped by code rather than by text; a million string keys made those the slowest steps
    # (benchmarks/analytics.py). Groups are numbered in sorted order, so the result keeps the groups' order.
    positions = groups.index.get_indexer(pd.Index(assessments["patient_key"]))
    codes, names = pd.factorize(groups.to_numpy(), sort=True)  # a patient without a group: -1, left out
    visit_group = np.full(positions.size, -1, dtype=np.intp)
    matched = positions >= 0
    visit_group[matched] = codes[positions[matched]]
    bins = np.floor(assessments["days"].to_numpy() / BIN_DAYS).astype(int)
    return {
        measure: _binned(visit_group, bins, assessments[measure].to_numpy(), names, minimum) for measure in measures
    }


def _binned(
    visit_group: NDArray[np.intp], bins: NDArray[np.int_], values: NDArray[Any], names: Any, minimum: int
) -> list[Trajectory]:
    keep = (visit_group >= 0) & pd.notna(values)
    data = pd.DataFrame({"group": visit_group[keep], "bin": bins[keep], "value": values[keep]})
    stats = data.groupby(["group", "bin"])["value"].agg(["mean", "size"])
    stats = stats.loc[stats["size"] >= minimum]
    result = []
    for group, rows in stats.groupby(level="group", sort=True):
        found = rows.index.get_level_values("bin")
        result.append(
            Trajectory(
                str(names[group]),
                tuple(float(b * BIN_DAYS / 7) for b in found),
                tuple(float(m) for m in rows["mean"]),
                tuple(int(n) for n in rows["size"]),
            )
        )
    return result
