"""Export without a browser: CSV of the plotted series, standalone HTML, the footer, sizes, camera button."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import demand, export
from charts.common import Line

TODAY = dt.date(2026, 11, 25)


def _figure(models_frame):
    fit = Line(label="Fit", x=[2013, 2023], y=[1e18, 1e25], low=[5e17, 5e24], high=[2e18, 2e25],
               sources=("openai-ai-and-compute-2018",), unit="FLOP")
    return demand.training_compute(models_frame, "en", fits=[fit])


def test_csv_has_one_row_per_plotted_point(models_frame):
    fig = _figure(models_frame)
    frame = pd.read_csv(io.StringIO(export.to_csv(fig)))
    assert list(frame.columns) == ["trace", "x", "y", "unit", "source"]
    assert len(frame) == sum(len(tr.x) for tr in fig.data) == 3 + 2 * 3  # 3 models; fit line, upper, lower
    assert list(frame["trace"].unique()) == [tr.name for tr in fig.data]
    fit_rows = frame[frame["trace"] == "Fit"]
    assert list(fit_rows["y"]) == [1e18, 1e25] and set(fit_rows["source"]) == {"openai-ai-and-compute-2018"}
    assert set(frame["unit"]) == {"FLOP"}


def test_csv_escapes_formulas_but_not_numbers():
    fig = go.Figure([go.Scatter(x=["=1+2", "plain", "@x"], y=[-1.5, 2, 3], name="+evil")])
    frame = pd.read_csv(io.StringIO(export.to_csv(fig)), dtype=str)
    assert list(frame["x"]) == ["'=1+2", "plain", "'@x"]
    assert frame["trace"].iloc[0] == "'+evil"
    assert frame["y"].iloc[0] == "-1.5"


def test_csv_leaves_out_hidden_traces():
    fig = go.Figure([go.Scatter(x=[1], y=[2], name="shown"), go.Scatter(x=[1], y=[3], name="off", visible=False)])
    assert "off" not in export.to_csv(fig)


def test_html_is_standalone_and_holds_the_data(models_frame):
    html = export.to_html(_figure(models_frame))
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html, re.I)  # plotly.js is embedded, not fetched
    assert not re.search(r"https?://[^\"' ]*mathjax", html, re.I)
    assert "plotly.js v" in html  # the library itself is inside
    assert "AlexNet" in html and "3.14e+23" in html


def test_footer_names_sources_with_licences_link_and_date(models_frame, sources_frame):
    fig = _figure(models_frame)
    out = export.prepare_for_export(fig, title="T", subtitle="S", size="wide", lang="en",
                                    share_link="https://example.org/?preset=low", today=TODAY, sources=sources_frame)
    footer = next(a for a in out.layout.annotations if a.name == "export-footer").text.replace("<br>", " ")
    assert "Source: Epoch AI, Notable AI Models (data export) (CC BY 4.0)" in footer
    assert "OpenAI, AI and Compute (© OpenAI; figures cited)" in footer
    assert "https://example.org/?preset=low" in footer and "2026-11-25" in footer
    assert (out.layout.width, out.layout.height) == (1200, 675)
    assert out.layout.title.text == "T" and out.layout.title.subtitle.text == "S"
    assert fig.layout.width is None and not any(a.name == "export-footer" for a in fig.layout.annotations)


def test_footer_in_chinese(models_frame, sources_frame):
    out = export.prepare_for_export(_figure(models_frame), lang="zh", today=TODAY, sources=sources_frame)
    footer = next(a for a in out.layout.annotations if a.name == "export-footer").text
    assert footer.startswith("来源：Epoch AI") and "导出日期：2026-11-25" in footer
    assert out.layout.title.text == _figure(models_frame).layout.title.text  # title kept when not edited


def test_footer_wraps_to_the_width():
    lines = export.wrap_line("Source: " + "; ".join(["Epoch AI, Notable AI Models (CC BY 4.0)"] * 6), 60)
    assert len(lines) > 1 and all(export._display_width(line) <= 60 for line in lines)
    assert export.wrap_line("来源" * 40, 20)[0] == "来源" * 5  # CJK glyphs count double


def test_sizes_and_bad_sizes():
    assert export.resolve_size("article") == (800, 500)
    assert export.resolve_size("square") == (1080, 1080)
    assert export.resolve_size((640, 360)) == (640, 360)
    with pytest.raises(ValueError, match="unknown size 'poster'"):
        export.resolve_size("poster")
    with pytest.raises(ValueError, match="outside"):
        export.resolve_size((10, 10))


def test_camera_button_uses_the_export_size_and_name():
    config = export.plotly_config("compute-ceiling_demand", "wide", scale=2)
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "compute-ceiling_demand", "width": 1200,
                                              "height": 675, "scale": 2}


def test_bad_image_format_is_refused_before_any_browser_starts():
    with pytest.raises(ValueError, match="unknown image format 'gif'"):
        export.to_image(go.Figure(), "gif")
