"""Claims read from the trend_claims table, fit_hardware on hand-made chips, the algorithmic-efficiency
layer, the backtest band, and the vectorised supply kernels against plain loops."""

import csv
import math

import numpy as np
import pandas as pd
import pytest

from etl.paths import RAW_DIR
from models.backtest import backtest
from models.forecast import forecast, resolve
from models.inputs import InputsError, build_inputs
from models.montecarlo import uncertain_fields
from models.scenario import CLAIMS, Scenario
from models.supply import installed_stock, shipments_path
from models.trends import fit_hardware

from .conftest import synthetic_models

SHIPMENTS = pd.DataFrame({"vendor": "NVIDIA", "year": [2022, 2023, 2024, 2025], "h100e_median": [1e6, 2e6, 4e6, 8e6],
                          "h100e_p5": [1e6, 2e6, 4e6, 8e6], "h100e_p95": [1e6, 2e6, 4e6, 8e6]})


def claims_table(**growth_by_id) -> pd.DataFrame:
    return pd.DataFrame({
        "claim_id": list(growth_by_id), "quantity": "training_compute", "growth_per_year": list(growth_by_id.values()),
        "doubling_months": [12 * math.log(2) / math.log(g) if isinstance(g, float) else None
                            for g in growth_by_id.values()],
        "label": "a claim", "label_zh": "说法", "source_id": [f"src-{i}" for i in range(len(growth_by_id))],
    })


# --- claim-driven demand reads the data -------------------------------------------------------------

def test_claim_growth_and_source_come_from_the_claims_table():
    table = claims_table(**{"openai-2018-3-43-months": 7.0})
    inputs = build_inputs(synthetic_models(), SHIPMENTS, table)
    resolved = resolve(Scenario(demand_mode="claim", demand_claim="openai-2018"), inputs)
    assert resolved.demand_growth == 7.0  # the table's value, not the built-in 11.3
    assert resolved.claim.source_id == "src-0" and resolved.origin["demand_growth"] == "claim"
    assert resolved.notes == ()


def test_without_a_claims_table_the_builtin_rate_is_used_quietly():
    inputs = build_inputs(synthetic_models(), SHIPMENTS)
    resolved = resolve(Scenario(demand_mode="claim", demand_claim="openai-2018"), inputs)
    assert resolved.demand_growth == pytest.approx(2 ** (12 / 3.43))  # 3.43-month doubling = 11.3x a year
    assert resolved.notes == ()


def test_a_claims_table_without_the_row_falls_back_with_a_note():
    inputs = build_inputs(synthetic_models(), SHIPMENTS, claims_table(**{"other-claim": 2.0}))
    resolved = resolve(Scenario(demand_mode="claim", demand_claim="epoch-frontier-4x"), inputs)
    assert resolved.demand_growth == 4.0
    assert [note.key for note in resolved.notes] == ["models.note.claim_missing"]
    assert "epoch-2024-frontier-4x" in resolved.notes[0].message


@pytest.mark.parametrize(("growth", "field"), [("fast", "growth_per_year"), (0.0, "growth_per_year")])
def test_a_bad_claim_row_names_row_claim_and_field(growth, field):
    table = claims_table(**{"good": 2.0, "broken": 3.0})
    table["growth_per_year"] = table["growth_per_year"].astype(object)
    table.loc[1, "growth_per_year"] = growth
    with pytest.raises(InputsError, match=rf"trend_claims row 1 \(claim_id 'broken'\): {field}"):
        build_inputs(synthetic_models(), SHIPMENTS, table)


def test_a_claims_table_without_growth_column_is_refused():
    with pytest.raises(InputsError, match="trend_claims: missing column.*growth_per_year"):
        build_inputs(synthetic_models(), SHIPMENTS, pd.DataFrame({"claim_id": ["x"], "quantity": ["q"],
                                                                   "source_id": ["s"]}))


def test_every_named_claim_is_a_training_compute_row_of_the_curated_table():
    path = RAW_DIR / "trend_claims.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    with open(path, encoding="utf-8") as fh:
        rows = {row["claim_id"]: row for row in csv.DictReader(fh)}
    for name, ref in CLAIMS.items():
        row = rows[ref.claim_id]
        assert row["quantity"] == "training_compute", name
        assert float(row["growth_per_year"]) == pytest.approx(ref.fallback_growth, rel=0.01), name  # fallback agrees


# --- fit_hardware ------------------------------------------------------------------------------------

def test_fit_hardware_recovers_a_known_growth_from_hand_made_chips():
    years = np.arange(2014, 2025)
    chips = pd.DataFrame({
        "release_date": [f"{y}-01-01" for y in years] + [None],  # the undated chip is left out
        "bf16_dense_flops": [1e13 * 1.5 ** (y - 2014) for y in years] + [1e20],
        "launch_price_usd": [10_000 * 1.1 ** (y - 2014) for y in years] + [1.0],
    })
    flops = fit_hardware(chips, bootstrap=0)
    assert flops.growth_per_year == pytest.approx(1.5, rel=1e-3) and flops.n == len(years)
    per_dollar = fit_hardware(chips, quantity="price_performance", bootstrap=0)
    assert per_dollar.growth_per_year == pytest.approx(1.5 / 1.1, rel=1e-3)
    window = fit_hardware(chips, since=2018, until=2022, bootstrap=0)
    assert window.n == 4 and window.start == pytest.approx(2018.0)


def test_fit_hardware_names_an_unknown_column():
    chips = pd.DataFrame({"release_date": ["2020-01-01"], "bf16_dense_flops": [1e15]})
    with pytest.raises(ValueError, match="no column 'fp4'"):
        fit_hardware(chips, quantity="fp4")


# --- algorithmic efficiency --------------------------------------------------------------------------

def test_algorithmic_layer_is_off_by_default_and_then_physical_compute_meets_supply(inputs):
    scenario = Scenario(demand_growth=4.0, horizon=2035)
    assert not scenario.algorithmic_efficiency
    result = forecast(scenario, inputs)
    year_on = np.flatnonzero(np.isclose(result.t, scenario.base_year + 1.5))[0]  # a year after mid-year
    base = result.resolved.demand_base_flop
    assert result.demand_flop[year_on] == pytest.approx(base * 4.0)  # physical trend, untouched
    # effective compute one year on: 8-month halving = 2^(12/8) = 2.83x more per physical FLOP
    assert result.effective_demand_flop[year_on] == pytest.approx(base * 4.0 * 2 ** 1.5)


def test_algorithmic_layer_on_slows_physical_demand_and_never_brings_the_ceiling_earlier(inputs):
    off = Scenario(demand_growth=6.0, demand_base_flop=1e26, supply_growth=2.0, horizon=2060)
    on = off.replace(algorithmic_efficiency=True, algo_halving_months=12.0)
    physical = forecast(on, inputs)
    year_on = np.flatnonzero(np.isclose(physical.t, on.base_year + 1.5))[0]  # a year after mid-year
    assert physical.demand_flop[year_on] == pytest.approx(physical.resolved.demand_base_flop * 6.0 / 2.0)
    assert physical.effective_demand_flop[year_on] == pytest.approx(physical.resolved.demand_base_flop * 6.0)
    unaided = forecast(off, inputs).ceiling_time
    assert off.base_year < unaided < physical.ceiling_time


def test_halving_time_is_uncertain_only_when_the_layer_is_on():
    assert "algo_halving_months" not in uncertain_fields(Scenario())
    assert "algo_halving_months" in uncertain_fields(Scenario(algorithmic_efficiency=True))


# --- backtest band -----------------------------------------------------------------------------------

def test_bootstrapped_backtest_brackets_its_projection(inputs):
    bt = backtest(inputs, fit_through=2018, bootstrap=200, seed=1)
    table = bt.table
    assert (table["predicted_low"] <= table["predicted_flop"]).all()
    assert (table["predicted_flop"] <= table["predicted_high"]).all()
    assert bt.start_flop == inputs.record_flop(2018)
    assert table["predicted_flop"].iloc[0] == pytest.approx(bt.start_flop * bt.fit.growth_per_year)


# --- vectorised supply kernels against plain loops ---------------------------------------------------

def test_stock_with_a_lifetime_per_sample_matches_a_loop():
    rng = np.random.default_rng(3)
    rate = rng.uniform(1e5, 1e6, size=(6, 60))
    lifetimes = np.array([[0.5], [1.0], [2.0], [2.5], [4.0], [10.0]])  # 10 years is longer than the grid
    dt = 1 / 12
    stock = installed_stock(rate, dt, lifetimes, slice(24, None))
    for s in range(6):
        steps = round(lifetimes[s, 0] / dt)
        # the stock at t_j counts the steps that ended by t_j: j − steps .. j − 1
        expected = [rate[s, max(j - steps, 0):j].sum() * dt for j in range(24, 60)]
        np.testing.assert_allclose(stock[s], expected, rtol=1e-12)


def test_capped_shipments_are_the_smaller_of_trend_and_cap_and_keep_the_history():
    t = 2020 + np.arange(0, 10 * 12 + 1) / 12
    years, values = np.array([2020, 2021, 2022]), np.array([1e6, 2e6, 4e6])
    growth, base = np.array([[2.0], [3.0]]), np.array([[4e6], [8e6]])
    first = int(np.searchsorted(t, 2023 - 1e-9))
    cap = np.full((2, len(t) - first), 2e7)
    rate = shipments_path(t, years, values, 2022, base, growth, log_cap=np.log(cap))
    trend = base * growth ** (t + 1 / 24 - 2022.5)  # an annual total sits at mid-year; steps at their mid-points
    history = np.floor(t) <= 2022
    np.testing.assert_allclose(rate[:, history], np.array([[1e6] * 12 + [2e6] * 12 + [4e6] * 12] * 2)
                               * np.array([[1.0], [2.0]]))  # sample 2's base is twice the history: scaled
    np.testing.assert_allclose(rate[:, first:], np.minimum(trend[:, first:], 2e7), rtol=1e-12)
