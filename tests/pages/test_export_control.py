"""The export control's files: built on demand, with the title the user typed and the source footer."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go

from charts.common import finish
from ui.export import renderer


def small_figure() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[1e24, 4e24, 1.6e25], name="demand"))
    return finish(fig, chart_id="test", sources=["epoch-notable-models"], units={"x": "year", "y": "FLOP"},
                  title="Original title", subtitle="FLOP per run")


OPTIONS = dict(title="My headline", subtitle="For the article", size="article", lang="en",
               share_link="http://127.0.0.1:8501/?lang=en", sources=None)


def test_csv_holds_exactly_the_plotted_points_with_unit_and_source():
    text = renderer(small_figure(), "csv", 1, OPTIONS)()
    frame = pd.read_csv(io.StringIO(text))
    assert frame["y"].tolist() == [1e24, 4e24, 1.6e25]
    assert set(frame["source"]) == {"epoch-notable-models"}


def test_html_carries_the_edited_title_and_the_source_footer_and_no_network_reference():
    html = renderer(small_figure(), "html", 1, OPTIONS)()
    assert "My headline" in html and "Original title" not in html
    assert "epoch-notable-models" in html
    assert "<script src=\"http" not in html  # plotly.js embedded, not fetched


def test_nothing_is_rendered_until_the_file_is_asked_for(monkeypatch):
    calls = []
    monkeypatch.setattr("charts.export.to_image", lambda *a, **k: calls.append(a) or b"png")
    make_png = renderer(small_figure(), "png", 2, OPTIONS)
    assert calls == []
    assert make_png() == b"png" and len(calls) == 1
