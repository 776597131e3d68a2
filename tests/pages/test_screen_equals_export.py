"""The screen and `python -m charts export` show the same figure: for every registry chart the Demand, Supply and
Claims pages draw (each at its defaults and with its controls moved), the figure the page sends to the browser
and the one `python -m charts export CHART --option ... --format json` writes have the same title and subtitle,
the same traces in the same order, and the same x and y data."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from charts import __main__ as cli
from charts.export import _plain
from charts.registry import CHARTS

# (page, the controls to move as (widget kind, key, value), the options those controls mean, by chart id)
CASES = [
    ("demand", [], {"demand-compute": {}, "demand-parameters": {}, "demand-doubling": {}}),
    ("demand", [("selectbox", "demand_population", "frontier"), ("slider", "demand_window", (2015, 2022)),
                ("selectbox", "demand_breaks", 1)],
     {chart: {"population": "frontier", "since": "2015", "until": "2022", "breaks": "1"}
      for chart in ("demand-compute", "demand-parameters", "demand-doubling")}),
    ("supply", [], {"supply-market-share": {}, "supply-capacity": {}, "supply-shipments-vendor": {},
                    "supply-stock": {}, "supply-hardware-flops": {}, "binding-link": {}}),
    ("supply", [("selectbox", "supply_share_year", 2023), ("radio", "supply_capacity_unit", "stacks/month"),
                ("radio", "supply_group", "chip"), ("radio", "supply_metric", "price_performance")],
     {"supply-market-share": {"year": "2023"}, "supply-capacity": {"unit": "stacks/month"},
      "supply-shipments-chip": {}, "supply-hardware-price-performance": {}}),
    ("supply", [], {"supply-sites": {}, "supply-owners": {}, "supply-share-trend": {}, "supply-china-units": {}}),
    *[("supply", [("radio", "supply_china_metric", chart)], {chart: {}})
      for chart in ("supply-china-production", "supply-china-factors", "supply-china-world-share")],
    ("claims", [], {"demand-compute": {}, "demand-parameters": {}, "supply-market-share": {}, "supply-capacity": {},
                    "claims-check": {}, "backtest": {}}),
    ("claims", [("slider", "claims_cutoff", 2016)], {"backtest": {"fit_through": "2016"}}),
]
FORECAST_CHARTS = {"forecast", "forecast-fan", "ceiling-probability", "tornado",  # tests/pages/test_one_scenario.py
                   "allocation-share", "constraints", "engine-backtest",  # Forecast tabs: tests/charts, tests/models
                   "serving-ceiling", "serving-caps", "serving-memory-wall",  # tests/pages/test_serving.py
                   "serving-flop-per-byte"}


def page_figures(at) -> dict[str, list[dict]]:
    """The figures the page rendered, by the registry id in their meta."""
    shown: dict[str, list[dict]] = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        shown.setdefault(spec["layout"]["meta"]["chart_id"], []).append(spec)
    return shown


def exported(db, tmp_path, chart_id: str, options: dict[str, str], lang: str, sets: dict | None = None) -> dict:
    out = tmp_path / f"{chart_id}.json"
    argv = ["export", chart_id, "--format", "json", "--lang", lang, "--db", str(db), "--out", str(out)]
    for name, value in (sets or {}).items():
        argv += ["--set", f"{name}={value}"]
    for name, value in options.items():
        argv += ["--option", f"{name}={value}"]
    assert cli.main(argv) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def text(value) -> str:
    return re.sub(r"\s+", " ", str(value or "").replace("<br>", " ")).strip()


def series(values):
    """Numbers as a float array (None as NaN), anything else as a list."""
    values = _plain(values)
    if values is None:
        return None
    values = list(values)
    if all(v is None or isinstance(v, (int, float)) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return values


def assert_same_figure(screen: dict, export: dict, chart_id: str) -> None:
    title, export_title = screen["layout"]["title"], export["layout"]["title"]
    assert text(title.get("text")) == text(export_title.get("text")), chart_id
    assert text(title.get("subtitle", {}).get("text")) == text(export_title.get("subtitle", {}).get("text")), chart_id
    assert [tr.get("name") for tr in screen["data"]] == [tr.get("name") for tr in export["data"]], chart_id
    for ours, theirs in zip(screen["data"], export["data"], strict=True):
        for axis in ("x", "y"):
            a, b = series(ours.get(axis)), series(theirs.get(axis))
            if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
                np.testing.assert_allclose(a, b, rtol=1e-12, equal_nan=True, err_msg=f"{chart_id} {ours.get('name')}")
            else:
                assert a == b, (chart_id, ours.get("name"), axis)


@pytest.mark.parametrize(("page", "moves", "expected"), CASES,
                         ids=[f"{page}-{'moved' if moves else 'default'}" for page, moves, _ in CASES])
def test_each_chart_on_the_page_is_the_exported_chart(app, app_db, tmp_path, page, moves, expected):
    at = app(page=page)
    for kind, key, value in moves:
        getattr(at, kind)(key=key).set_value(value)
    if moves:
        at.run()
    assert not at.exception
    shown = page_figures(at)
    assert set(expected) <= set(shown), sorted(shown)
    for chart_id, options in expected.items():
        export = exported(app_db, tmp_path, chart_id, options, "en")
        for screen in shown[chart_id]:
            assert_same_figure(screen, export, chart_id)


def test_the_chinese_screen_is_the_chinese_export(app, app_db, tmp_path):
    at = app(page="demand", lang="zh")
    shown = page_figures(at)
    export = exported(app_db, tmp_path, "demand-doubling", {}, "zh")
    assert_same_figure(shown["demand-doubling"][0], export, "demand-doubling")


def test_the_scenario_of_the_link_is_the_scenario_of_the_export(app, app_db, tmp_path):
    """The Claims page's scenario charts follow the share link's fit settings as `--set` does on the CLI."""
    link = {"fit_population": "frontier", "fit_since": "2014", "seed": "3"}
    at = app(page="claims", **link)
    assert not at.exception
    shown = page_figures(at)
    for chart_id in ("claims-check", "backtest"):
        export = exported(app_db, tmp_path, chart_id, {}, "en", sets=link)
        default = exported(app_db, tmp_path, chart_id, {}, "en")  # the link does change the figure
        assert [(tr.get("x"), tr.get("y")) for tr in export["data"]] != [(tr.get("x"), tr.get("y")) for tr in default["data"]]
        for screen in shown[chart_id]:
            assert_same_figure(screen, export, chart_id)


def test_every_non_forecast_chart_is_on_a_page_and_compared_here():
    compared = {chart for _, _, expected in CASES for chart in expected}
    assert compared == set(CHARTS) - FORECAST_CHARTS
