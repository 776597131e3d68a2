"""The clusters table: the largest AI sites over time, read through the Store as the engine reads it."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.build import build
from etl.paths import RAW_DIR
from etl.read import Store


@pytest.fixture(scope="module")
def clusters(tmp_path_factory) -> pd.DataFrame:
    db = tmp_path_factory.mktemp("clusters") / "compute.duckdb"
    build(RAW_DIR, db, log=lambda _m: None)
    return Store(db).clusters()


def largest_operational_by(clusters: pd.DataFrame, year: int) -> float:
    """The largest H100e of any operational site dated on or before 31 December of `year`."""
    operational = clusters[(clusters["status"] == "operational")
                           & (pd.to_datetime(clusters["date"]) <= pd.Timestamp(year, 12, 31))]
    return float(operational["h100e"].max())


def test_clusters_load_with_their_columns_and_rows(clusters):
    assert list(clusters.columns) == ["cluster_id", "name", "owner", "country", "date", "h100e", "power_mw",
                                      "status", "confidence", "source_id", "notes"]
    raw = pd.read_csv(RAW_DIR / "clusters.csv")
    assert len(clusters) == len(raw) == 42
    assert set(clusters["status"]) == {"operational", "planned"}


def test_every_cluster_source_resolves():
    sources = set(pd.read_csv(RAW_DIR / "sources.csv")["source_id"])
    assert set(pd.read_csv(RAW_DIR / "clusters.csv")["source_id"]) <= sources


def test_largest_operational_site_is_known_every_year_from_2020_and_never_shrinks(clusters):
    sizes = [largest_operational_by(clusters, year) for year in range(2020, 2027)]
    assert all(size > 0 for size in sizes)
    assert sizes == sorted(sizes)


def test_largest_operational_site_matches_hand_checked_values(clusters):
    # 2022: the GPT-4 cluster, ~25,000 A100 x ~0.315 H100e each (Epoch: 7,883 H100e).
    assert largest_operational_by(clusters, 2022) == pytest.approx(7883)
    # 2024: xAI Colossus 1 with 100,000 H100 (Sept 2024); the 100k Meta and Goodyear sites tie, nothing exceeds.
    assert largest_operational_by(clusters, 2024) == pytest.approx(100_000)
    # 2026: Meta Prometheus at 763k H100e on Epoch's data-centre page; Colossus 2's 1.39M is still a plan.
    assert largest_operational_by(clusters, 2026) == pytest.approx(763_000)


def test_colossus_2_plan_matches_epoch_frontier_figures(clusters):
    plan = clusters[(clusters["cluster_id"] == "xai-colossus-2") & (clusters["status"] == "planned")
                    & clusters["h100e"].notna()].iloc[0]
    assert plan["h100e"] == pytest.approx(1.39e6, rel=0.01)
    assert plan["power_mw"] == pytest.approx(1500, rel=0.01)
    gigawatt_2026 = clusters[(clusters["status"] == "planned") & (clusters["power_mw"] >= 1000)
                             & (pd.to_datetime(clusters["date"]).dt.year == 2026)]
    assert gigawatt_2026["cluster_id"].nunique() == 5
