"""Pseudonyms and date shifts for the researcher's de-identified view."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exohair.domain.deidentify import (
    MAX_SHIFT_DAYS,
    age_band,
    age_on,
    period_of,
    pseudonym,
    record_pseudonym,
    shift_days,
    shifted,
)
from exohair.domain.errors import InvalidInput

KEY = b"0123456789abcdef0123456789abcdef"


@given(st.uuids())
def test_a_pseudonym_is_stable_and_reveals_nothing_of_the_id(patient: uuid.UUID) -> None:
    name = pseudonym(KEY, str(patient))
    assert name == pseudonym(KEY, str(patient))
    assert name.startswith("R-")
    assert len(name) == 14
    assert str(patient)[:8] not in name
    assert name != pseudonym(b"another key of sixteen bytes or more", str(patient))


@given(st.uuids())
def test_a_shift_is_never_zero_and_at_most_six_months(patient: uuid.UUID) -> None:
    offset = shift_days(KEY, str(patient))
    assert offset != 0
    assert abs(offset) <= MAX_SHIFT_DAYS
    assert offset == shift_days(KEY, str(patient))


@given(st.uuids(), st.dates(date(2000, 1, 1), date(2040, 1, 1)), st.integers(0, 2000))
def test_shifting_keeps_every_interval_within_a_patient(patient: uuid.UUID, first: date, gap: int) -> None:
    offset = shift_days(KEY, str(patient))
    later = date.fromordinal(first.toordinal() + gap)
    assert (shifted(later, offset) - shifted(first, offset)).days == gap


def test_shifts_spread_both_ways() -> None:
    offsets = [shift_days(KEY, str(uuid.UUID(int=i))) for i in range(2000)]
    assert min(offsets) < -150
    assert max(offsets) > 150
    assert abs(sum(1 for o in offsets if o > 0) - 1000) < 100


def test_ages_go_out_in_bands_and_dates_in_half_years() -> None:
    assert age_on(date(1980, 6, 15), date(2026, 6, 14)) == 45.0
    assert age_on(date(1980, 6, 15), date(2026, 6, 15)) == 46.0
    assert [age_band(a) for a in (22.0, 40.0, 49.0, 55.0, 69.0, 83.0)] == [
        "<40",
        "40–49",
        "40–49",
        "50–59",
        "60–69",
        "≥70",
    ]
    assert period_of(date(2026, 6, 30)) == "2026-H1"
    assert period_of(date(2026, 7, 1)) == "2026-H2"


def test_it_refuses_a_short_key() -> None:
    with pytest.raises(InvalidInput, match="16 bytes"):
        pseudonym(b"short", "x")


@given(st.uuids())
def test_a_records_pseudonym_is_stable_its_kinds_apart_and_never_a_patients(record: uuid.UUID) -> None:
    course = record_pseudonym(KEY, "C", str(record))
    assert course == record_pseudonym(KEY, "C", str(record))
    assert course.startswith("C-")
    assert len(course) == 14
    assert course[2:] != record_pseudonym(KEY, "S", str(record))[2:], "a course and a session of one id differ"
    assert course[2:] != pseudonym(KEY, str(record))[2:]


@pytest.mark.parametrize("kind", ["R", "c", "CS", ""])
def test_a_records_pseudonym_kind_is_one_capital_letter_other_than_the_patients(kind: str) -> None:
    with pytest.raises(InvalidInput):
        record_pseudonym(KEY, kind, "1")
