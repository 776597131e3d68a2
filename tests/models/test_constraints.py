"""Run-level constraints: each formula against a hand-worked case, the Epoch 2030 reproduction on the real
data, presets that cite a source for every value, and the CLI."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from etl.paths import RAW_DIR
from models import constraints as con
from models.__main__ import main
from models.scenario import FIELDS, PRESETS, Scenario

DAY = 86_400.0


def params(**changes) -> dict:
    """The default scenario's numeric values, changed."""
    values = {n: v for n, v in Scenario().values().items() if isinstance(v, int | float) and not isinstance(v, bool)}
    return {**values, **changes}


# --- each formula by hand --------------------------------------------------------------------------

def test_power_by_hand():
    p = params(power_gw_2030=2.0, power_run_growth=1.5, power_max_gw=100.0, power_kw_per_h100e=1.0,
               flop_per_watt_growth=2.0, utilisation=0.5, run_length_days=10.0)
    # 2031: 2 GW × 1.5 = 3 GW; FLOP/J = 989e12 W⁻¹ / 1,000 W × 2^(2031 − 2024) = 9.89e11 × 128 = 1.26592e14
    # FLOP = 3e9 W × 1.26592e14 × 0.5 × 864,000 s = 1.64063e29
    assert float(con.power_flop(2031.0, p)) == pytest.approx(1.64063e29, rel=1e-4)
    assert float(con.power_flop(2031.0, {**p, "precision": "fp8"})) == pytest.approx(2 * 1.64063e29, rel=1e-4)


def test_power_stops_at_its_ceiling():
    p = params(power_gw_2030=2.0, power_run_growth=2.0, power_max_gw=10.0)
    assert float(con.power_gw(2035.0, p)) == 10.0  # 2 × 2^5 = 64 GW, capped at 10
    assert float(con.power_gw(2029.0, p)) == 1.0


def test_epochs_figure_of_six_gigawatts_for_a_2e29_run():
    # Epoch 2024: a 2030 frontier run of 2e29 FLOP needs about 6 GW (1.7 kW per H100 all-in, ~4x FLOP/W
    # by 2030, FP8, 40% utilisation, a run of about six months)
    p = {**params(power_gw_2030=6.0, power_kw_per_h100e=1.7, flop_per_watt_growth=1.28, utilisation=0.4,
                  run_length_days=182.0), "precision": "fp8"}
    assert float(con.power_flop(2030.0, p)) == pytest.approx(2e29, rel=0.2)


def test_data_wall_by_hand():
    # D = 500e12 × 4 epochs = 2e15 tokens; C = 6 D² / 20 = 6 × 4e30 / 20 = 1.2e30
    assert float(con.data_flop(params(data_tokens=5e14, data_epochs=4.0, tokens_per_param=20.0))) == pytest.approx(1.2e30)
    # 300 tokens per parameter (2025 open models) shrinks it 15x
    assert float(con.data_flop(params(data_tokens=5e14, data_epochs=4.0, tokens_per_param=300.0))) == pytest.approx(8e28)
    multimodal = {**params(data_multimodal_tokens=1e16, data_epochs=1.0, tokens_per_param=20.0), "data_multimodal": True}
    assert float(con.data_flop(multimodal)) == pytest.approx(6 * 1e32 / 20)


def test_latency_wall_by_hand():
    # D = 6e7 tokens/step × (182.6 days × 86,400 s) / 0.095 s = 6e7 × 15,776,640 / 0.095 = 9.9642e15 tokens
    # C = 6 D² / 20 = 2.9786e31: Epoch's latency median of about 3e31
    p = params(latency_batch_tokens=6e7, latency_step_seconds=0.095, run_length_days=182.6, tokens_per_param=20.0)
    assert float(con.latency_flop(p)) == pytest.approx(2.9786e31, rel=1e-3)


def test_money_by_hand():
    chip = con.Hardware("test", price_usd=30_000.0, flops=1e15, year=2020.0, source_id="x")
    p = params(chip_lifetime_years=5.0, utilisation=0.5, money_price_performance_growth=2.0,
               money_usd_per_kwh=0.36, power_kw_per_h100e=1.0, flop_per_watt_growth=1.0,
               money_spend_2023_usd=4e7, money_spend_growth=2.0, money_cap_share=1.0)
    # hardware: 30,000 $ / (5 × 31,557,600 s) = 1.90129e-4 $/s ÷ (1e15 × 0.5) FLOP/s = 3.80258e-19 $/FLOP, ÷ 2 a year on
    # energy: 0.36 $/kWh = 1e-7 $/J ÷ (989e12 / 1,000 W × 0.5) FLOP/J = 2.02224e-19 $/FLOP
    assert float(con.cost_per_flop(2021.0, p, chip)) == pytest.approx(3.80258e-19 / 2 + 2.02224e-19, rel=1e-4)
    # spend in 2021: 4e7 × 2^(2021 − 2023) = 1e7 $
    assert float(con.money_flop(2021.0, p, chip)) == pytest.approx(1e7 / (1.90129e-19 + 2.02224e-19), rel=1e-4)


def test_spend_stops_at_a_share_of_the_payers_means():
    p = params(money_spend_2023_usd=4e7, money_spend_growth=3.0, money_cap_share=0.01, money_means_growth=1.0)
    # 2040: 4e7 × 3^17 ≈ 5.2e15 $, far above 1% of $110 trillion = 1.1e12 $
    assert float(con.spend_usd(2040.0, p, "world_gdp")) == pytest.approx(1.1e12)
    assert float(con.spend_usd(2040.0, p, "hyperscaler_capex")) == pytest.approx(2.46e9)
    assert float(con.spend_usd(2024.0, p, "world_gdp")) == pytest.approx(1.2e8)


def test_cost_basis_is_the_best_flops_per_dollar_released_by_the_year():
    table = pd.DataFrame({"accelerator_id": ["old", "new", "unpriced"], "launch_price_usd": [10_000, 30_000, None],
                          "bf16_dense_flops": [1e14, 1e15, 1e16],
                          "release_date": ["2017-05-10", "2022-03-22", "2023-01-01"], "source_id": "s"})
    assert con.hardware_from_table(table).accelerator_id == "new"  # 3.3e10 FLOP/s per $ against 1e10
    assert con.hardware_from_table(table, until_year=2020).accelerator_id == "old"
    assert con.hardware_from_table(None) == con.FALLBACK_HARDWARE


def test_feasible_is_the_minimum_and_names_the_binding_constraint():
    s = Scenario(money_included=False)
    t = np.array([2025.0, 2035.0])
    p = params(data_tokens=5e14, data_epochs=1.0, tokens_per_param=20.0)  # data wall 7.5e28
    available = np.array([[1e26, 1e40]])  # power allows ~6e26 in 2025; by 2035 the data wall (7.5e28) is lowest
    values = con.curves(available, t, p, s)
    feasible = con.feasible_flop(available, t, p, s)
    names = con.in_use(s)
    assert "money" not in names
    expected = np.min(np.stack([np.broadcast_to(values[n], available.shape) for n in names]), axis=0)
    assert np.allclose(feasible, expected)
    assert list(con.binding(values, names)[0]) == ["chips", "data"]
    off = Scenario(constraints_on=False)
    assert con.feasible_flop(available, t, p, off) is available
    assert con.in_use(Scenario(demand_scope="all_ai")) == ("chips",)


def test_the_ceiling_comes_no_later_with_the_constraints_on(inputs):
    from models.forecast import forecast

    on = forecast(Scenario(), inputs)
    off = forecast(Scenario(constraints_on=False), inputs)
    assert np.all(on.feasible_flop <= off.available_flop * (1 + 1e-12))
    horizon = Scenario().horizon + 1
    assert (on.ceiling_time or horizon) <= (off.ceiling_time or horizon)


def test_tornado_covers_every_constraint_input_in_use(inputs):
    from models.montecarlo import tornado

    s = Scenario()
    _, bars = tornado(s, inputs)
    drawn = {bar.field for bar in bars}
    numeric = {n for n in FIELDS if FIELDS[n].spread is not None}
    from models.scenario import constraint_fields_in_use

    assert {n for n in constraint_fields_in_use(s) if n in numeric} <= drawn


# --- presets cite a source for every value ---------------------------------------------------------

def test_every_preset_value_cites_a_known_source():
    with open(RAW_DIR / "sources.csv", encoding="utf-8") as handle:
        known = {row["source_id"] for row in csv.DictReader(handle)}
    for preset in PRESETS.values():
        assert set(preset.sources) == set(preset.overrides), preset.name
        assert set(preset.sources.values()) <= known, preset.name
        assert preset.source_id in known
    assert {FIELDS[n].source_id for n in FIELDS} <= known
    assert {ref.fallback_source_id for ref in __import__("models.scenario", fromlist=["CLAIMS"]).CLAIMS.values()} <= known


# --- the Epoch 2030 report, reproduced on the real data --------------------------------------------

@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from bench.live import build_db

    path = tmp_path_factory.mktemp("real") / "compute.duckdb"
    build_db(path)
    return path


def run_cli(capsys, *args) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_epoch_2030_reproduces_the_reports_medians_within_a_factor_of_three(capsys, real_db):
    out = run_cli(capsys, "constraints", "--preset", "epoch-2030", "--year", "2030", "--json", "--db", str(real_db))
    assert out["year"] == 2030
    report = {"power": 2e29, "chips": 9e29, "data": 2e30, "latency": 3e31}  # Epoch 2024, medians for 2030
    for name, median in report.items():
        assert median / 3 <= out["constraints"][name] <= median * 3, (name, out["constraints"][name])
    assert out["binding"] == "power"
    assert out["feasible_flop"] >= 2e29  # the headline: a 2e29 FLOP run is feasible by 2030
    assert set(out["constraints"]) == {"chips", "power", "money", "data", "latency"}


def test_constraints_cli_refuses_a_year_outside_the_forecast(capsys, real_db):
    assert main(["constraints", "--year", "1990", "--db", str(real_db)]) == 2
    assert "--year" in capsys.readouterr().err


@pytest.mark.parametrize("changes", [{}, {"precision": "fp8", "power_distributed": True},
                                     {"money_payer": "hyperscaler_capex", "data_multimodal": True},
                                     {"money_included": False}])
def test_the_fast_minimum_over_many_draws_equals_the_formulas_one_by_one(changes):
    # feasible_flop works in logs for speed; it must equal the minimum of the plain formulas for every draw
    s = Scenario(**changes)
    rng = np.random.default_rng(1)
    p = params(**{k: v for k, v in changes.items() if not isinstance(v, bool | str)})
    for name in ("power_run_growth", "money_spend_growth", "money_price_performance_growth", "data_tokens",
                 "latency_step_seconds", "utilisation"):
        p[name] = p[name] * np.exp(0.2 * rng.standard_normal((50, 1)))
    t = np.linspace(2018, 2045, 40)
    available = 10 ** rng.uniform(24, 32, (50, 40))
    values = con.curves(available, t, p, s)
    expected = np.min(np.stack([values[n] for n in con.in_use(s)]), axis=0)
    assert np.allclose(con.feasible_flop(available, t, p, s), expected, rtol=1e-9)


def test_the_present_is_feasible_under_every_default_constraint(capsys, real_db):
    # calibration: in the base year each constraint in use allows at least the record run actually trained
    from etl.read import Store
    from models.inputs import inputs_from_store

    record = inputs_from_store(Store(real_db)).record_flop(2025)  # Grok 3, about 4.6e26 FLOP
    out = run_cli(capsys, "constraints", "--year", "2025", "--json", "--db", str(real_db))
    for name in out["in_use"]:
        assert out["constraints"][name] >= record, (name, out["constraints"][name], record)


def test_backtest_cli_reports_rows_coverage_and_a_date_not_after_its_year(capsys, real_db):
    out = run_cli(capsys, "backtest", "--as-of", "2020", "--json", "--samples", "500", "--db", str(real_db))
    assert out["as_of"] == 2020 and out["latest_input_date"] <= "2020-12-31"
    assert [row["year"] for row in out["rows"]][:2] == [2021, 2022]
    for row in out["rows"]:
        assert set(row) == {"year", "actual_flop", "p10", "p50", "p90"} and row["p10"] <= row["p50"] <= row["p90"]
    inside = [row["p10"] <= row["actual_flop"] <= row["p90"] for row in out["rows"]]
    assert out["coverage_80"] == pytest.approx(sum(inside) / len(inside))
    assert main(["backtest", "--as-of", "2030", "--db", str(real_db)]) == 2


# --- the present from data: the largest operating site's power, and the record run ------------------

SITES = (np.array([2025.5, 2026.25]), np.array([0.44, 1.092]))  # (t, GW) of two record sites


def test_power_is_never_below_the_largest_operating_site_by_hand():
    p = params(power_gw_2030=2.2, power_run_growth=1.57, power_max_gw=120.0)
    # Epoch's path alone at 2026.25: 2.2 / 1.57^3.75 = 0.405 GW, below the 1.092 GW site then operating
    assert float(con.power_gw(2026.25, p)) == pytest.approx(2.2 / 1.57 ** 3.75)
    assert float(con.power_gw(2026.25, p, SITES)) == pytest.approx(1.092)
    # between the records the site ramps log-linearly: √(0.44 × 1.092) = 0.6932 GW at 2025.875
    assert float(con.power_gw(2025.875, p, SITES)) == pytest.approx(0.6932, rel=1e-3)
    # flat after the last record until Epoch's path overtakes it: 2.2 GW in 2030
    assert float(con.power_gw(2030.0, p, SITES)) == pytest.approx(2.2)


def test_site_power_records_are_the_operating_sites_that_set_a_power_record():
    clusters = pd.DataFrame({"t": [2024.7, 2025.1, 2025.5, 2025.9, 2026.25],
                             "power_mw": [181.0, 361.0, np.nan, 299.0, 1092.0]})
    t, gw = con.site_power(clusters)
    assert t.tolist() == [2024.7, 2025.1, 2026.25] and gw.tolist() == [0.181, 0.361, 1.092]
    assert con.site_power(None) is None and con.site_power(clusters.drop(columns="power_mw")) is None


def test_the_default_power_allows_what_the_largest_operating_site_draws(real_db):
    # calibration against the clusters table read directly: the largest operational site by Q1 2026
    from etl.read import Store
    from models.forecast import parameters, resolve
    from models.inputs import inputs_from_store

    rows = pd.read_csv(RAW_DIR / "clusters.csv")
    rows = rows[(rows["status"] == "operational") & (rows["date"] <= "2026-03-31")]
    largest_gw = rows["power_mw"].max() / 1e3  # Anthropic-Amazon New Carlisle, 1,092 MW
    inputs = inputs_from_store(Store(real_db))
    scenario = Scenario()
    p = con.with_switches(parameters(scenario, resolve(scenario, inputs)), scenario)
    assert float(con.power_gw(2026.25, p, con.site_power_for(inputs))) >= largest_gw * (1 - 1e-9)


def test_a_constraint_below_the_record_run_is_raised_to_admit_it_by_hand():
    s = Scenario()
    p = params(power_gw_2030=2.2, power_run_growth=1.57, run_length_days=100.0)
    power_2025 = float(con.power_flop(2025.0, p))
    present = (2025.0, np.log(4.0 * power_2025))  # the record run needed 4x what power allows
    t = np.array([2025.0, 2026.0])
    values = con.curves(np.full(2, 1e40), t, p, s, present=present)
    factor = 4.0 * np.exp(con.PRESENT_MARGIN)
    assert values["power"][0] == pytest.approx(power_2025 * factor)
    assert values["power"][1] == pytest.approx(float(con.power_flop(2026.0, p)) * factor)
    assert values["data"][0] == pytest.approx(float(con.data_flop(p)))  # the data wall admits it: untouched


@pytest.mark.parametrize("growing_run", [False, True])
def test_the_fast_minimum_with_the_site_floor_and_the_present_equals_the_formulas(growing_run):
    s = Scenario()
    rng = np.random.default_rng(2)
    p = params()
    for name in ("power_gw_2030", "money_spend_2023_usd", "data_tokens", "latency_step_seconds"):
        p[name] = p[name] * np.exp(rng.standard_normal((50, 1)))
    t = np.linspace(2025, 2040, 30)
    seconds = (100.0 * 1.4 ** (t - 2025) if growing_run else np.full(30, 100.0)) * DAY
    seconds = np.broadcast_to(seconds, (50, 30)) if growing_run else None
    available = 10 ** rng.uniform(26, 30, (50, 30))
    present = (2025.0, np.log(5e26) + 0.5 * rng.standard_normal((50, 1)))
    values = con.curves(available, t, p, s, run_seconds=seconds, floor=SITES, present=present)
    expected = np.min(np.stack([values[n] for n in con.in_use(s)]), axis=0)
    got = con.feasible_flop(available, t, p, s, run_seconds=seconds, floor=SITES, present=present)
    assert np.allclose(got, expected, rtol=1e-9)


def test_no_draw_puts_the_wall_at_the_start_of_the_year_whose_record_it_starts_from(real_db):
    # the record run of the base year was trained: with demand starting from it, no Monte Carlo draw may
    # find demand above every path from the base year's first day (chips, power, money, data, latency)
    from etl.read import Store
    from models.inputs import inputs_from_store
    from models.montecarlo import monte_carlo

    scenario = Scenario(samples=2000)
    mc = monte_carlo(scenario, inputs_from_store(Store(real_db)))
    times = mc.ceiling_times[np.isfinite(mc.ceiling_times)]
    assert len(times) and np.all(times > scenario.base_year)


def test_a_setting_below_the_record_is_raised_and_the_forecast_says_so(real_db):
    from etl.read import Store
    from models.forecast import forecast
    from models.inputs import inputs_from_store

    inputs = inputs_from_store(Store(real_db))
    # $1M for the largest run of 2023 grows to $5.8M in 2025 (× 2.4²): about 3e25 FLOP, below the 2.4e26 of 1 January
    result = forecast(Scenario(money_spend_2023_usd=1e6), inputs)
    raised = [n for n in result.notes if n.key == "engine.note.constraint_raised"]
    assert [n.params["constraint"] for n in raised] == ["money"] and raised[0].params["factor"] > 5
    assert not [n for n in forecast(Scenario(), inputs).notes if n.key == "engine.note.constraint_raised"]


@pytest.mark.parametrize("preset", ["data-trend", "epoch-2030"])
def test_the_constraints_table_is_the_engines_feasible_run(real_db, preset):
    # what `python -m models constraints` prints for a year is what the engine compared demand with there
    from etl.read import Store
    from models.forecast import forecast
    from models.inputs import inputs_from_store

    inputs = inputs_from_store(Store(real_db))
    result = forecast(Scenario.from_preset(preset), inputs)
    for year in range(2025, 2036):
        i = int(np.argmin(np.abs(result.t - year)))
        assert con.at_year(result, year, inputs).feasible == pytest.approx(result.feasible_flop[i], rel=1e-9)


def test_data_limit_beyond_float_range_is_unbounded_without_a_warning():
    """6·D²/r for D = 1e200 tokens exceeds the largest double: the limit is +inf (never binds), silently."""
    import warnings

    from models.constraints import compute_from_tokens

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compute_from_tokens(1e200, 20.0) == float("inf")
        assert compute_from_tokens(1e12, 20.0) == 6.0 * 1e24 / 20.0  # hand-worked: 6 × (1e12)² / 20


@pytest.mark.parametrize("preset, changes", [("data-trend", {}), ("epoch-2030", {}), ("article-2023", {}),
                                             ("data-trend", {"money_included": False, "power_distributed": True}),
                                             ("data-trend", {"constraints_on": False})])
def test_the_table_computed_for_all_years_at_once_is_each_years_at_year(real_db, preset, changes):
    # the table is built in one elementwise pass; `at_year` computes one year on its own: every row is equal
    from etl.read import Store
    from models.forecast import forecast
    from models.inputs import inputs_from_store

    inputs = inputs_from_store(Store(real_db))
    result = forecast(Scenario.from_preset(preset, **changes), inputs)
    rows = []
    for year in range(result.scenario.base_year, result.scenario.horizon):
        yc = con.at_year(result, year, inputs)
        i = int(np.argmin(np.abs(result.t - year)))
        rows.append({"year": year, "demand_flop": float(result.demand_flop[i]),
                     **{f"{n}_flop": v for n, v in yc.constraints.items()},
                     "feasible_flop": yc.feasible, "binding": yc.binding})
    pd.testing.assert_frame_equal(con.table(result, inputs), pd.DataFrame(rows), check_exact=True)


def test_annual_table_of_a_link_choked_to_nothing_is_inf_without_a_warning(real_db):
    """Zero available compute and zero stock (a link choked to nothing): demand over nothing is +inf."""
    import dataclasses
    import warnings

    from etl.read import Store
    from models.forecast import forecast
    from models.inputs import inputs_from_store

    result = forecast(Scenario(), inputs_from_store(Store(real_db)))
    result = dataclasses.replace(result, available_flop=np.zeros_like(result.available_flop),
                                 stock_h100e=np.zeros_like(result.stock_h100e))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = result.annual()
    assert np.isinf(table["gap"]).all() and (table["gap"] > 0).all()
    assert np.isinf(table["implied_share"]).all()
