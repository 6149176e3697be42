"""The design matrix shared by the Cox and propensity models: registry columns turned into numbers.

A text column (regimen, site, risk class) becomes one 0/1 indicator per level except a reference level, so each
coefficient reads "this level against the reference". The reference is the most frequent level unless the caller
names one: the commonest group gives the steadiest comparison and the smallest standard errors. Booleans become 0/1
and numbers are taken as they are (linear). Missing values are refused, not imputed: which patients to leave out is
the caller's decision, and the report must say it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from exohair.domain.errors import InvalidInput
from exohair.domain.statistics.checks import patients_have


@dataclass(frozen=True, slots=True, eq=False)
class Design:
    """Covariates as a float matrix (patients × columns, no intercept), with what each column means."""

    matrix: NDArray[np.float64]
    columns: tuple[str, ...]  # "age_years" for a number, "regimen[TC]" for level TC of regimen against its reference
    references: tuple[tuple[str, str], ...]  # (covariate, reference level) for each text covariate

    def reference(self, covariate: str) -> str:
        return dict(self.references)[covariate]


def is_categorical(column: pd.Series) -> bool:
    """Text and categorical columns are levels; booleans and numbers are values."""
    return isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(column.dtype)


def levels_by_frequency(text: pd.Series) -> list[str]:
    """Observed levels of a text column, commonest first; equal counts alphabetically, so the choice never depends
    on row order."""
    counts = text.value_counts(sort=False)
    return sorted(counts.index, key=lambda level: (-int(counts[level]), level))


def design_matrix(
    frame: pd.DataFrame, covariates: Sequence[str], *, reference_levels: Mapping[str, str] | None = None
) -> Design:
    """One-hot (treatment) coding of text covariates against a reference level; booleans as 0/1; numbers as is.

    For a text covariate with levels L0 (reference), L1..Lk, the columns are 1[x = Lj] for j = 1..k. A covariate
    with a single level carries no contrast and contributes no column. Reference: Hosmer, Lemeshow & Sturdivant,
    Applied Logistic Regression, 3rd ed. (Wiley 2013), chapter 3 (reference cell coding).
    """
    if len(covariates) == 0:
        raise InvalidInput("Name at least one covariate to adjust for.", code="no_covariates")
    if len(set(covariates)) != len(covariates):
        raise InvalidInput("A covariate is named twice.", code="duplicate_covariate")
    references = dict(reference_levels or {})
    unknown = sorted(set(references) - set(covariates))
    if unknown:
        raise InvalidInput(
            f"A reference level was given for {', '.join(unknown)}, which is not a covariate.", code="bad_reference"
        )
    blocks: list[NDArray[np.float64]] = []
    names: list[str] = []
    chosen: list[tuple[str, str]] = []
    for name in covariates:
        if name not in frame.columns:
            raise InvalidInput(f"The registry has no column {name!r} to adjust for.", code="unknown_covariate")
        column = frame[name]
        missing = int(column.isna().sum())
        if missing:
            raise InvalidInput(
                f"{patients_have(missing)} no {name}; leave them out (and say so) before fitting.",
                code="missing_covariate",
            )
        if is_categorical(column):
            block, level_names, reference = _indicators(column, name, references.get(name))
            blocks.append(block)
            names.extend(level_names)
            chosen.append((name, reference))
            continue
        values = column.to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise InvalidInput(f"{name} has an infinite value.", code="bad_covariate")
        if values.size and float(values.max()) == float(values.min()):
            # A constant is collinear with the baseline: the model could not say anything about it.
            raise InvalidInput(
                f"{name} is the same for every patient, so it cannot be adjusted for.", code="constant_covariate"
            )
        blocks.append(values[:, None])
        names.append(name)
    matrix = np.hstack(blocks) if blocks else np.empty((len(frame), 0))
    return Design(np.ascontiguousarray(matrix, dtype=np.float64), tuple(names), tuple(chosen))


def _indicators(
    column: pd.Series,
    name: str,
    reference: str | None,
) -> tuple[NDArray[np.float64], list[str], str]:
    text = column.astype(str)
    levels = levels_by_frequency(text)
    if reference is None:
        reference = levels[0] if levels else ""
    elif reference not in levels:
        raise InvalidInput(f"{reference!r} is not a level of {name} in these patients.", code="bad_reference")
    others = [level for level in levels if level != reference]
    codes = pd.Categorical(text, categories=others).codes  # -1 for the reference level
    block = np.zeros((len(column), len(others)), dtype=np.float64)
    rows = np.flatnonzero(codes >= 0)
    block[rows, codes[rows]] = 1.0
    return block, [f"{name}[{level}]" for level in others], reference
