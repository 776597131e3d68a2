"""Serving charts: observed caps converted to messages per 3 hours by hand, sources named, ids registered."""

from __future__ import annotations

import pandas as pd
import pytest

from charts import serving
from charts.registry import CHARTS, ChartContext, build
from etl.read import Store
from models.scenario import Scenario
from models.serving_scenario import ServingScenario


def test_caps_are_converted_to_messages_per_3_hours():
    usage = pd.DataFrame({
        "date": pd.to_datetime(["2023-03-14", "2023-03-23", "2024-09-12", "2025-10-06"]),
        "metric": ["message_cap", "message_cap", "message_cap", "weekly_active_users"],
        "subject": ["GPT-4", "GPT-4", "o1-preview", "ChatGPT"], "value": [100, 25, 30, 8e8],
        "window_hours": [4, 3, 168, None], "source_id": ["a", "b", "c", "d"]})
    caps = serving.observed_caps(usage)
    assert caps["per_3h"].tolist() == pytest.approx([75.0, 25.0, 30 * 3 / 168])  # 100/4h; 25/3h; 30 a week
    fig = serving.caps_figure(caps, 18.7, (5.0, 50.0), "model", "en", sources=["s"])
    assert list(fig.data[0].x) == pytest.approx([75.0, 25.0, 30 * 3 / 168])
    assert fig.data[1].x == (18.7,) and fig.data[1].error_x.array == (31.3,)
    assert fig.layout.meta["sources"] == ["a", "b", "c", "s"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from etl.build import build as build_db
    from etl.paths import RAW_DIR

    path = tmp_path_factory.mktemp("serving-charts") / "compute.duckdb"
    build_db(RAW_DIR, path, log=lambda _m: None)
    return Store(path)


@pytest.mark.parametrize("chart_id", ["serving-ceiling", "serving-caps", "serving-memory-wall",
                                      "serving-flop-per-byte"])
def test_each_serving_chart_builds_with_sources_that_resolve(store, chart_id):
    assert chart_id in CHARTS
    ctx = ChartContext(store, Scenario(), "zh", serving=ServingScenario(samples=500))
    fig = build(chart_id, ctx)
    known = set(store.sources()["source_id"])
    assert fig.layout.meta["chart_id"] == chart_id
    assert fig.layout.meta["sources"] and set(fig.layout.meta["sources"]) <= known
    assert "⟦" not in fig.to_json()


def test_a_serving_horizon_past_the_training_horizon_runs_a_longer_forecast(store):
    ctx = ChartContext(store, Scenario(horizon=2035), "en", serving=ServingScenario(samples=200, horizon=2045))
    assert ctx.serving_outlook.t[-1] == 2045
