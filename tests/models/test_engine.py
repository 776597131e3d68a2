import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.backtest import backtest
from models.demand import compute_growth_from_parameters, parameter_driven_base, training_flop
from models.forecast import forecast, resolve
from models.montecarlo import monte_carlo, tornado
from models.scenario import H100_FLOPS, SECONDS_PER_DAY, SECONDS_PER_YEAR, Scenario
from models.supply import available_flop, good_dies_per_wafer, gross_dies_per_wafer, installed_stock
from models.trends import doubling_from_growth


def test_ten_x_parameters_per_18_months_with_chinchilla_tokens_doubles_every_2_71_months():
    growth = compute_growth_from_parameters(10 ** (12 / 18))
    assert doubling_from_growth(float(growth)) == pytest.approx(2.71, abs=0.005)
    # independently: C = 6·N·(20N) grows 100x per 18 months → 18 / log2(100) months per doubling
    assert 18 / math.log2(training_flop(10, 200) / training_flop(1, 20)) == pytest.approx(2.71, abs=0.005)


def test_gpt3_on_one_v100_takes_about_288_years():
    one_v100 = 35e12 / H100_FLOPS  # in H100e
    per_year = available_flop(one_v100, utilisation=1.0, share=1.0, seconds=SECONDS_PER_YEAR)
    assert 3.14e23 / per_year == pytest.approx(288, rel=0.02)


def test_dies_per_wafer_for_an_h100_sized_die():
    # 814 mm²: π·150²/814 − π·300/√1628 = 86.8 − 23.4 = 63.5 gross; yield e^−0.814 = 0.443 → 28.1 good
    assert gross_dies_per_wafer(814) == pytest.approx(63.5, abs=0.1)
    assert good_dies_per_wafer(814, 0.1) == pytest.approx(28.1, abs=0.1)


def test_stock_of_a_constant_flow_is_flow_times_lifetime():
    rate = np.full((1, 12 * 20), 1e6)  # 1M H100e a year for 20 years, monthly grid
    stock = installed_stock(rate, 1 / 12, 4.0)
    assert stock[0, -1] == pytest.approx(4e6)
    assert stock[0, 24] == pytest.approx(2e6)  # at the end of the 24th step: two years in, nothing retired yet
    assert stock[0, 0] == 0.0  # at the start of the first step nothing has been shipped yet


def test_parameter_driven_base_is_6ND():
    assert parameter_driven_base(70e9, 20) == pytest.approx(5.88e23, rel=1e-3)  # Chinchilla ≈ 5.9e23


def test_ceiling_found_by_hand(flat_inputs):
    # flat shipments of 1M H100e/year and a 5-year life: 5M H100e in stock, flat
    # the share is held at 20% (today = cap), runs at 100 days, and ten sites' worth of the largest site:
    # the share binds (the site path stays above 1M H100e), no weakest-link cap
    scenario = Scenario(supply_growth=1.0, chip_lifetime_years=5.0, demand_growth=2.0, base_year=2025,
                        share_today=0.2, largest_run_share=0.2, run_length_growth=1.0, multi_site_factor=10.0,
                        weakest_link=False, constraints_on=False)
    available = 5e6 * H100_FLOPS * 0.4 * 0.2 * 100 * SECONDS_PER_DAY
    # demand is 0.505 × available at mid-2025 (the base year's record stands at mid-year) and doubles each
    # year: it passes available 0.9856 years later, so the first monthly grid point above it is 2026.5
    result = forecast(scenario.replace(demand_base_flop=0.505 * available), flat_inputs)
    assert result.available_flop[-1] == pytest.approx(available)
    assert result.ceiling_time == pytest.approx(2026.5) and result.ceiling_year == 2026
    table = result.annual()
    assert table.loc[table.year == 2027, "gap"].item() == pytest.approx(0.505 * 2 ** 2)  # at mid-2027


def test_no_ceiling_before_horizon_is_none(flat_inputs):
    result = forecast(Scenario(demand_growth=1.0, demand_base_flop=1e20, supply_growth=1.0), flat_inputs)
    assert result.ceiling_year is None and result.ceiling_time is None


def test_fitted_values_come_from_the_data(inputs):
    resolved = resolve(Scenario(), inputs)
    assert resolved.origin["demand_growth"] == "fitted"
    assert resolved.demand_growth == pytest.approx(4.0, rel=0.05)  # synthetic models grow 4x/year
    assert resolved.supply_growth == pytest.approx(2.0)  # shipments double each year
    assert resolved.supply_base_h100e == pytest.approx(8e6)


def test_parameter_mode_warns_when_far_above_the_fit(inputs):
    resolved = resolve(Scenario(demand_mode="parameters"), inputs)
    assert resolved.demand_growth == pytest.approx(4.64 ** 2)  # 6ND with D = r·N: N growth squared
    assert [n.key for n in resolved.notes] == ["scenario.warning.parameter_growth"]
    assert resolve(Scenario(demand_mode="parameters", param_growth=2.0), inputs).notes == ()


def test_weakest_link_names_the_binding_link(inputs):
    scenario = Scenario(weakest_link=True, supply_growth=3.0, cowos_wafers_per_month=1000.0, h100e_per_chip=2.5,
                        horizon=2030)
    table = forecast(scenario, inputs).annual()
    projected = table[table.projected]
    assert set(projected.binding) == {"cowos"}
    # CoWoS cap: 1000 wafers a month × 12 × 15 chips × 2.5 H100e in mid-2025, × 1.3 (CoWoS) × 1.35 (chips) a
    # year; 2026's total is the mean of its twelve monthly rates, each at its step's mid-point
    months = 2026 + (np.arange(12) + 0.5) / 12
    cap_2026 = np.mean(1000 * 12 * 15 * 2.5 * (1.3 * 1.35) ** (months - 2025.5))
    assert projected.loc[projected.year == 2026, "shipments_h100e"].item() == pytest.approx(cap_2026)


def _ceiling(result):
    return math.inf if result.ceiling_time is None else result.ceiling_time


scenarios = st.fixed_dictionaries({
    "demand_growth": st.floats(1.5, 12), "supply_growth": st.floats(1.0, 4.0),
    "largest_run_share": st.floats(0.01, 0.9), "utilisation": st.floats(0.1, 0.7),
    "chip_lifetime_years": st.floats(2, 8), "weakest_link": st.booleans(), "horizon": st.integers(2030, 2060),
    "demand_mode": st.sampled_from(["trend", "parameters"]), "param_growth": st.floats(1.2, 8.0),
    # today's share held: calibrated from the record, a longer chip life or a higher utilisation would
    # only re-read the same record run as a smaller share, not give more compute
    "share_today": st.floats(0.005, 0.1),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=scenarios, faster=st.floats(1.01, 3.0))
def test_faster_demand_growth_never_delays_the_ceiling(inputs, values, faster):
    base = Scenario(**values)
    quicker = base.replace(demand_growth=min(30.0, base.demand_growth * faster),
                           param_growth=min(20.0, base.param_growth * faster))
    assert _ceiling(forecast(quicker, inputs)) <= _ceiling(forecast(base, inputs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=scenarios, more=st.floats(1.01, 3.0),
       which=st.sampled_from(["supply_growth", "largest_run_share", "utilisation", "chip_lifetime_years"]))
def test_more_supply_never_brings_the_ceiling_earlier(inputs, values, more, which):
    base = Scenario(**values)
    bigger = base.replace(**{which: min(getattr(base, which) * more, {"supply_growth": 6.0,
                                                                     "largest_run_share": 1.0,
                                                                     "utilisation": 0.8,
                                                                     "chip_lifetime_years": 10.0}[which])})
    assert _ceiling(forecast(bigger, inputs)) >= _ceiling(forecast(base, inputs))


def test_monte_carlo_is_seeded_and_ordered(inputs):
    scenario = Scenario(horizon=2050)
    first = monte_carlo(scenario, inputs, samples=2000, seed=3)
    again = monte_carlo(scenario, inputs, samples=2000, seed=3)
    assert np.array_equal(first.ceiling_times, again.ceiling_times, equal_nan=True)
    assert first.p10 <= first.p50 <= first.p90
    assert np.all(np.diff(first.p_by_year) >= 0)
    low, mid, high = first.bands["demand"][[1, 2, 3]]
    assert np.all(low <= mid) and np.all(mid <= high)


def test_monte_carlo_without_spread_equals_the_deterministic_forecast(inputs):
    scenario = Scenario(spread_scale=0.0, horizon=2050)
    mc = monte_carlo(scenario, inputs, samples=500)
    deterministic = forecast(scenario, inputs).ceiling_time
    assert mc.p10 == mc.p90 == pytest.approx(deterministic)


def test_tornado_moves_one_field_at_a_time(inputs):
    scenario = Scenario(horizon=2060)
    base, bars = tornado(scenario, inputs)
    assert base == pytest.approx(forecast(scenario, inputs).ceiling_time)
    growth = next(bar for bar in bars if bar.field == "demand_growth")
    assert growth.ceiling_at_high <= base <= growth.ceiling_at_low
    swings = [bar.swing(scenario.horizon) for bar in bars]
    assert swings == sorted(swings, reverse=True)


def test_backtest_of_a_steady_trend_has_small_error(inputs):
    result = backtest(inputs, fit_through=2018, population="all", since=2010)
    assert list(result.table.year) == list(range(2019, 2026))
    assert result.mean_abs_error_oom < 0.3  # the synthetic records carry ±0.1 OOM noise


def test_base_year_before_the_first_chip_sales_extrapolates_back(inputs):
    # Shipments start in 2022 at 1e6 H100e; at 2x/year the 2019 output is 1e6 / 2^3 = 125,000.
    resolved = resolve(Scenario(base_year=2019, supply_growth=2.0), inputs)
    assert resolved.supply_base_h100e == pytest.approx(125_000)
    assert resolved.origin["supply_base_h100e"] == "data"
