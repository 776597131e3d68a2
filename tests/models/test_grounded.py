"""The grounded supply and allocation: the present calibrated against the raw data (read here with the csv
module, not through the engine or the marts), physical bounds over random scenarios, and hand-worked cases."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.paths import RAW_DIR
from models.forecast import STEPS_PER_YEAR, forecast, resolve
from models.inputs import build_inputs
from models.scenario import FIELDS, H100_FLOPS, SECONDS_PER_DAY, Scenario
from tests.models.conftest import synthetic_models

BACKCAST = 2.3  # Epoch: NVIDIA's stock grew ~2.3x a year since 2019 — the engine's rate before the first data year


# --- the raw data, read independently ---------------------------------------------------------------


def _rows(name: str) -> list[dict]:
    with open(Path(RAW_DIR) / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def raw_annual_shipments() -> dict[int, float]:
    """H100e shipped per year: the vendors' rows summed; an 'all' row only for a year without vendor rows."""
    by_vendor, by_all = defaultdict(float), defaultdict(float)
    for row in _rows("shipments.csv"):
        if not row["h100e_median"]:
            continue
        year = int(row["period_start"][:4])
        (by_all if row["vendor"].lower() == "all" else by_vendor)[year] += float(row["h100e_median"])
    return {y: by_vendor.get(y, by_all.get(y)) for y in sorted(set(by_vendor) | set(by_all))}


def raw_annual_chips(year: int) -> float:
    return sum(float(r["units_median"]) for r in _rows("shipments.csv")
               if r["h100e_median"] and r["vendor"].lower() != "all" and r["period_start"].startswith(str(year)))


def shipped(year: int, annual: dict[int, float]) -> float:
    """A year's shipments: the data, or before its first year a back-cast at the fixed 2.3x a year."""
    first = min(annual)
    return annual.get(year, annual[first] * BACKCAST ** (year - first) if year < first else math.nan)


def stock_at(t: float, annual: dict[int, float], lifetime: float = 5.0) -> float:
    """Chips shipped in [t − lifetime, t), each year's total spread evenly over its months."""
    total, start = 0.0, t - lifetime
    for year in range(int(math.floor(start)), int(math.floor(t)) + 1):
        overlap = max(0.0, min(t, year + 1) - max(start, year))
        total += shipped(year, annual) * overlap if overlap > 0 else 0.0
    return total


@pytest.fixture(scope="module")
def real():
    """The engine's inputs and default forecast over a database built from data/raw."""
    import tempfile

    from etl.build import build
    from etl.read import Store
    from models.inputs import inputs_from_store

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "compute.duckdb"
        build(Path(RAW_DIR), db, log=lambda _message: None)
        inputs = inputs_from_store(Store(db))
    scenario = Scenario()
    return inputs, scenario, forecast(scenario, inputs)


# --- calibration against the data --------------------------------------------------------------------


def test_base_year_shipments_and_stock_equal_the_chip_sales_table(real):
    _inputs, scenario, fc = real
    annual = raw_annual_shipments()
    table = fc.annual().set_index("year")
    base = scenario.base_year
    assert table.loc[base, "shipments_h100e"] == pytest.approx(annual[base], rel=1e-9)
    # the stock at the end of the base year: the last five years' shipments (2025: about 19.8M H100e)
    assert table.loc[base, "stock_h100e"] == pytest.approx(stock_at(base + 1, annual), rel=1e-9)
    for year in range(base - 3, base + 1):
        assert table.loc[year, "shipments_h100e"] == pytest.approx(annual[year], rel=1e-9)


def test_each_links_base_year_capacity_covers_what_was_shipped(real):
    inputs, scenario, fc = real
    annual = raw_annual_shipments()
    mid = np.searchsorted(fc.t, scenario.base_year + 0.5 - 1e-9)
    assert set(fc.caps_h100e) == {"logic", "cowos", "hbm", "power"}
    for link, caps in fc.caps_h100e.items():
        assert caps[mid] >= annual[scenario.base_year], link
    # CoWoS by hand from the raw capacity table: the 2025 mean of the 2024 and 2025 year-end capacities,
    # × 12 months × 15 chips a wafer × H100e per chip (the chip-sales table's H100e ÷ chips)
    cowos = {int(r["year"]): float(r["capacity_central"]) for r in _rows("foundry_capacity.csv") if r["node"] == "CoWoS"}
    per_chip = annual[2025] / raw_annual_chips(2025)
    by_hand = (cowos[2024] + cowos[2025]) / 2 * 12 * 15 * per_chip
    # the step starting mid-2025 is a rate at its own mid-point, half a month past the base year's mid-point;
    # the CoWoS table grows 55k → 92.5k wafers a month from mid-2025 to mid-2026, × 1.35 chip performance
    half_month = ((92_500 / 55_000) * 1.35) ** (1 / 24)
    assert fc.caps_h100e["cowos"][mid] == pytest.approx(by_hand * half_month, rel=1e-6)


def test_todays_share_lies_within_what_records_and_clusters_show(real):
    inputs, scenario, fc = real
    annual = raw_annual_shipments()
    per_h100e = H100_FLOPS * scenario.utilisation * scenario.run_length_days * SECONDS_PER_DAY
    records = []
    best = 0.0
    for row in sorted(_rows("models.csv"), key=lambda r: r["publication_date"]):
        if not row["training_compute_flop"]:
            continue
        flop, date = float(row["training_compute_flop"]), pd.Timestamp(row["publication_date"])
        t = date.year + (date.day_of_year - 1) / 365.25
        if flop > best:
            best = flop
            if 2023 <= t < scenario.base_year + 1:
                records.append(flop / per_h100e / stock_at(t, annual))
    clusters = []  # the operational sites of data/raw/clusters.csv that set a record in 2023..base year
    biggest = 0.0
    for row in sorted(_rows("clusters.csv"), key=lambda r: r["date"]):
        if row["status"] != "operational" or not row["h100e"]:
            continue
        date = pd.Timestamp(row["date"])
        t = date.year + (date.day_of_year - 1) / 365.25
        if float(row["h100e"]) > biggest:
            biggest = float(row["h100e"])
            if 2023 <= t < scenario.base_year + 1:
                clusters.append((t, biggest))
    shares = records + [h / stock_at(t, annual) for t, h in clusters]
    low, high = min(shares), max(shares)
    assert 0.003 <= low and high <= 0.03  # the reading: records 0.3–2%, clusters about 2%
    assert low <= fc.resolved.share_today <= high * 1.001
    implied_2025 = fc.annual().set_index("year").loc[2025, "implied_share"]
    assert 0.005 <= implied_2025 <= 0.06
    assert low * 0.8 <= implied_2025 <= high * 1.5


def test_the_default_meets_the_published_anchors(real):
    _inputs, _scenario, fc = real
    table = fc.annual().set_index("year")
    assert 20e6 <= table.loc[2026, "shipments_h100e"] <= 80e6  # Nvidia bookings, TPU and Rubin estimates
    assert 50e6 <= table.loc[2027, "stock_h100e"] <= 200e6  # AI 2027: ~100M H100e at end-2027
    assert 20e6 <= table.loc[2030, "shipments_h100e"] <= 400e6  # Epoch 2030: 100M (20–400M)
    assert set(table.loc[2025:2026, "binding"]) <= {"cowos", "hbm"}  # Epoch: packaging and memory bind


def test_supply_growth_is_fitted_on_the_vendors_covered_every_year(real):
    inputs, scenario, fc = real
    trend = fc.resolved.supply_trend
    assert trend["vendors"] == ["NVIDIA"]  # Google enters in Q4 2022, AMD and AWS in 2024
    nvidia = defaultdict(float)
    for row in _rows("shipments.csv"):
        if row["vendor"] == "NVIDIA" and row["h100e_median"]:
            nvidia[int(row["period_start"][:4])] += float(row["h100e_median"])
    years = np.array([2022, 2023, 2024, 2025], dtype=float)
    slope = np.polyfit(years, np.log10([nvidia[int(y)] for y in years]), 1)[0]
    assert fc.resolved.supply_growth == pytest.approx(10 ** slope, rel=1e-9)
    assert trend["yoy"] == pytest.approx([nvidia[y + 1] / nvidia[y] for y in (2022, 2023, 2024)])
    assert trend["yoy"][0] > trend["yoy"][-1]  # it slows
    low, high = trend["ci90"]
    assert low <= fc.resolved.supply_growth <= high


# --- hand-worked cases ----------------------------------------------------------------------------------


def _inputs(clusters: pd.DataFrame | None = None):
    shipments = pd.DataFrame({"vendor": "NVIDIA", "year": [2022, 2023, 2024, 2025],
                              "h100e_median": [1e6, 2e6, 4e6, 8e6]})
    return build_inputs(synthetic_models(), shipments, clusters=clusters)


def test_an_annual_total_sits_at_mid_year():
    fc = forecast(Scenario(supply_growth=2.0, weakest_link=False), _inputs())
    table = fc.annual().set_index("year")
    assert table.loc[2025, "shipments_h100e"] == pytest.approx(8e6)
    # 2026: ∫ 8e6 · 2^(τ − 2025.5) dτ over 2026 = 8e6 (2^1.5 − 2^0.5) / ln 2 ≈ 16.3M (monthly mid-point rule)
    assert table.loc[2026, "shipments_h100e"] == pytest.approx(8e6 * (2 ** 1.5 - 2 ** 0.5) / math.log(2), rel=1e-3)
    first = np.searchsorted(fc.t, 2026 - 1e-9)
    assert fc.shipments_h100e[first] == pytest.approx(8e6 * 2 ** (0.5 + 1 / 24))  # no jump to a January anchor


def test_stock_is_counted_at_the_end_of_each_step_with_the_real_history():
    fc = forecast(Scenario(supply_growth=2.0, weakest_link=False, chip_lifetime_years=5.0), _inputs())
    at = {round(t, 4): s for t, s in zip(fc.t, fc.stock_h100e, strict=True)}
    before = 1e6 / BACKCAST ** 2 + 1e6 / BACKCAST  # 2020 and 2021, back-cast from 2022 at the fixed rate
    assert at[2025.0] == pytest.approx(before + 1e6 + 2e6 + 4e6)  # 2020–2024: none of 2025 yet
    assert at[2026.0] == pytest.approx(1e6 / BACKCAST + 1e6 + 2e6 + 4e6 + 8e6)  # 2021–2025
    assert at[round(2025 + 1 / 12, 4)] == pytest.approx(at[2025.0] + 8e6 / 12 - 1e6 / BACKCAST ** 2 / 12)
    faster = forecast(Scenario(supply_growth=5.0, weakest_link=False), _inputs())
    assert faster.stock_h100e[fc.t <= 2026.0] == pytest.approx(fc.stock_h100e[fc.t <= 2026.0])  # past fixed


def test_the_share_path_rises_log_linearly_to_its_cap():
    scenario = Scenario(share_today=0.01, largest_run_share=0.16, share_years_to_cap=4.0, run_length_growth=1.4,
                        run_length_days=100.0, run_length_cap_days=180.0)
    fc = forecast(scenario, _inputs())
    at = dict(zip(np.round(fc.t, 4), fc.share, strict=True))
    assert at[2024.0] == pytest.approx(0.01)
    assert at[2027.0] == pytest.approx(0.01 * 16 ** 0.5)  # halfway in log terms: 4%
    assert at[2029.0] == at[2035.0] == pytest.approx(0.16)
    days = dict(zip(np.round(fc.t, 4), fc.run_days, strict=True))
    assert days[2026.0] == pytest.approx(140.0) and days[2027.0] == pytest.approx(180.0)  # 196 capped


def test_the_largest_site_caps_the_run():
    clusters = pd.DataFrame({"date": ["2020-01-01", "2024-01-01"], "h100e": [1_000.0, 100_000.0],
                             "name": ["a", "b"], "source_id": ["x", "x"]})
    scenario = Scenario(share_today=0.5, largest_run_share=0.5, site_flat_years=1.0, site_growth=2.0,
                        multi_site_factor=2.0, run_length_growth=1.0, utilisation=0.4, weakest_link=False)
    fc = forecast(scenario, _inputs(clusters))
    table = fc.annual().set_index("year")
    site = dict(zip(np.round(fc.t, 4), fc.site_h100e, strict=True))
    assert site[2022.0] == pytest.approx(10_000.0)  # log-linear between 1,000 (2020) and 100,000 (2024)
    assert site[2025.0] == pytest.approx(100_000.0)  # held for a year after the last record
    assert table.loc[2026, "largest_site_h100e"] == pytest.approx(100_000.0 * 2 ** 1.5)  # mid-2026
    # half of a 20M+ stock is far above two sites: the site binds
    assert table.loc[2026, "allocation_binding"] == "site"
    expected = 2 * 100_000.0 * 2 ** 1.5 * H100_FLOPS * 0.4 * 100 * SECONDS_PER_DAY
    assert table.loc[2026, "available_flop"] == pytest.approx(expected)
    fp8 = forecast(scenario.replace(precision="fp8"), _inputs(clusters)).annual().set_index("year")
    assert fp8.loc[2026, "available_flop"] == pytest.approx(2 * expected)


# --- physical bounds over random scenarios ------------------------------------------------------------


def _within(name: str, low: float | None = None, high: float | None = None):
    spec = FIELDS[name]
    return st.floats(spec.min if low is None else low, spec.max if high is None else high)


chains = st.fixed_dictionaries({
    "supply_growth": _within("supply_growth"), "chip_lifetime_years": _within("chip_lifetime_years"),
    "logic_ai_share": _within("logic_ai_share"), "logic_growth": _within("logic_growth"),
    "cowos_growth": _within("cowos_growth"), "hbm_growth": _within("hbm_growth"),
    "cowos_wafers_per_month": _within("cowos_wafers_per_month", 1_000.0, 200_000.0),
    "hbm_stacks_per_month": _within("hbm_stacks_per_month", 1e5, 2e7),
    "power_gw_per_year": _within("power_gw_per_year", 0.5), "power_growth": _within("power_growth"),
    "kw_per_h100e": _within("kw_per_h100e"), "flop_per_watt_growth": _within("flop_per_watt_growth"),
    "chip_efficiency_growth": _within("chip_efficiency_growth"), "horizon": st.integers(2030, 2045),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=chains)
def test_stock_never_exceeds_what_the_chain_could_produce_nor_power_what_the_power_link_gives(values):
    scenario = Scenario(weakest_link=True, **values)
    fc = forecast(scenario, _inputs())
    t, dt = fc.t, 1.0 / STEPS_PER_YEAR
    projected = t >= scenario.base_year + 1 - 1e-9
    chain = np.min(np.vstack(list(fc.caps_h100e.values())), axis=0)
    allowed = np.where(projected, chain, fc.shipments_h100e)  # the history is data: never capped
    assert np.all(fc.shipments_h100e[projected] <= chain[projected] * (1 + 1e-9))
    steps = int(round(scenario.chip_lifetime_years / dt))
    cumulative = np.r_[0.0, np.cumsum(allowed) * dt]
    bound = cumulative[np.arange(len(t))] - cumulative[np.maximum(np.arange(len(t)) - steps, 0)]
    assert np.all(fc.stock_h100e <= bound * (1 + 1e-9) + 1e-6)
    # power drawn by each step's new chips (H100e × all-in kW, falling with FLOP per watt) within the power link
    mid = t + dt / 2 - (scenario.base_year + 0.5)
    kw = scenario.kw_per_h100e / scenario.flop_per_watt_growth ** mid
    gw = scenario.power_gw_per_year * scenario.power_growth ** mid
    assert np.all(fc.shipments_h100e[projected] * kw[projected] / 1e6 <= gw[projected] * (1 + 1e-9))


def test_resolved_values_fill_every_nullable_field():
    resolved = resolve(Scenario(), _inputs())
    assert set(resolved.fitted_values()) == {name for name, spec in FIELDS.items() if spec.nullable}
