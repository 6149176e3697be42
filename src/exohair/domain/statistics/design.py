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


def coded_levels(column: pd.Series) -> tuple[list[str], NDArray[np.intp]]:
    """A text column's observed levels as text, commonest first (equal counts alphabetically, so the order never
    depends on row order), and each patient's level as an index into them. One hashing pass: comparing a million
    strings with each level in turn, or sorting them, cost seconds at registry size. Missing values must have been
    refused before (they have no level)."""
    uniques: Sequence[object]
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw_codes, uniques = column.cat.codes.to_numpy(), list(column.cat.categories)
    else:
        raw_codes, found = pd.factorize(column.to_numpy(), sort=False)
        uniques = list(found)
    counts = np.bincount(raw_codes[raw_codes >= 0], minlength=len(uniques))
    by_name: dict[str, int] = {}  # a value and its text (1 and "1") are one level, as astype(str) would make them
    for value, count in zip(uniques, counts, strict=True):
        if count:
            by_name[str(value)] = by_name.get(str(value), 0) + int(count)
    levels = sorted(by_name, key=lambda level: (-by_name[level], level))
    index = {level: k for k, level in enumerate(levels)}
    # The extra -1 at the end is where a missing value's code (-1) lands: missing stays missing.
    remap = np.array([*(index.get(str(value), -1) for value in uniques), -1], dtype=np.intp)
    return levels, remap[raw_codes]


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
    levels, codes = coded_levels(column)
    if reference is None:
        reference = levels[0] if levels else ""
    elif reference not in levels:
        raise InvalidInput(f"{reference!r} is not a level of {name} in these patients.", code="bad_reference")
    others = [k for k, level in enumerate(levels) if level != reference]
    column_of = np.full(len(levels), -1, dtype=np.intp)  # level index -> its indicator column (-1: the reference)
    column_of[others] = np.arange(len(others))
    block = np.zeros((len(column), len(others)), dtype=np.float64)
    rows = np.flatnonzero(column_of[codes] >= 0)
    block[rows, column_of[codes[rows]]] = 1.0
    return block, [f"{name}[{levels[k]}]" for k in others], reference
