"""The Supply page's sites, owners, China and share-trend block: drawn in both languages, each figure the
registry's own (the same title and data as `python -m charts export`)."""

from __future__ import annotations

import json

import pytest

from charts.registry import ChartContext, build
from etl.read import Store
from tests.pages.helpers import missing_keys

WORLD_CHARTS = ("supply-sites", "supply-owners", "supply-china-units", "supply-share-trend")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_world_block_draws_the_registry_figures_in_each_language(app, app_db, lang):
    at = app(page="supply", lang=lang)
    assert not at.exception
    assert not missing_keys(at)
    shown = {spec["layout"]["meta"]["chart_id"]: spec for spec in
             (json.loads(c.proto.spec) for c in at.get("plotly_chart"))}
    for chart_id in WORLD_CHARTS:
        assert chart_id in shown, chart_id
        exported = build(chart_id, ChartContext(Store(app_db), None, lang)).to_plotly_json()
        assert shown[chart_id]["layout"]["title"]["text"] == exported["layout"]["title"]["text"]
        assert len(shown[chart_id]["data"]) == len(exported["data"])


def test_china_measure_switches_the_china_chart(app):
    at = app(page="supply", lang="en")
    at.radio(key="supply_china_metric").set_value("supply-china-production").run()
    assert not at.exception
    ids = [json.loads(c.proto.spec)["layout"]["meta"]["chart_id"] for c in at.get("plotly_chart")]
    assert "supply-china-production" in ids and "supply-china-units" not in ids
