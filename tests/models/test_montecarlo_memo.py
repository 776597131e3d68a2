"""The Monte Carlo with a memo: bit for bit the numbers of a fresh run along any walk of settings, a slider
recomputes only the stages that read it, and every stage reads no parameter beyond the ones it is keyed on."""

from __future__ import annotations

import math
import random
import threading

import numpy as np
import pytest

from models import constraints as con
from models import forecast as fc
from models import montecarlo as mcm
from models.arrays import SINGLE, single
from models.scenario import FIELDS, PRESETS, Scenario

SAMPLES = 600
SUPPLY_STAGES = ("log_cap", "log_stock", "available", "run_days", "share_ramp", "site")
CONSTRAINT_STAGES = ("power", "money", "lines")


@pytest.fixture(scope="module")
def real_inputs(tmp_path_factory):
    from bench.live import build_db
    from etl.read import Store
    from models.inputs import inputs_from_store

    path = tmp_path_factory.mktemp("real") / "compute.duckdb"
    build_db(path)
    return inputs_from_store(Store(path))


def same(one: mcm.MonteCarlo, two: mcm.MonteCarlo) -> bool:
    return (np.array_equal(one.ceiling_times, two.ceiling_times, equal_nan=True)
            and np.array_equal(one.years, two.years) and np.array_equal(one.p_by_year, two.p_by_year)
            and one.bands.keys() == two.bands.keys()
            and all(np.array_equal(one.bands[k], two.bands[k]) for k in one.bands))


def kernel(scenario: Scenario, inputs) -> mcm.MonteCarlo:
    """The Monte Carlo composed the plain way: all draws at once (sample_parameters), the kernel's log-space
    path over all rows (simulate, the present lift inside the constraints), one sort for the bands."""
    resolved = fc.resolve(scenario, inputs)
    t = fc.until_horizon(fc.time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
    future = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
    p, order = mcm.by_lifetime(single(mcm.sample_parameters(scenario, resolved, scenario.samples, scenario.seed)),
                               scenario.samples)
    out = fc.simulate(p, scenario, inputs, t.astype(SINGLE), future, with_links=False, time_major=True,
                      log_space=True)
    t = t[future]
    times = np.empty(scenario.samples)
    times[order] = fc.first_crossing(t, out["log_demand"], out["log_feasible"], scenario.base_year)
    years = np.arange(scenario.base_year, scenario.horizon + 1)
    cols = np.searchsorted(t, years - 1e-9)
    stacked = np.concatenate([out["log_" + n][:, cols] for n in mcm.BANDS], axis=1).astype(float)
    stacked = np.nan_to_num(stacked, nan=-700.0, posinf=700.0, neginf=-700.0)
    bands = np.exp(np.percentile(stacked, mcm.BAND_PERCENTILES, axis=0))
    return mcm.MonteCarlo(times, years, np.array([(times < y + 1).mean() for y in years]),
                          dict(zip(mcm.BANDS, np.split(bands, 3, axis=1), strict=True)), resolved,
                          scenario.samples, scenario.seed)


@pytest.mark.parametrize("changes", [
    {}, {"demand_mode": "parameters"}, {"algorithmic_efficiency": True}, {"weakest_link": False},
    {"money_included": False}, {"demand_scope": "frontier_labs"}, {"constraints_on": False},
    {"power_distributed": True, "data_multimodal": True, "money_payer": "hyperscaler_capex", "precision": "fp8"},
    {"share_today": 0.01}, {"demand_base_flop": 1e27, "spread_scale": 2.0},
])
def test_the_staged_run_gives_the_kernels_numbers_over_all_rows(real_inputs, changes):
    scenario = Scenario.from_preset(samples=1500, **changes)
    expected = kernel(scenario, real_inputs)
    got = mcm.monte_carlo(scenario, real_inputs)
    assert np.array_equal(got.ceiling_times, expected.ceiling_times, equal_nan=True)
    assert np.array_equal(got.p_by_year, expected.p_by_year)
    for name in mcm.BANDS:  # np.percentile interpolates with another formula: equal to rounding
        np.testing.assert_allclose(got.bands[name], expected.bands[name], rtol=1e-12)
    assert same(got, mcm.monte_carlo(scenario, real_inputs, memo=mcm.MonteCarloMemo()))


# --- a seeded random walk over the settings ------------------------------------------------------

MAIN = ("demand_growth", "supply_growth", "run_length_days", "share_today", "largest_run_share", "utilisation",
        "share_years_to_cap", "chip_lifetime_years", "demand_base_flop", "power_gw_2030", "money_cap_share")
NUMBERS = tuple(n for n, spec in FIELDS.items() if spec.kind in ("float", "int")
                and n not in ("samples", "seed", "base_year", "fit_since", "supply_fit_since"))
SWITCHES = tuple(n for n, spec in FIELDS.items() if spec.kind in ("bool", "choice"))


def a_value(rng: random.Random, name: str):
    spec = FIELDS[name]
    if spec.kind == "int":
        return rng.randint(int(spec.min), min(int(spec.max), int(spec.min) + 12))
    if spec.log or spec.min == 0 or spec.max / max(spec.min, 1e-300) > 1e3:
        low = math.log(max(spec.min, spec.max * 1e-6))
        return float(min(max(math.exp(rng.uniform(low, math.log(spec.max))), spec.min), spec.max))
    return round(rng.uniform(spec.min, spec.max) / spec.step) * spec.step if spec.step else rng.uniform(spec.min,
                                                                                                        spec.max)


def a_step(rng: random.Random, scenario: Scenario, seen: list[Scenario]) -> Scenario:
    roll = rng.random()
    if roll < 0.45:  # the sliders an analyst moves most
        name = rng.choice(MAIN)
        return scenario.replace(**{name: float(np.clip(a_value(rng, name), FIELDS[name].min, FIELDS[name].max))})
    if roll < 0.65:
        name = rng.choice(NUMBERS)
        return scenario.replace(**{name: a_value(rng, name)})
    if roll < 0.8:
        name = rng.choice(SWITCHES)
        spec = FIELDS[name]
        value = (not getattr(scenario, name)) if spec.kind == "bool" else rng.choice(spec.options)
        return scenario.replace(**{name: value})
    if roll < 0.85:
        name = rng.choice([n for n, spec in FIELDS.items() if spec.nullable])
        return scenario.replace(**{name: None})
    if roll < 0.9:
        return Scenario.from_preset(rng.choice(list(PRESETS)), samples=SAMPLES)
    if roll < 0.95:
        return scenario.replace(seed=rng.randint(0, 3), spread_scale=rng.choice([0.0, 0.5, 1.0, 2.0]),
                                samples=rng.choice([SAMPLES, SAMPLES + 100]))
    return rng.choice(seen)  # back to a setting already seen: the memo may hold every stage


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # extreme token stocks: inf, no lift
@pytest.mark.parametrize("walk_seed", [1, 2, 3])
def test_a_memo_changes_no_number_along_a_random_walk_of_settings(real_inputs, walk_seed):
    rng = random.Random(walk_seed)
    memo = mcm.MonteCarloMemo()
    scenario = Scenario.from_preset(samples=SAMPLES)
    seen = [scenario]
    for step in range(45):
        resolved = fc.resolve(scenario, real_inputs)
        fresh = mcm.monte_carlo(scenario, real_inputs, resolved=resolved)
        kept = mcm.monte_carlo(scenario, real_inputs, resolved=resolved, memo=memo)
        assert same(kept, fresh), (step, scenario.to_params())
        scenario = a_step(rng, scenario, seen)
        seen.append(scenario)
    assert memo.computed["lines"] < 45  # the memo was used, not only filled


def test_a_memo_gives_the_same_numbers_to_threads_running_at_once(real_inputs):
    memo = mcm.MonteCarloMemo()
    scenarios = [Scenario.from_preset(samples=SAMPLES, demand_growth=g, run_length_days=d)
                 for g in (3.0, 4.0, 5.0) for d in (90.0, 120.0)]
    expected = [mcm.monte_carlo(s, real_inputs) for s in scenarios]
    failures = []

    def worker(offset):
        for i in range(len(scenarios)):
            k = (i + offset) % len(scenarios)
            if not same(mcm.monte_carlo(scenarios[k], real_inputs, memo=memo), expected[k]):
                failures.append(k)

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


# --- what a move recomputes ---------------------------------------------------------------------


def recomputed(memo: mcm.MonteCarloMemo, inputs, before: Scenario, after: Scenario) -> set[str]:
    mcm.monte_carlo(before, inputs, memo=memo)
    counts = dict(memo.computed)
    mcm.monte_carlo(after, inputs, memo=memo)
    return {stage for stage, n in memo.computed.items() if n > counts.get(stage, 0)}


def test_a_demand_move_recomputes_no_supply_and_no_constraint_stage(real_inputs):
    base = Scenario.from_preset(samples=SAMPLES, demand_growth=4.0)
    memo = mcm.MonteCarloMemo()
    stages = recomputed(memo, real_inputs, base, base.replace(demand_growth=4.1))
    assert stages == {"column", "demand", "band"}
    before = dict(memo.computed)
    mcm.monte_carlo(base.replace(demand_growth=4.2), real_inputs, memo=memo)
    assert memo.computed["column"] == before["column"] + 1  # one field's draws, not all of them
    assert {s: memo.computed[s] for s in SUPPLY_STAGES + CONSTRAINT_STAGES} == \
        {s: before[s] for s in SUPPLY_STAGES + CONSTRAINT_STAGES}


def test_a_run_length_move_keeps_the_stock_the_cap_and_demand(real_inputs):
    base = Scenario.from_preset(samples=SAMPLES)
    stages = recomputed(mcm.MonteCarloMemo(), real_inputs, base, base.replace(run_length_days=120.0))
    assert {"run_days", "available", "lines"} <= stages
    assert not stages & {"log_cap", "log_stock", "demand", "power", "money", "share_ramp", "site"}


def test_a_supply_move_keeps_demand_the_run_length_and_the_constraints(real_inputs):
    base = Scenario.from_preset(samples=SAMPLES)
    stages = recomputed(mcm.MonteCarloMemo(), real_inputs, base, base.replace(supply_growth=2.5))
    assert {"log_stock", "available"} <= stages
    assert not stages & {"log_cap", "demand", "run_days", "power", "money", "lines"}


def test_a_constraint_move_keeps_supply_and_demand(real_inputs):
    base = Scenario.from_preset(samples=SAMPLES)
    stages = recomputed(mcm.MonteCarloMemo(), real_inputs, base, base.replace(power_gw_2030=3.0))
    assert {"power", "lines"} <= stages
    assert not stages & {"demand", "money", *SUPPLY_STAGES}


def test_what_a_memo_shares_cannot_be_written(real_inputs):
    memo = mcm.MonteCarloMemo()
    result = mcm.monte_carlo(Scenario.from_preset(samples=SAMPLES), real_inputs, memo=memo)
    for array in (result.ceiling_times, result.p_by_year, *result.bands.values()):
        with pytest.raises(ValueError):
            array[0] = 0.0
    again = mcm.monte_carlo(Scenario.from_preset(samples=SAMPLES), real_inputs, memo=memo)
    assert again.bands["demand"] is result.bands["demand"]


def test_the_memo_holds_at_most_its_bytes_least_recently_used_out_first():
    memo = mcm.MonteCarloMemo(size=10, max_bytes=3000)  # three arrays of 1,000 bytes
    for i in range(3):
        memo.get("demand", i, lambda i=i: np.full(125, float(i)))
    memo.get("demand", 0, lambda: None)  # used again: now the most recent
    memo.get("lines", "x", lambda: np.zeros(125))  # over the budget: demand 1, the least recently used, goes
    assert memo.nbytes == 3000
    assert memo.get("demand", 1, lambda: np.full(125, -1.0))[0] == -1.0  # computed again; demand 2 goes
    assert memo.get("demand", 0, lambda: None)[0] == 0.0  # still held
    assert memo.get("demand", 2, lambda: np.full(125, -2.0))[0] == -2.0
    assert memo.computed["demand"] == 5
    memo.get("lines", "huge", lambda: np.zeros(1000))  # larger than the whole memo: returned, not kept
    assert memo.nbytes == 3000


def test_each_stage_size_is_bounded():
    memo = mcm.MonteCarloMemo(size=2)
    for i in range(5):
        memo.get("lines", i, lambda i=i: np.full(3, float(i)))
    assert memo.get("lines", 4, lambda: None)[0] == 4.0
    assert memo.get("lines", 0, lambda: np.zeros(3) - 1)[0] == -1.0  # evicted: computed again
    assert memo.computed["lines"] == 6


# --- each stage reads only what its key names ----------------------------------------------------


def perturbed(value):
    """Another value of a parameter: a draw column or a number scaled, a 0/1 flag flipped."""
    if isinstance(value, np.ndarray):
        return (value * 1.07 + 0.01).astype(value.dtype)
    if isinstance(value, int | np.integer):
        return value + 1
    return type(value)(1.0 - value) if value in (0.0, 1.0) else type(value)(value * 1.07 + 0.01)


STAGE_CASES = [{}, {"demand_mode": "parameters", "algorithmic_efficiency": True},
               {"demand_scope": "all_ai", "weakest_link": True},
               {"power_distributed": True, "data_multimodal": True, "money_payer": "hyperscaler_capex",
                "precision": "fp8"}, {"money_included": False, "weakest_link": False}]


@pytest.mark.parametrize("changes", STAGE_CASES)
def test_no_stage_reads_a_parameter_outside_its_inputs(real_inputs, changes):
    scenario = Scenario.from_preset(samples=200, **changes)
    run = mcm._Run(scenario, real_inputs, fc.resolve(scenario, real_inputs), 200, 0, mcm._UNKEPT)
    tc, t32, inputs = run.tc, run.t32, real_inputs
    hardware, floor = con.hardware_for(inputs, scenario.base_year), con.site_power_for(inputs)
    cap = fc.log_supply_cap(run.p, scenario, inputs, t32, "F")
    stock = np.log(fc.shipments_and_stock(run.p, scenario, inputs, t32, run.cols, cap, "F")[1])
    days = fc.log_run_days_path(run.p, scenario, tc, "F")
    ramp, site = fc.share_ramp_path(run.p, scenario, tc, "F"), fc.log_site(run.p, scenario, inputs, tc, "F")
    parts = (con.log_power_part(tc, run.p, scenario, log_run_days=days, floor=floor, order="F"),
             con.log_money_part(tc, run.p, scenario, hardware, order="F")) if con.applies(scenario) else None
    stages = {
        "demand": lambda p: fc.log_demand(p, scenario, tc, "F"),
        "log_cap": lambda p: fc.log_supply_cap(p, scenario, inputs, t32, "F"),
        "log_stock": lambda p: fc.shipments_and_stock(p, scenario, inputs, t32, run.cols, cap, "F")[1],
        "run_days": lambda p: fc.log_run_days_path(p, scenario, tc, "F"),
        "share_ramp": lambda p: fc.share_ramp_path(p, scenario, tc, "F"),
        "site": lambda p: fc.log_site(p, scenario, inputs, tc, "F"),
        "available": lambda p: fc.log_available_before_present(stock.copy(order="K"), p, scenario, inputs, tc, days,
                                                               ramp, site),
        "power": lambda p: con.log_power_part(tc, p, scenario, log_run_days=days, floor=floor, order="F"),
        "money": lambda p: con.log_money_part(tc, p, scenario, hardware, order="F"),
        "lines": lambda p: con.log_run_level(tc, p, scenario, hardware, log_run_days=days, floor=floor, order="F",
                                             parts=parts),
    }
    declared = mcm.stage_inputs(scenario)
    assert declared.keys() == stages.keys()
    for stage, compute in stages.items():
        if stage in CONSTRAINT_STAGES and not con.applies(scenario):
            continue  # not run: the constraints do not apply (their run length would be the scenario's)
        expected = compute(run.p)
        for name in run.p.keys() - set(declared[stage]):
            other = compute({**run.p, name: perturbed(run.p[name])})
            assert (expected is None and other is None) or np.array_equal(other, expected, equal_nan=True), \
                (stage, name)


def test_first_crossing_is_the_start_of_the_final_run_of_months_over_supply():
    rng = np.random.default_rng(5)
    t = 2020 + np.arange(40) / 12
    demand = rng.normal(0, 1, (300, 40)).cumsum(axis=1).astype(np.float32)
    supply = rng.normal(0, 1, (300, 40)).cumsum(axis=1).astype(np.float32)
    demand[:5] = 10.0  # over from the first column (before the base year too)
    demand[5:10] = -10.0  # never over
    demand[10, 20] = np.nan  # NaN compares False: not over
    for base_year in (2020, 2021.5):
        expected = []
        for row_d, row_s in zip(demand, supply, strict=True):
            over = [bool(d > s) and ti >= base_year - 1e-9 for d, s, ti in zip(row_d, row_s, t, strict=True)]
            starts = [i for i in range(len(t)) if all(over[i:])]
            expected.append(t[starts[0]] if over[-1] else np.nan)
        for layout in (np.ascontiguousarray, np.asfortranarray):
            got = fc.first_crossing(t, layout(demand), layout(supply), base_year)
            assert np.array_equal(got, np.array(expected), equal_nan=True)


def test_a_memo_keeps_the_results_of_two_databases_apart(real_inputs, inputs):
    memo = mcm.MonteCarloMemo()
    scenario = Scenario.from_preset(samples=SAMPLES, demand_growth=4.0, supply_growth=2.0)
    for data in (real_inputs, inputs, real_inputs, inputs):  # the synthetic tables of tests/models/conftest.py
        assert same(mcm.monte_carlo(scenario, data, memo=memo), mcm.monte_carlo(scenario, data))
    assert memo.computed["log_stock"] == 2  # once per database
