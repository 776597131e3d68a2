"""The sites, owners, China and share-trend figures, on small hand-made frames (values worked out by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from charts import china, sites


def _clusters() -> pd.DataFrame:
    return pd.DataFrame({
        "cluster_id": ["a", "b", "a", "c", "d"],
        "name": ["A", "B", "A", "C", "D"],
        "owner": ["X", "Y", "X", "Z", "W"],
        "country": ["US", "US", "US", "CN", "US"],
        "date": pd.to_datetime(["2022-04-30", "2023-01-01", "2024-09-02", "2024-10-01", "2026-05-13"]),
        "h100e": [7_883, 5_000, 100_000, 10_000, 1_389_591],
        "power_mw": [21.3, None, 150, None, 1494],
        "status": ["operational", "operational", "operational", "operational", "planned"],
        "confidence": ["estimate"] * 5,
        "source_id": ["s1", "s1", "s2", "s1", "s2"],
        "notes": [None] * 5,
    })


def test_record_keeps_only_operational_sites_that_beat_every_earlier_one():
    record = sites.largest_operational(_clusters())
    assert list(record["name"]) == ["A", "A"]  # B (5,000) and C (10,000) never beat A; D is only planned
    assert list(record["h100e"]) == [7_883, 100_000]


def test_sites_figure_separates_operational_from_planned_and_names_the_record():
    fig = sites.largest_sites(_clusters(), "en")
    names = [trace.name for trace in fig.data]
    assert "Operational" in names and "Planned" in names
    planned = next(trace for trace in fig.data if trace.name == "Planned")
    assert list(planned.y) == [1_389_591]
    assert fig.layout.title.text.startswith("The largest operational AI site is now A,")
    assert set(fig.layout.meta["sources"]) == {"s1", "s2"}


def test_owner_figure_draws_each_group_with_its_band_and_the_shipped_total():
    groups = pd.DataFrame({
        "owner_group": ["hyperscaler", "china", "other"] * 2,
        "decimal_year": [2024.0] * 3 + [2024.25] * 3,
        "period_start": pd.to_datetime(["2024-01-01"] * 3 + ["2024-04-01"] * 3),
        "h100e_p5": [50, 5, 20, 60, 6, 25], "h100e_median": [60, 10, 30, 70, 10, 40],
        "h100e_p95": [70, 15, 40, 80, 14, 55], "shipped_median": [106] * 3 + [125] * 3,
    })
    fig = sites.owners(groups, "en")
    lines = {trace.name: trace for trace in fig.data if trace.mode == "lines" and not trace.name.endswith(("upper)", "lower)"))}
    assert list(lines["Hyperscalers"].y) == [60, 70]
    assert list(lines["Shipped total (same vendors)"].y) == [106, 125]
    # 130 of the 220 H100e owned went to hyperscalers: 59%; China 20 of 220: 9%.
    assert "59%" in fig.layout.title.text and "9%" in fig.layout.title.text


def test_china_ranges_draw_an_upper_bound_as_a_bound_not_a_point_estimate():
    frame = pd.DataFrame({
        "metric": ["ascend_production"] * 2, "year": [2025, 2025], "vendor": ["Huawei", "Huawei"],
        "definition": ["capacity", "packages"], "unit": ["chips", "chips"],
        "value_low": [None, 600_000], "value_central": [None, 805_000], "value_high": [200_000, 900_000],
        "confidence": ["estimate", "speculative"], "source_id": ["gov", "analyst"], "notes": [None, None],
    })
    fig = china.china_ranges(frame, "en", "ascend_production")
    by_name = {trace.name: trace for trace in fig.data if trace.name}
    assert list(by_name["Upper bound (at most)"].x) == [200_000]
    assert list(by_name["Estimate"].x) == [805_000]
    span = next(trace for trace in fig.data if trace.mode == "lines")
    assert list(span.x) == [600_000, 900_000]
    assert fig.layout.meta["chart_id"] == "supply-china-production"


def test_shipped_share_counts_only_years_with_two_vendors_of_full_quarters():
    annual = pd.DataFrame({
        "vendor": ["NVIDIA", "Google", "NVIDIA", "Google", "AMD", "NVIDIA"],
        "year": [2022, 2022, 2024, 2024, 2024, 2021],
        "basis": ["quarters", "partial_quarters", "quarters", "quarters", "quarters", "annual"],
        "h100e_median": [300, 14, 680, 200, 120, 176],
    })
    share = china.shipped_share(annual).set_index("year")["share"]
    assert list(share.index) == [2024]  # 2022 has one vendor's full year, 2021 only an annual estimate
    assert share.loc[2024] == pytest.approx(680 / 1000)


def test_seed_figures_sit_on_the_series_of_their_market():
    shares = pd.DataFrame({
        "year": [2020, 2022, 2022], "market": ["ai_accelerator_revenue", "ai_accelerator_revenue", "cloud_training"],
        "market_definition": ["revenue", "revenue", "training"], "vendor": ["NVIDIA"] * 3,
        "share": [0.806, 0.8, 0.9], "confidence": ["estimate"] * 3,
        "source_id": ["omdia", china.SEED_SOURCE, china.SEED_SOURCE],
    })
    fig = china.share_trend(shares, None, "en")
    revenue = next(trace for trace in fig.data if trace.mode == "lines+markers" and list(trace.x) == [2020, 2022])
    stars = [trace for trace in fig.data if trace.marker.symbol == "star"]
    assert len(stars) == 2
    assert revenue.line.color in {star.marker.color for star in stars}  # the 80% star has its series' colour
    assert sorted(v for star in stars for v in star.y) == [80, 90]
