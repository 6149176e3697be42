from datetime import date, timedelta

import pytest

from exohair.domain.calendar import (
    InfusionChange,
    InfusionStatus,
    build_chemo_calendar,
    change_for_actual_date,
)
from exohair.domain.errors import InvalidInput

FIRST = date(2027, 3, 1)


def test_it_dates_every_cycle_of_a_sequential_regimen(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST)
    dates = [i.date for i in calendar.infusions]
    assert len(dates) == 16
    assert dates[:4] == [FIRST + timedelta(days=21 * k) for k in range(4)]
    # Weekly paclitaxel starts the day AC cycle 4 ends + 1, i.e. 84 days after the first infusion.
    assert dates[4] == FIRST + timedelta(days=84)
    assert dates[-1] == FIRST + timedelta(days=84 + 7 * 11)
    assert [i.cycle for i in calendar.infusions] == list(range(1, 17))
    assert calendar.infusions[4].phase == "T"
    assert calendar.infusions[4].phase_cycle == 1


def test_each_infusion_carries_its_nadir_window(ac_t):
    first = build_chemo_calendar(ac_t, FIRST).infusions[0]
    assert first.nadir is not None
    assert (first.nadir.start, first.nadir.end) == (FIRST + timedelta(days=7), FIRST + timedelta(days=14))


def test_cmf_has_two_infusions_per_cycle(cmf):
    calendar = build_chemo_calendar(cmf, FIRST)
    assert [(i.cycle, i.day) for i in calendar.infusions[:4]] == [(1, 1), (1, 8), (2, 1), (2, 8)]
    assert calendar.infusions[1].date == FIRST + timedelta(days=7)


def test_a_delayed_infusion_shifts_it_and_every_later_one(ac_t):
    plain = build_chemo_calendar(ac_t, FIRST)
    delayed = build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=2, delay_days=7)])
    assert delayed.infusions[0].date == plain.infusions[0].date
    for before, after in zip(plain.infusions[1:], delayed.infusions[1:], strict=True):
        assert after.date == before.date + timedelta(days=7)
        assert after.shift_days == 7
    assert delayed.infusions[1].nadir.start == plain.infusions[1].nadir.start + timedelta(days=7)


def test_delays_accumulate(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST, [InfusionChange(2, delay_days=7), InfusionChange(3, delay_days=3)])
    assert calendar.infusions[2].shift_days == 10
    assert calendar.last_infusion == build_chemo_calendar(ac_t, FIRST).last_infusion + timedelta(days=10)


def test_a_skipped_dose_is_not_made_up_and_has_no_nadir(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=16, skipped=True)])
    last = calendar.infusions[-1]
    assert last.status is InfusionStatus.SKIPPED
    assert last.nadir is None
    # Regrowth is now counted from cycle 15, the last dose actually given.
    assert calendar.last_cytotoxic_infusion == calendar.infusions[-2].date


def test_recording_an_actual_date_gives_the_delay(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST)
    change = change_for_actual_date(calendar, 3, 1, calendar.infusions[2].date + timedelta(days=5))
    assert change == InfusionChange(3, 1, delay_days=5)


def test_it_refuses_a_delay_for_a_cycle_that_does_not_exist(ac_t):
    with pytest.raises(InvalidInput, match="Cycle 17 does not exist: AC-T has cycles 1 to 16"):
        build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=17, delay_days=7)])


def test_it_refuses_a_day_that_is_not_an_infusion_day(cmf):
    with pytest.raises(InvalidInput, match="its infusion days are 1, 8"):
        build_chemo_calendar(cmf, FIRST, [InfusionChange(cycle=2, day=3, delay_days=1)])


def test_it_refuses_an_early_dose_that_would_overtake_the_previous_one(ac_t):
    with pytest.raises(InvalidInput) as error:
        build_chemo_calendar(ac_t, FIRST, [InfusionChange(cycle=2, delay_days=-21)])
    assert error.value.code == "infusions_out_of_order"


def test_end_of_chemo_is_the_last_day_of_the_last_cycle(ac_t):
    calendar = build_chemo_calendar(ac_t, FIRST)
    assert calendar.end_of_chemo == calendar.last_infusion + timedelta(days=6)


@pytest.mark.parametrize("first", [date(1899, 12, 31), date(2200, 1, 1), date(9999, 12, 1)])
def test_it_refuses_a_first_infusion_it_cannot_plan_around(ac_t, first):
    with pytest.raises(InvalidInput) as error:
        build_chemo_calendar(ac_t, first)
    assert error.value.code == "date_out_of_range"
    assert first.isoformat() in error.value.message
