"""The Forecast page: controls move the ceiling, presets switch, the URL round-trips, garbage is dropped."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from charts.export import source_credit
from charts.registry import ChartContext, build
from etl.read import Store
from models.inputs import inputs_from_store
from models.montecarlo import monte_carlo
from models.scenario import FIELDS, MAIN_FIELDS, PRESETS, Scenario
from tests.pages.helpers import as_read, ceiling_metric, open_advanced
from ui.uncertainty import TAB_KEY


@pytest.fixture(scope="module")
def engine_inputs(app_db):
    return inputs_from_store(Store(app_db))  # what the app feeds the engine (capacity and clusters too)


def expected_ceiling(scenario: Scenario, inputs) -> str:
    """The median ceiling year computed straight from the engine, as the page should show it."""
    median = monte_carlo(scenario, inputs).p50
    return str(int(median)) if median is not None else f"after {scenario.horizon}"


def share_link(at) -> str:
    (code,) = [c.value for c in at.code if "?" in c.value and "lang=" in c.value][:1]
    return code


def test_every_field_has_a_control_and_the_five_main_ones_come_first(app):
    at = app(page="forecast")
    closed = [w.key for w in (*at.slider, *at.selectbox, *at.number_input, *at.toggle)]
    assert set(MAIN_FIELDS) <= set(closed) and not set(closed) & (set(FIELDS) - set(MAIN_FIELDS))
    open_advanced(at)
    keys = [w.key for w in (*at.slider, *at.selectbox, *at.number_input, *at.toggle)]
    assert set(FIELDS) <= set(keys)
    assert [s.key for s in at.slider][: len(MAIN_FIELDS)] == list(MAIN_FIELDS)


def test_slider_moves_the_ceiling_as_the_engine_says(app, engine_inputs):
    at = app(page="forecast")
    assert ceiling_metric(at) == expected_ceiling(Scenario(), engine_inputs)
    # slower demand: the default binds on power within a year, so a share change alone would not move it
    at.slider(key="demand_growth").set_value(1.5).run()
    slower = Scenario(demand_growth=1.5)
    assert ceiling_metric(at) == expected_ceiling(slower, engine_inputs)
    assert ceiling_metric(at) != expected_ceiling(Scenario(), engine_inputs)  # this change does move it
    assert any("Demand growth" in i.value for i in at.info)  # the "what moved" note


def test_preset_switch_sets_every_control_to_the_preset(app, engine_inputs):
    at = open_advanced(app(page="forecast"))
    at.selectbox(key="preset").set_value("article-2023").run()
    preset = Scenario.from_preset("article-2023")
    assert at.selectbox(key="demand_mode").value == "claim"
    assert at.selectbox(key="demand_claim").value == "seed-2023-global"  # the article's global-compute reading
    assert at.toggle(key="weakest_link").value is True
    assert at.slider(key="logic_wafers_per_month").value == PRESETS["article-2023"].overrides[
        "logic_wafers_per_month"]
    assert ceiling_metric(at) == expected_ceiling(preset, engine_inputs)
    assert "preset=article-2023" in share_link(at)


def test_url_parameters_set_the_controls_and_the_share_link_reproduces_the_view(app, engine_inputs):
    at = open_advanced(app(page="forecast", preset="high", utilisation="0.3", horizon="2050"))
    assert at.selectbox(key="preset").value == "high"
    assert at.slider(key="utilisation").value == pytest.approx(0.3)
    assert at.slider(key="horizon").value == 2050
    scenario = Scenario.from_preset("high", utilisation=0.3, horizon=2050)
    assert ceiling_metric(at) == expected_ceiling(scenario, engine_inputs)

    at.slider(key="run_length_days").set_value(200.0).run()
    params = dict(parse_qsl(urlsplit(share_link(at)).query))
    assert params == {"preset": "high", "utilisation": "0.3", "horizon": "2050", "run_length_days": "200.0",
                      "lang": "en"}
    reopened = app(page="forecast", **{k: v for k, v in params.items() if k != "lang"})
    assert ceiling_metric(reopened) == ceiling_metric(at)
    assert reopened.slider(key="run_length_days").value == pytest.approx(200.0)


def test_garbage_parameters_are_dropped_with_a_warning_naming_each(app):
    at = app(page="overview", utilisation="7", demand_growth="lots", bogus="1", preset="nope")
    assert not at.exception
    # shown on the page the link opens; as a reader sees them (the Markdown escapes removed)
    warnings = as_read(" ".join(w.value for w in at.warning))
    for name in ("utilisation=7", "demand_growth=lots", "bogus=1", "preset=nope"):
        assert name in warnings
    at.switch_page("app_pages/forecast.py").run()
    assert not at.exception
    assert at.slider(key="utilisation").value == pytest.approx(FIELDS["utilisation"].default)
    assert at.selectbox(key="preset").value == "data-trend"


def test_deep_link_opened_on_overview_carries_to_the_forecast_page(app, engine_inputs):
    at = app(page="overview", run_length_days="30")
    expected = expected_ceiling(Scenario(run_length_days=30.0), engine_inputs)
    assert ceiling_metric(at) == expected
    at.switch_page("app_pages/forecast.py").run()
    assert at.slider(key="run_length_days").value == pytest.approx(30.0)
    assert ceiling_metric(at) == expected


def test_language_switch_keeps_the_scenario_and_puts_lang_in_the_link(app):
    at = app(page="forecast")
    at.slider(key="run_length_days").set_value(60.0).run()
    year = ceiling_metric(at)
    at.radio(key="ui_lang_switch").set_value("zh").run()
    assert at.title[0].value == "预测：需求何时超过供给？"
    assert at.slider(key="run_length_days").value == pytest.approx(60.0)
    assert ceiling_metric(at) == year
    assert at.query_params["lang"] == "zh"
    assert "lang=zh" in share_link(at) and "run_length_days=60.0" in share_link(at)


def plotted(values) -> list:
    """A trace's values from the page's figure JSON (numbers may come as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def drawn_figures(at) -> dict[str, dict]:
    """The Plotly figures on the page, by the registry chart id in their meta."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {spec["layout"]["meta"]["chart_id"]: spec for spec in specs}


def test_only_the_open_uncertainty_tab_draws_its_chart_and_a_tab_click_draws_the_next(app):
    at = app(page="forecast")
    assert list(drawn_figures(at)) == ["forecast", "forecast-fan"]  # the fan's tab is open first
    for label, chart_id in (("P(ceiling by year)", "ceiling-probability"), ("What matters most", "tornado")):
        at.session_state[TAB_KEY] = label  # what a click on the tab sets
        at.run()
        assert not at.exception
        assert list(drawn_figures(at)) == ["forecast", chart_id]


def test_a_tab_opened_later_shows_the_same_tornado_as_the_registry_builds(app, app_db):
    at = app(page="forecast")
    at.slider(key="run_length_days").set_value(60.0).run()
    at.session_state[TAB_KEY] = "What matters most"
    at.run()
    shown = drawn_figures(at)["tornado"]
    expected = build("tornado", ChartContext(Store(app_db), Scenario(run_length_days=60.0), "en"))
    assert [trace.get("name") for trace in shown["data"]] == [trace.name for trace in expected.data]
    for got, want in zip(shown["data"], expected.data, strict=True):
        assert len(want.x) > 0
        assert plotted(got["x"]) == pytest.approx(list(want.x))
        assert plotted(got["y"]) == list(want.y)
    assert shown["layout"]["meta"]["sources"] == expected.layout.meta["sources"]


def test_field_help_names_the_fields_source_from_the_database(app, app_db):
    at = app(page="forecast")
    sources = Store(app_db).sources()
    for key in ("demand_growth", "utilisation"):
        credit = source_credit(FIELDS[key].source_id, sources)
        assert at.slider(key=key).help.endswith(credit)


def test_the_open_uncertainty_tab_stays_open_after_a_language_switch(app):
    at = app(page="forecast")
    at.session_state[TAB_KEY] = "What matters most"  # what a click on the tab sets
    at.run()
    at.radio(key="ui_lang_switch").set_value("zh").run()
    assert not at.exception
    assert list(drawn_figures(at)) == ["forecast", "tornado"]
    assert at.session_state[TAB_KEY] == "影响最大的假设"  # the same tab, under its Chinese label
    at.radio(key="ui_lang_switch").set_value("en").run()
    assert list(drawn_figures(at)) == ["forecast", "tornado"]
