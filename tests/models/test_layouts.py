"""The Monte Carlo's fast path (time-major memory, samples ordered by chip lifetime) gives the very same
numbers as the plain sample-major computation: speed must not move a single ceiling year."""

import numpy as np
import pytest

from models.arrays import single
from models.forecast import first_crossing, resolve, simulate, time_grid, until_horizon
from models.montecarlo import by_lifetime, log_bands, monte_carlo, sample_parameters
from models.scenario import Scenario
from models.supply import installed_stock


def window_sums(rate: np.ndarray, steps: np.ndarray, dt: float) -> np.ndarray:
    """Stock by definition: each sample's shipments over the last `steps` grid steps that ended by t_j."""
    rows, count = rate.shape
    return np.array([[rate[s, max(0, j - steps[s]):j].sum() * dt for j in range(count)]
                     for s in range(rows)])


def test_time_major_stock_of_lifetime_ordered_samples_equals_the_window_sums():
    rng = np.random.default_rng(3)
    rate = rng.uniform(1.0, 2.0, (40, 60))
    lifetimes = np.sort(rng.choice([1.0, 1.5, 2.0, 3.0], size=(40, 1)), axis=0)  # 12–36 monthly steps
    fast = installed_stock(np.asfortranarray(rate), 1 / 12, lifetimes, slice(20, None))
    plain = installed_stock(rate, 1 / 12, lifetimes, slice(20, None))
    assert np.array_equal(fast, plain)
    expected = window_sums(rate, np.rint(lifetimes[:, 0] * 12).astype(int), 1 / 12)[:, 20:]
    np.testing.assert_allclose(fast, expected, rtol=1e-12)


def test_time_major_stock_of_unordered_samples_is_still_right():
    rng = np.random.default_rng(4)
    rate = rng.uniform(1.0, 2.0, (10, 30))
    lifetimes = rng.choice([1.0, 2.0], size=(10, 1))
    assert np.array_equal(installed_stock(np.asfortranarray(rate), 1 / 12, lifetimes),
                          installed_stock(rate, 1 / 12, lifetimes))


@pytest.mark.parametrize("changes", [{}, {"weakest_link": True}, {"demand_mode": "parameters"},
                                     {"algorithmic_efficiency": True, "demand_scope": "all_ai"}])
def test_monte_carlo_ceiling_times_equal_the_sample_major_simulation_in_draw_order(inputs, changes):
    scenario = Scenario.from_preset(samples=2000, **changes)
    resolved = resolve(scenario, inputs)
    t = until_horizon(time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
    future = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
    p = single(sample_parameters(scenario, resolved, scenario.samples, scenario.seed))
    out = simulate(p, scenario, inputs, t.astype(np.float32), future, with_links=False, log_space=True)
    expected = first_crossing(t[future], out["log_demand"], out["log_feasible"], scenario.base_year)
    result = monte_carlo(scenario, inputs, resolved=resolved)
    assert np.array_equal(result.ceiling_times, expected, equal_nan=True)
    cols = np.searchsorted(t[future], result.years - 1e-9)
    assert np.allclose(np.log(result.bands["available"]),
                       np.percentile(out["log_available"][:, cols].astype(float), (5, 10, 50, 90, 95), axis=0),
                       rtol=0, atol=1e-9)


@pytest.mark.parametrize("changes", [{}, {"weakest_link": False}, {"demand_mode": "parameters"},
                                     {"money_included": False}, {"demand_scope": "all_ai"}])
def test_single_precision_moves_no_ceiling_by_more_than_a_month(inputs, changes):
    """The Monte Carlo runs in single precision: against the same draws in double precision, every log of
    FLOP agrees to 1e-3 (0.1%) and at least 99.5% of the ceiling times are identical, the rest a month off."""
    scenario = Scenario.from_preset(samples=2000, **changes)
    resolved = resolve(scenario, inputs)
    t = until_horizon(time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
    future = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
    p = sample_parameters(scenario, resolved, scenario.samples, scenario.seed)
    double = simulate(p, scenario, inputs, t, future, with_links=False, log_space=True)
    single_run = simulate(single(p), scenario, inputs, t.astype(np.float32), future, with_links=False, log_space=True)
    assert single_run["log_feasible"].dtype == np.float32
    finite = np.isfinite(double["log_feasible"])
    assert np.array_equal(finite, np.isfinite(single_run["log_feasible"]))
    assert np.max(np.abs(double["log_feasible"][finite] - single_run["log_feasible"][finite])) < 1e-3
    times = [first_crossing(t[future], out["log_demand"], out["log_feasible"], scenario.base_year)
             for out in (double, single_run)]
    same = (times[0] == times[1]) | (np.isnan(times[0]) & np.isnan(times[1]))
    assert same.mean() >= 0.995
    assert np.all(np.abs(times[0][~same] - times[1][~same]) <= 1 / 12 + 1e-9)


def test_bands_interpolate_like_numpy_percentile():
    rng = np.random.default_rng(5)
    logs = [rng.normal(60, 3, (999, 4)), rng.normal(50, 1, (999, 2))]
    for got, array in zip(log_bands(logs), logs, strict=True):
        assert np.allclose(np.log(got), np.percentile(array, (5, 10, 50, 90, 95), axis=0), rtol=0, atol=1e-9)


def test_ordering_by_lifetime_keeps_each_draw_whole():
    p = {"chip_lifetime_years": np.array([[3.0], [1.0], [2.0], [1.0]]), "utilisation": np.array([[.1], [.2], [.3], [.4]]),
         "base_year": 2025}
    ordered, order = by_lifetime(p, 4)
    assert order.tolist() == [1, 3, 2, 0]  # stable: the two 1-year draws keep their order
    assert ordered["utilisation"][:, 0].tolist() == [.2, .4, .3, .1]
    assert ordered["base_year"] == 2025


def exhaustive_breaks(x, y, grid, breaks, min_segment):
    """The grid search scored cut by cut with numpy's own least squares (an independent fit)."""
    import itertools

    best, best_cuts = np.inf, None
    for cuts in itertools.combinations(grid, breaks):
        edges = (-np.inf, *cuts, np.inf)
        parts = [(x >= lo) & (x < hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
        if any(part.sum() < min_segment for part in parts):
            continue
        total = sum(np.polyfit(x[part], y[part], 1, full=True)[1].sum() for part in parts)
        if total < best:
            best, best_cuts = total, cuts
    return best_cuts


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("breaks", [1, 2])
def test_breakpoints_are_the_cuts_with_the_least_squared_error(seed, breaks):
    from models.trends import fit_breakpoints

    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2000, 2025, 90))
    slope = np.where(x < 2010, 0.2, np.where(x < 2018, 0.6, 0.3))  # eras with different growth
    y = 10 ** (slope * (x - 2000) + rng.normal(0, 0.3, len(x)))
    fit = fit_breakpoints(x, y, breaks, min_segment=8, candidates=30)
    grid = np.unique(np.quantile(x[8:len(x) - 7], np.linspace(0, 1, 30)))
    assert fit.breaks == pytest.approx(exhaustive_breaks(x, np.log10(y), grid, breaks, 8))
