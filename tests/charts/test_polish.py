"""Publication layout: header (title, subtitle, legend, plot) without overlap, the footer inside the export's
width, labels pushed apart, and the hero chart showing history as history."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import common, export, theme
from charts.common import Line, add_line, finish
from charts.registry import ChartContext, build, record_runs
from i18n import t
from tests.charts.test_forecast_charts import CROSSING, FakeStore, fake_models


def _legend_figure(names: list[str]) -> go.Figure:
    fig = theme.new_figure()
    for index, name in enumerate(names):
        fig.add_trace(go.Scatter(x=[2020, 2021], y=[index, index + 1], name=name))
    return finish(fig, chart_id="t", sources=[], units={}, title="A title", subtitle="A subtitle")


def test_legend_rows_follow_plotlys_packing():
    # 13 px at 0.5 em a character plus 44 px for the symbol: "ab" = 57 px, a 40-character name = 304 px
    assert common.legend_rows(["ab", "cd", "ef"], 600) == 1  # 171 px side by side
    assert common.legend_rows(["x" * 40, "x" * 40, "ab"], 600) == 3  # 665 px: one column of 304 px entries
    assert common.legend_rows(["x" * 40] * 4, 650) == 2  # two 304 px columns


def test_header_leaves_room_for_title_subtitle_and_legend_above_the_plot():
    fig = _legend_figure([f"series {i}" for i in range(3)])
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y == 1 and fig.layout.legend.yref == "paper"
    assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
    one_row = fig.layout.margin.t
    # title 12 + 25, subtitle 18, gaps 8 + 8, one legend row 22
    assert one_row == 12 + 25 + 18 + 8 + 22 + 8
    many = _legend_figure([f"a rather long series name number {i}" for i in range(6)])
    assert many.layout.margin.t == one_row + 22 * (common.legend_rows(
        [f"a rather long series name number {i}" for i in range(6)], common.plot_width_px(many, 800)) - 1)


def test_long_titles_wrap_and_push_the_plot_down():
    fig = theme.new_figure().add_trace(go.Scatter(x=[1, 2], y=[1, 2]))
    finish(fig, chart_id="t", sources=[], units={}, title="word " * 30, subtitle="")
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) >= 2 and all(len(line) * 19 * common.CHAR_WIDTH <= 800 - 24 for line in lines)
    assert fig.layout.title.pad.t == 12 + (len(lines) - 1) * 25  # Plotly anchors the first line
    assert fig.layout.margin.t == 12 + 25 * len(lines) + 8 + 8


def test_export_footer_wraps_inside_the_figure_and_starts_at_its_left_edge():
    fig = _legend_figure(["a", "b"])
    fig.update_layout(meta={**fig.layout.meta, "sources": [f"source-{i}-with-a-rather-long-name" for i in range(30)]})
    out = export.prepare_for_export(fig, lang="en", today=dt.date(2026, 11, 25))
    footer = next(a for a in out.layout.annotations if a.name == "export-footer")
    lines = footer.text.split("<br>")
    assert all(export._display_width(line) * 11 * export.FOOTER_CHAR_WIDTH <= 800 - 24 for line in lines)
    assert footer.xshift == 12 - out.layout.margin.l  # paper x=0 shifted back to 12 px from the edge
    assert len(lines) == export.MAX_SOURCE_LINES + 1  # three lines of sources, then the tool line
    assert "more" in lines[export.MAX_SOURCE_LINES - 1]
    assert out.layout.margin.b == export.AXIS_SPACE_PX + len(lines) * export.FOOTER_LINE_PX + 10


def test_category_labels_widen_the_export_margin():
    fig = theme.new_figure().add_trace(go.Bar(y=["a very long category label indeed"], x=[1], orientation="h"))
    out = export.prepare_for_export(finish(fig, chart_id="t", sources=[], units={}, title="T", subtitle="S"))
    assert out.layout.margin.l == int(33 * 13 * 0.56) + export.CATEGORY_AXIS_PAD_PX


def test_direct_labels_ending_together_are_pushed_apart():
    fig = theme.new_figure()
    for name in ("Upper", "Lower"):
        add_line(fig, Line(label=name, x=[2020, 2030], y=[1e20, 1e30]), lang="en")
    finish(fig, chart_id="t", sources=[], units={}, title="T", subtitle="S")
    shifts = sorted((a.yshift or 0) for a in fig.layout.annotations if a.name == "direct-label")
    assert shifts[1] - shifts[0] >= common.LABEL_SPACING_PX


def test_short_year_axes_tick_each_year_once():
    fig = theme.new_figure().add_trace(go.Scatter(x=[2022, 2023, 2024, 2025], y=[1, 2, 3, 4]))
    theme.year_axis(fig, "Year")
    finish(fig, chart_id="t", sources=[], units={}, title="T", subtitle="S")
    assert fig.layout.xaxis.dtick == 1


def test_record_runs_keep_only_new_records():
    models = pd.DataFrame({"year": [2010.5, 2011.0, 2012.2, 2012.9, 2013.1], "name": list("abcde"),
                           "training_compute_flop": [1e20, 5e19, 2e20, 2e20, 3e21], "source_id": "s"})
    assert record_runs(models)["name"].tolist() == ["a", "c", "e"]


@pytest.fixture(scope="module")
def hero():
    ctx = ChartContext(FakeStore(), CROSSING, "en")
    return ctx, build("forecast", ctx)


def test_hero_draws_record_runs_as_points_from_the_models_table(hero):
    ctx, fig = hero
    points = next(tr for tr in fig.data if tr.name == t("charts.polish.record_points", "en"))
    assert points.mode == "markers"
    models = fake_models()
    expected = models[(models["training_compute_flop"] > models["training_compute_flop"].cummax().shift(
        fill_value=0)) & (models["year"] >= 2015) & (models["year"] < 2026)]
    np.testing.assert_allclose(points.x, expected["year"])
    np.testing.assert_allclose(points.y, expected["training_compute_flop"])


def test_hero_history_solid_projection_dashed_from_the_base_year(hero):
    ctx, fig = hero
    fc = ctx.forecast
    history = next(tr for tr in fig.data if tr.name == t("charts.polish.supply_history", "en"))
    assert history.line.dash == "solid"
    assert history.x[0] == pytest.approx(2020) and history.x[-1] == pytest.approx(2025)  # chip sales 2020–2025
    month = int(np.argmin(abs(fc.t - 2022.0)))
    assert history.y[list(history.x).index(fc.t[month])] == pytest.approx(fc.available_flop[month])
    projections = [tr for tr in fig.data if tr.line is not None and tr.line.dash == "dash" and tr.mode == "lines"]
    assert len(projections) == 2 and all(tr.x[0] == pytest.approx(2025) for tr in projections)
    assert fig.layout.xaxis.range[0] == pytest.approx(2014.5) and fig.layout.xaxis.range[1] > CROSSING.horizon
    crossing = [tr for tr in fig.data if tr.mode == "markers" and tr.x is not None and len(tr.x) == 1]
    headline = ctx.monte_carlo.p50  # the marker sits on the headline (median) crossing, on the demand line
    assert crossing and crossing[0].x[0] == pytest.approx(headline)
    assert math.log10(crossing[0].y[0]) == pytest.approx(math.log10(np.interp(
        headline, fc.t, fc.demand_flop)), abs=0.05)
