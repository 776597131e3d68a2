"""Shipments through Q1 2026, the pre-2022 history and the owners table, as the engine and Supply page read them."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.build import build
from etl.paths import RAW_DIR
from etl.read import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    db = tmp_path_factory.mktemp("supply") / "compute.duckdb"
    build(RAW_DIR, db, log=lambda _m: None)
    return Store(db)


def test_owner_table_loads_all_quarters_and_sources_resolve(store):
    owners = store.chip_owners()
    assert len(owners) == 174
    assert set(owners["owner_group"]) == {"hyperscaler", "china", "other"}
    assert owners["period_start"].min() == pd.Timestamp("2022-01-01")
    assert owners["period_start"].max() == pd.Timestamp("2026-01-01")
    sources = set(pd.read_csv(RAW_DIR / "sources.csv")["source_id"])
    assert set(owners["source_id"]) <= sources


def test_owner_groups_sum_to_about_the_shipped_total_each_quarter(store):
    groups = store.chip_owner_groups()
    per_quarter = groups.groupby("period_start").agg(owned=("h100e_median", "sum"), shipped=("shipped_median", "first"))
    # Independent total: the raw shipments rows of the same vendors, summed by hand here.
    raw = pd.read_csv(RAW_DIR / "shipments.csv")
    raw = raw[(raw["granularity"] == "quarter") & raw["vendor"].isin(["NVIDIA", "AMD", "Google", "AWS"])]
    shipped = raw.groupby(pd.to_datetime(raw["period_start"]))["h100e_median"].sum()
    assert (per_quarter["shipped"] == shipped.reindex(per_quarter.index)).all()
    # Epoch's owner medians are separate model runs: each quarter attributes 85-100% of the total.
    ratio = per_quarter["owned"] / per_quarter["shipped"]
    assert ratio.between(0.85, 1.02).all(), ratio[~ratio.between(0.85, 1.02)]
    assert groups.groupby("period_start")["share_of_total"].sum().to_numpy() == pytest.approx(1.0)


def test_china_owns_about_two_percent_of_the_non_huawei_compute(store):
    groups = store.chip_owner_groups()
    china = groups.loc[groups["owner_group"] == "china", "h100e_median"].sum() / groups["h100e_median"].sum()
    assert 0.015 < china < 0.03  # Epoch's "just over 5%" also counts Huawei chips, which these exports do not


def test_shipments_reach_q1_2026_and_that_quarter_is_marked_incomplete(store):
    quarterly = store.shipments("quarter")
    q1_2026 = quarterly[quarterly["period_start"] == pd.Timestamp("2026-01-01")]
    assert set(q1_2026["vendor"]) == {"NVIDIA", "Google"}
    raw = pd.read_csv(RAW_DIR / "shipments.csv")
    assert raw.loc[raw["period_start"] == "2026-01-01", "notes"].str.startswith("Incomplete quarter").all()


def test_pre_2022_history_is_ordinary_annual_nvidia_rows(store):
    annual = store.shipments_annual()
    early = annual[(annual["vendor"] == "NVIDIA") & annual["year"].between(2016, 2021)].set_index("year")
    assert list(early.index) == list(range(2016, 2022))
    assert (early["basis"] == "annual").all() and (early["confidence"] == "estimate").all()
    assert (early["h100e_p5"] < early["h100e_median"]).all() and (early["h100e_median"] < early["h100e_p95"]).all()
    # Hand check of 2021: $10.61B x 0.8 (no networking) x 0.85 / $9,000 x 0.22 H100e = 176,400 H100e.
    assert early.loc[2021, "h100e_median"] == pytest.approx(10.61e9 * 0.8 * 0.85 / 9000 * 0.22, rel=0.005)
    # The history grows each year and stays below Epoch's first full year (2022: ~290k H100e).
    assert early["h100e_median"].is_monotonic_increasing
    assert early.loc[2021, "h100e_median"] < annual.query("vendor == 'NVIDIA' and year == 2022")["h100e_median"].iloc[0]


def test_installed_stock_starts_in_2016_and_never_falls(store):
    stock = store.installed_stock()
    total = stock[stock["vendor"] == "all"].sort_values("year")
    assert total["year"].iloc[0] == 2016
    assert total["cumulative_h100e_median"].is_monotonic_increasing
    # The 2016-2021 history adds about 0.32M H100e before Epoch's series starts.
    before_2022 = total.loc[total["year"] == 2021, "cumulative_h100e_median"].iloc[0]
    assert before_2022 == pytest.approx(1800 + 8200 + 19600 + 30400 + 85400 + 176000)
