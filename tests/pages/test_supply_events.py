"""The Supply page's time charts show the events the export shows: the same ticks as the registry's figures,
all inside the chart's years."""

from __future__ import annotations

import pytest

from charts.registry import ChartContext, build
from etl.read import Store
from i18n import t
from models.scenario import Scenario
from tests.pages.helpers import plotly_spec

TIME_CHARTS = ("supply-capacity", "supply-shipments-vendor", "supply-stock")


def events_trace(traces: list[dict], lang: str) -> dict:
    (trace,) = [tr for tr in traces if tr.get("name") == t("charts.polish_legend.events", lang)]
    return trace


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_supply_time_charts_mark_the_same_events_as_the_export(app, app_db, lang):
    at = app(page="supply", lang=lang)
    assert not at.exception
    shown = {spec["layout"]["meta"]["chart_id"]: spec for spec in
             (plotly_spec(c) for c in at.get("plotly_chart"))}
    events = Store(app_db).events()
    supply_kinds = events[events["kind"].isin(["launch", "policy", "export_control"])]
    label_column = "label_zh" if lang == "zh" else "label"
    for chart_id in TIME_CHARTS:
        marks = events_trace(shown[chart_id]["data"], lang)
        expected = events_trace(build(chart_id, ChartContext(Store(app_db), Scenario(), lang)).to_plotly_json()["data"],
                                lang)
        assert [row[0] for row in marks["customdata"]] == [row[0] for row in expected["customdata"]]
        assert set(row[0] for row in marks["customdata"]) <= set(supply_kinds[label_column])
        drawn = [x for tr in shown[chart_id]["data"] if tr.get("yaxis") != "y9" and isinstance(tr.get("x"), list)
                 for x in tr["x"] if isinstance(x, (int, float))]
        assert marks["x"] and all(min(drawn) <= x <= max(drawn) for x in marks["x"])
