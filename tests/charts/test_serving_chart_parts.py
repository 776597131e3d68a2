"""Serving figures drawn from pieces made once (event marks, the caps set) are the figures drawn from the
tables, and the marks keep only the rate limits inside the chart's years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from charts import serving
from charts.common import event_marks

EVENTS = pd.DataFrame({
    "date": pd.to_datetime(["2019-06-01", "2023-04-05", "2023-03-23", "2024-02-01"]),
    "label": ["before the chart", "Plus sales paused", "GPT-4 cap 25 per 3 h", "a launch"],
    "label_zh": ["", "暂停 Plus 销售", "", ""],
    "kind": ["rate_limit", "rate_limit", "rate_limit", "release"], "source_id": ["a", "b", "c", "d"]})


def test_rate_limit_marks_keep_rate_limits_inside_the_years():
    marks = serving.rate_limit_marks(EVENTS, "zh", (2022.5, 2040.0))
    assert marks["x"] == pytest.approx([2023 + 94 / 365, 2023 + 81 / 365])  # 5 April, 23 March 2023
    assert marks["customdata"].tolist() == [["暂停 Plus 销售", "2023-04-05"], ["GPT-4 cap 25 per 3 h", "2023-03-23"]]
    assert marks["meta"]["sources"] == ["b", "c"]
    assert serving.rate_limit_marks(EVENTS, "en", (2030.0, 2040.0)) is None
    assert event_marks(None, "en", (2000.0, 2040.0)) is None


def test_caps_figure_from_a_bar_made_once_is_the_same_figure():
    usage = pd.DataFrame({"date": pd.to_datetime(["2023-03-14", "2023-03-23"]), "metric": ["message_cap"] * 2,
                          "subject": ["GPT-4", "GPT-4"], "value": [100, 25], "window_hours": [4, 3],
                          "source_id": ["a", "b"]})
    caps = serving.observed_caps(usage)
    direct = serving.caps_figure(caps, 18.7, (5.0, 50.0), "model", "en", sources=["s"])
    reused = serving.caps_figure(caps, 18.7, (5.0, 50.0), "model", "en", sources=["s"],
                                 observed=serving.observed_caps_bar(caps, "en"))
    assert direct.to_json() == reused.to_json()
    assert list(direct.data[0].x) == [75.0, 25.0]


class _View:
    """An outlook with two whole years, enough for the ceiling chart."""
    t = np.array([2023.0, 2023.25, 2023.5, 2023.75, 2024.0])
    years = np.array([2023.0, 2024.0])
    demand = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    capacity = np.full(5, 5.0)
    memory_bound = np.ones(5, dtype=bool)
    bands = {k: np.tile(np.array([[0.5], [0.8], [1.0], [1.2], [1.5]]), (1, 2)) * np.array([1.0, 16.0])
             for k in ("demand", "capacity")}
    ceiling_time, ceiling_year, samples, p10, p50, p90 = 2023.75, 2023, 100, 2023.5, 2023.75, None


def test_ceiling_figure_with_marks_made_once_is_the_same_figure():
    view = _View()
    marks = serving.rate_limit_marks(EVENTS, "en", serving.ceiling_x_range(view))
    direct = serving.ceiling_figure(view, "en", sources=["s"], events=EVENTS, horizon=2024)
    reused = serving.ceiling_figure(view, "en", sources=["s"], horizon=2024, marks=marks)
    assert direct.to_json() == reused.to_json()
    assert [trace.name for trace in direct.data].count(marks["name"]) == 1
