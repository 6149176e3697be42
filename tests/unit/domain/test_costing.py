from datetime import date

from conftest import COOLING, MINOXIDIL, PRP, TEST_BASIS
from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.costing import (
    CoolingTier,
    PriceRange,
    ScalpCoolingTariff,
    Tariffs,
    price_plan,
    price_scalp_cooling,
    reprice_plan,
)
from exohair.domain.planning import plan_sessions
from exohair.domain.protocols import Adjunct, AdjunctSchedule

PAXMAN = ScalpCoolingTariff(
    (CoolingTier(1, 4, 35000), CoolingTier(5, 6, 20000), CoolingTier(7, 12, 10000)), 240000, TEST_BASIS
)
TARIFFS = Tariffs(
    "USD",
    session=PriceRange(100000, 200000, 300000, TEST_BASIS),
    prp_session=PriceRange(40000, 45000, 50000, TEST_BASIS),
    minoxidil_month=PriceRange(1500, 3000, 5000, TEST_BASIS),
    scalp_cooling=PAXMAN,
)


def test_scalp_cooling_follows_the_tiers_and_the_cap():
    assert price_scalp_cooling(4, PAXMAN) == 4 * 35000
    assert price_scalp_cooling(6, PAXMAN) == 4 * 35000 + 2 * 20000
    # 12 infusions: 1400 + 400 + 600 = $2,400, exactly the cap; 16 weekly infusions stay capped.
    assert price_scalp_cooling(12, PAXMAN) == 240000
    assert price_scalp_cooling(16, PAXMAN) == 240000
    assert price_scalp_cooling(0, PAXMAN) == 0


def test_an_estimate_prices_sessions_and_adjuncts(ac_t, priming_regrowth, rules):
    calendar = build_chemo_calendar(ac_t, date(2027, 3, 1))
    plan = plan_sessions(calendar, priming_regrowth, [MINOXIDIL, PRP, COOLING], rules)
    estimate = price_plan(plan, TARIFFS)
    # 5 sessions; 6 months of minoxidil; PRP with 3 regrowth sessions; cooling at 16 infusions (capped).
    assert estimate.low_cents == 5 * 100000 + 6 * 1500 + 3 * 40000 + 240000
    assert estimate.expected_cents == 5 * 200000 + 6 * 3000 + 3 * 45000 + 240000
    assert estimate.high_cents == 5 * 300000 + 6 * 5000 + 3 * 50000 + 240000
    assert [line.quantity for line in estimate.lines] == [5, 6, 3, 16]
    assert estimate.currency == "USD"
    assert not estimate.problems


def test_an_adjunct_without_a_tariff_is_reported_not_priced_at_zero(ac_t, priming_regrowth, rules):
    laser = Adjunct("laser", "Low-level laser", (), AdjunctSchedule.AT_INFUSIONS, "each infusion")
    plan = plan_sessions(build_chemo_calendar(ac_t, date(2027, 3, 1)), priming_regrowth, [laser], rules)
    estimate = price_plan(plan, TARIFFS)
    assert [p.code for p in estimate.problems] == ["no_tariff"]


def test_a_changed_plan_is_repriced_beside_the_old_estimate(ac_t, priming_regrowth, regrowth_only, rules):
    calendar = build_chemo_calendar(ac_t, date(2027, 3, 1))
    before = price_plan(plan_sessions(calendar, priming_regrowth, [], rules), TARIFFS)
    change = reprice_plan(before, plan_sessions(calendar, regrowth_only, [], rules), TARIFFS)
    assert change.expected_delta_cents == -2 * 200000
