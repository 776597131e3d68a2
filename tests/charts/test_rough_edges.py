"""Regression tests for rough edges a new user met in the exports: a year axis with one label, a central
year rounded up past the year the metric quotes, and a hero axis running years past its data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from charts import forecast
from charts.registry import ChartContext, build
from i18n import t
from models.scenario import Scenario
from tests.charts.test_forecast_charts import FakeStore

# the article-2023 tornado: every bar within a year of the central crossing (2024.33)
NARROW = pd.DataFrame({"label": ["Largest run", "Demand growth", "Supply growth"],
                       "low_year": [2024.92, 2024.17, 2024.25], "high_year": [2023.83, 2024.50, 2024.42]})


def whole_years_in(axis_range) -> list[int]:
    low, high = axis_range
    return list(range(math.ceil(low), math.floor(high) + 1))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tornado_over_a_few_months_still_labels_whole_years_on_its_axis(lang):
    fig = forecast.tornado(NARROW, 2024.33, lang)
    years = whole_years_in(fig.layout.xaxis.range)
    assert years == [2023, 2024, 2025]  # the bars run 2023.83 to 2024.92: the years around them, each ticked
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == "d"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tornado_names_the_central_year_as_the_calendar_year_not_rounded_up(lang):
    fig = forecast.tornado(NARROW.assign(low_year=[2034.9, 2034.5, 2034.6], high_year=[2034.2, 2034.95, 2034.7]),
                           2034.83, lang)
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")  # wrapped to the width
    assert "2034" in subtitle and "2035" not in subtitle
    assert subtitle.replace(" ", "") == t("charts.forecast.tornado.subtitle", lang, year=2034).replace(" ", "")


@pytest.fixture(scope="module")
def hero():
    scenario = Scenario(demand_growth=6.0, demand_base_flop=1e26, supply_growth=2.0, horizon=2045, samples=500)
    return build("forecast", ChartContext(FakeStore(), scenario, "en")), scenario


def test_hero_axis_ends_at_the_projection_not_years_past_it(hero):
    fig, scenario = hero
    last_x = max(float(x) for trace in fig.data if trace.x is not None for x in trace.x)
    low, high = fig.layout.xaxis.range
    assert last_x <= scenario.horizon + 1.0  # the projection's last month
    assert last_x <= high <= last_x + 0.5  # was horizon + 30% of the span: 2047.5 for a 2040 horizon


def test_hero_series_labels_sit_in_a_right_margin_wide_enough_for_them(hero):
    fig, _scenario = hero
    _low, high = fig.layout.xaxis.range
    ends = [note for note in fig.layout.annotations if note.name == "direct-label" and note.x > high - 1]
    assert len(ends) == 2  # demand and the compute available to the run, each at its line's end
    for note in ends:
        lines = note.text.split("<br>")
        assert note.x <= high and note.xanchor == "left" and note.align == "left"
        widest = max(len(line) for line in lines)  # Latin labels: one unit a character
        assert widest <= forecast.LABEL_LINE_UNITS or len(lines) == 1
        assert fig.layout.margin.r >= widest * forecast.LABEL_FONT_PX * 0.55
