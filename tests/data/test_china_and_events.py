"""China's supply figures keep their definitions apart; the export-control timeline is complete and sourced."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.build import build
from etl.paths import RAW_DIR
from etl.read import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    db = tmp_path_factory.mktemp("china") / "compute.duckdb"
    build(RAW_DIR, db, log=lambda _m: None)
    return Store(db)


def test_china_table_loads_and_every_source_resolves(store):
    china = store.china_supply()
    assert len(china) == 32
    sources = store.sources().set_index("source_id")
    assert set(china["source_id"]) <= set(sources.index)
    assert china["definition"].notna().all()


def test_idc_2025_cards_add_up_to_the_market(store):
    china = store.china_supply()
    cards = china[(china["metric"] == "units_shipped_in_china") & (china["year"] == 2025)].set_index("vendor")
    # IDC: NVIDIA 2.2M + AMD 0.16M + domestic 1.65M = 4.01M of about 4.0M; Huawei is part of the domestic 1.65M.
    parts = cards.loc[["NVIDIA", "AMD", "domestic"], "value_central"].sum()
    assert parts == pytest.approx(cards.loc["all", "value_central"], rel=0.01)
    named_domestic = cards.loc[["Huawei", "Alibaba T-Head", "Baidu Kunlunxin", "Cambricon"], "value_central"].sum()
    assert named_domestic <= cards.loc["domestic", "value_central"]
    shares = china[(china["metric"] == "unit_share_in_china") & (china["year"] == 2025)]
    assert shares["value_central"].sum() == pytest.approx(1.0)


def test_huawei_production_is_a_range_of_definitions_not_one_line(store):
    china = store.china_supply()
    ascend = china[(china["metric"] == "ascend_production") & (china["year"] == 2025)]
    assert ascend["source_id"].nunique() >= 3 and ascend["definition"].nunique() == len(ascend)
    government = ascend[ascend["source_id"] == "r-commerce-2025-kessler-huawei"].iloc[0]
    assert pd.isna(government["value_central"]) and government["value_high"] == 200_000  # an upper bound only
    analyst = ascend[ascend["source_id"] == "r-semianalysis-2025-ascend"].iloc[0]
    assert analyst["value_central"] == 805_000 and analyst["confidence"] == "speculative"


def test_h20_factor_matches_epochs_shipment_rows(store):
    china = store.china_supply()
    h20 = china[(china["metric"] == "h100e_per_unit") & (china["vendor"] == "NVIDIA H20")].iloc[0]
    rows = pd.read_csv(RAW_DIR / "shipments.csv").query("chip == 'H20'")
    assert (rows["h100e_median"] / rows["units_median"]).to_numpy() == pytest.approx(h20["value_central"], abs=0.005)


def test_export_control_timeline_is_complete_bilingual_and_sourced(store):
    events = store.events()
    controls = events[events["kind"] == "export_control"]
    dates = set(pd.to_datetime(controls["date"]).dt.strftime("%Y-%m-%d"))
    assert {"2022-10-07", "2023-10-17", "2024-12-02", "2025-01-13", "2025-04-15", "2025-05-13",
            "2025-12-08", "2026-01-13"} <= dates
    assert controls["label_zh"].str.len().gt(0).all()
    assert set(controls["source_id"]) <= set(store.sources()["source_id"])
