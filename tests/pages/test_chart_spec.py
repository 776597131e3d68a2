"""A chart on screen is sent as the JSON Plotly makes of the figure: the page hands `st.plotly_chart` a stand-in
(ui.views._Drawn) that keeps the figure's dict instead of deep-copying the figure on every rerun; the JSON
must be Plotly's own, character for character, every time it is drawn."""

from __future__ import annotations

import plotly.io
import plotly.tools
import pytest

from charts import registry
from charts.registry import ChartContext
from models.scenario import Scenario
from ui import views

CHART_IDS = ["forecast", "forecast-fan", "ceiling-probability", "constraints", "demand-compute", "supply-stock",
             "supply-market-share", "serving-ceiling"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from etl.build import build
    from etl.paths import RAW_DIR
    from etl.read import Store

    path = tmp_path_factory.mktemp("chart-spec") / "compute.duckdb"
    build(RAW_DIR, path, log=lambda _message: None)
    return Store(path)


def sent(figure_or_data) -> str:
    """What Streamlit's plotly_chart sends for a figure: its dict (plotly.tools), then Plotly's JSON."""
    return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure_or_data, validate_figure=True),
                             validate=False)


@pytest.mark.parametrize("chart_id", CHART_IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_stand_in_sends_plotlys_json_on_every_draw(store, chart_id, lang):
    fig = registry.build(chart_id, ChartContext(store, Scenario.from_preset(samples=600), lang))
    expected = sent(fig)
    for _ in range(3):  # the first draw keeps the dict; the later ones must find it as it was
        assert sent(views._Drawn(fig)) == expected
    assert sent(fig) == expected  # the figure itself is untouched
