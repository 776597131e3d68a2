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

CHART_IDS = list(registry.CHARTS)  # every chart a page draws: lines, bars, bands, markers, tables of text


MEMO: dict = {}


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
    fig = registry.build(chart_id, ChartContext(store, Scenario.from_preset(samples=600), lang, sources_memo=MEMO))
    expected = sent(fig)
    for _ in range(3):  # the first draw keeps the dict; the later ones must find it as it was
        assert sent(views._Drawn(fig)) == expected
    assert sent(fig) == expected  # the figure itself is untouched


def test_arrays_of_every_kind_are_sent_as_plotly_sends_them():
    import numpy as np
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=np.arange(5, dtype=np.int64) * 10**6, y=np.linspace(0.0, 1.0, 5, dtype=np.float32),
                               customdata=np.arange(6.0).reshape(3, 2), text=np.array(["a", "b", "c", "d", "e"]),
                               ids=[str(i) for i in range(5)], marker={"size": np.array([], dtype=float)}))
    fig.update_layout(xaxis={"range": np.array([0.0, 4e6])}, meta={"values": np.array([1.5, 2.5])})
    assert sent(views._Drawn(fig)) == sent(fig)
