"""The Supply page's time charts mark chip launches and export rules as ticks along the bottom, like the
Demand charts: only events inside the years drawn, with the label (Chinese in zh) in the hover."""

from __future__ import annotations

import pandas as pd
import pytest

from charts import supply
from charts.common import EVENT_AXIS
from i18n import t

EVENTS = pd.DataFrame({
    "date": ["2022-10-07", "2024-03-18", "2023-03-20", "2019-01-01", "2023-09-01"],
    "label": ["Export controls", "B200 announced", "ChatGPT outage", "Too early", "Rumour"],
    "label_zh": ["出口管制", "B200 发布", "ChatGPT 宕机", "太早", "传闻"],
    "kind": ["policy", "launch", "outage", "launch", "rumour"],
    "source_id": ["bis", "nvidia", "openai", "old", "press"],
})


def event_marks(fig, lang="en"):
    return [tr for tr in fig.data if tr.name == t("charts.polish_legend.events", lang)]


def shipments_frame():
    """NVIDIA totals for 2022 and 2024 (chip `all`) and one H100 row, so the years drawn are 2022.5–2024.5."""
    return pd.DataFrame({"vendor": ["NVIDIA"] * 3, "chip": ["all", "all", "H100"],
                         "period_start": ["2022-01-01", "2024-01-01", "2023-01-01"],
                         "period_end": ["2022-12-31", "2024-12-31", "2023-12-31"],
                         "h100e_p5": [1.0, 2.0, 1.0], "h100e_median": [2.0, 3.0, 1.5], "h100e_p95": [3.0, 4.0, 2.0],
                         "source_id": ["chips"] * 3})


def test_shipments_mark_launches_and_policy_inside_the_years_drawn():
    fig = supply.shipments(shipments_frame(), "en", group="vendor", events=EVENTS)
    (marks,) = event_marks(fig)
    # drawn years: middles of 2022 and 2024 (2022.5 .. 2024.5); outage and rumour are not supply events
    assert list(marks.customdata[:, 0]) == ["Export controls", "B200 announced"]
    assert list(marks.customdata[:, 1]) == ["2022-10-07", "2024-03-18"]
    assert list(marks.x) == pytest.approx([2022 + 279 / 365, 2024 + 77 / 366])
    lines = [tr for tr in fig.data if tr.name == "NVIDIA"]
    low, high = min(lines[0].x), max(lines[0].x)
    assert all(low <= x <= high for x in marks.x)  # ticks within the chart's x range
    assert marks.yaxis == EVENT_AXIS and fig.layout.yaxis9.visible is False  # on the floor, whatever the y scale
    assert fig.layout.showlegend is True  # "Events" is named in the legend


def test_shipments_by_chip_in_chinese_use_the_chinese_labels():
    fig = supply.shipments(shipments_frame(), "zh", group="chip", events=EVENTS)
    # the one H100 row spans 2023 (its middle, 2023.5): no supply event falls on that single point
    assert event_marks(fig, "zh") == []
    rows = shipments_frame().assign(period_start=["2022-01-01", "2024-01-01", "2022-01-01"],
                                    period_end=["2022-12-31", "2024-12-31", "2024-12-31"])
    rows = pd.concat([rows, rows.iloc[[2]].assign(period_start="2024-01-01", period_end="2024-12-31")])
    (marks,) = event_marks(supply.shipments(rows, "zh", group="chip", events=EVENTS), "zh")
    assert list(marks.customdata[:, 0]) == ["B200 发布"]  # 2023.5 .. 2024.5


def test_capacity_and_stock_carry_the_same_ticks_and_no_events_means_no_ticks():
    capacity = pd.DataFrame({"year": [2022, 2025], "foundry": ["TSMC"] * 2, "node": ["CoWoS"] * 2,
                             "unit": ["wafers/month"] * 2, "capacity_low": [8e3, 6e4],
                             "capacity_central": [1e4, 7e4], "capacity_high": [1.2e4, 8e4], "source_id": ["c"] * 2})
    (marks,) = event_marks(supply.foundry_capacity(capacity, "en", events=EVENTS))
    assert list(marks.customdata[:, 0]) == ["Export controls", "B200 announced"]
    stock = pd.DataFrame({"year": [2023.0, 2025.0], "vendor": ["all", "all"], "h100e_p5": [1e6, 3e6],
                          "h100e_median": [2e6, 4e6], "h100e_p95": [3e6, 5e6], "source_id": ["s"] * 2})
    (marks,) = event_marks(supply.installed_stock(stock, "en", events=EVENTS))
    assert list(marks.customdata[:, 0]) == ["B200 announced"]  # 2022-10 is before the first stock year
    assert event_marks(supply.installed_stock(stock, "en")) == []
    assert supply.installed_stock(stock, "en").layout.showlegend is None
