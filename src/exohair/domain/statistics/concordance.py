"""Harrell's concordance (C) of a risk score with observed times: how often the patient with the higher predicted
hazard had the event first. 0.5 is a coin toss, 1 a perfect ordering.

lifelines computes C with a balanced tree walked in Python: about 7 s at 1,000,000 patients. Registry durations are
whole days, so there are a few hundred distinct times, and walking the times while a Fenwick tree (Fenwick 1994)
counts the earlier events by risk rank, one batch of patients per time in vectorised numpy, takes well under a
second. For finely grained times (many distinct values) the walk would be long, and lifelines' tree is used instead;
both count the same pairs the same way (checked in tests/unit/domain/test_survival.py).
"""

from __future__ import annotations

import numpy as np
from lifelines.utils import concordance_index
from numpy.typing import NDArray

# Past this many distinct (time, event) steps the per-step numpy calls cost more than lifelines' tree.
MAX_STEPS_FOR_TIME_WALK = 20_000


def harrell_concordance(
    durations: NDArray[np.float64], events: NDArray[np.bool_], risk: NDArray[np.float64]
) -> float | None:
    """C = (concordant + ½ tied) / comparable pairs (Harrell, Lee & Mark, Stat Med 1996;15:361-387).

    A pair is comparable when the shorter time ends in an event: t_i < t_j with i an event, or t_i = t_j with i an
    event and j censored (j is known to have lasted at least as long). It is concordant when risk_i > risk_j and tied
    when the risks are equal. Pairs of events at the same time are not comparable. Same conventions as lifelines'
    `concordance_index(t, −risk, e)`. None when no pair is comparable (no events, or all on one day).
    """
    steps = np.unique(durations).size * 2
    if steps > MAX_STEPS_FOR_TIME_WALK:
        if not events.any():
            return None
        try:
            return float(concordance_index(durations, -risk, events))
        except ZeroDivisionError:
            return None
    concordant, tied, pairs = _count_pairs_by_time(durations, events, risk)
    if pairs == 0:
        return None
    return (concordant + tied / 2) / pairs


def _count_pairs_by_time(
    durations: NDArray[np.float64], events: NDArray[np.bool_], risk: NDArray[np.float64]
) -> tuple[int, int, int]:
    _, time_rank = np.unique(durations, return_inverse=True)
    _, risk_rank = np.unique(risk, return_inverse=True)
    # Events at a time are handled before those censored at the same time (key 2q vs 2q+1): censored patients
    # are then compared with the events of their own day, events are not compared with each other.
    key = time_rank.astype(np.int64) * 2 + (~events).astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    bounds = np.flatnonzero(np.diff(sorted_key)) + 1
    starts = np.concatenate(([0], bounds))
    stops = np.concatenate((bounds, [key.size]))
    size = 1 << int(np.max(risk_rank) + 1).bit_length()  # Fenwick tree over risk ranks 1..size
    tree = np.zeros(2 * size + 1, dtype=np.int64)
    pool = 0  # events so far
    concordant = tied = pairs = 0
    for start, stop in zip(starts, stops, strict=True):
        members = order[start:stop]
        ranks = risk_rank[members].astype(np.int64) + 1
        if pool:
            at_most = _prefix(tree, ranks, size)
            below = _prefix(tree, ranks - 1, size)
            # Earlier events with a higher risk than this patient's: those orderings the score got right.
            concordant += int((pool - at_most).sum())
            tied += int((at_most - below).sum())
            pairs += pool * members.size
        if sorted_key[start] % 2 == 0:  # a batch of events joins the pool for everyone after them
            _add(tree, ranks, size)
            pool += members.size
    return concordant, tied, pairs


def _prefix(tree: NDArray[np.int64], ranks: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """How many pooled events have a risk rank ≤ each rank (rank 0 → none)."""
    total = np.zeros(ranks.size, dtype=np.int64)
    index = ranks.copy()
    for _ in range(size.bit_length()):
        total += tree[index]  # tree[0] stays 0, so finished lanes add nothing
        index &= index - 1
    return total


def _add(tree: NDArray[np.int64], ranks: NDArray[np.int64], size: int) -> None:
    index = ranks.copy()
    for _ in range(size.bit_length() + 1):
        np.add.at(tree, index, 1)
        index = np.minimum(index + (index & -index), 2 * size)  # past the top, park in the spare last cell
