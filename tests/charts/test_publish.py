"""Publishing: size presets, solid themes, file modes (and, below, alt text, citations, data packages, embeds)."""

from __future__ import annotations

import json
import os

import plotly.graph_objects as go
import pytest

from charts import __main__ as cli
from charts import demand, export
from charts.common import finish
from tests.charts.test_cli import FakeStore


def small_figure() -> go.Figure:
    fig = go.Figure([go.Scatter(x=[2020, 2021, 2022], y=[1e24, 4e24, 1.6e25], name="demand", mode="lines"),
                     go.Scatter(x=[2020, 2022], y=[2e24, 3e24], name="supply", mode="lines")])
    return finish(fig, chart_id="test", sources=["epoch-notable-models"], units={"x": "year", "y": "FLOP"},
                  title="Demand outruns supply", subtitle="FLOP per run")


@pytest.mark.parametrize(("name", "pixels"), [
    ("social-square", (1080, 1080)), ("square", (1080, 1080)), ("social-portrait", (1080, 1350)),
    ("link-card", (1200, 630)), ("article", (800, 500)), ("wide", (1200, 675)),
])
def test_size_presets(name, pixels):
    assert export.resolve_size(name) == pixels


def test_print_size_is_millimetres_at_css_pixels_rendered_at_300_dpi():
    # 180 mm = 7.087 in = 680.3 CSS px (96/in); 8:5 aspect -> 425 px; 300 dpi / 96 = 3.125
    assert export.resolve_size("print") == (680, 425)
    assert export.resolve_size("print:127") == (480, 300)  # 127 mm = 5 in = 480 px
    assert export.print_scale() == pytest.approx(3.125)
    for bad in ("print:10", "print:wide"):
        with pytest.raises(ValueError, match="print"):
            export.resolve_size(bad)


@pytest.mark.parametrize(("theme", "paper"), [("light", "#FFFFFF"), ("dark", "#0E1117")])
def test_exports_are_on_solid_paper_never_transparent(theme, paper):
    fig = small_figure().update_layout(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    ready = export.prepare_for_export(fig, theme=theme)
    assert ready.layout.paper_bgcolor == paper and ready.layout.plot_bgcolor == paper
    assert export.export_theme(ready) == theme
    ink = {"light": "#1A1A1A", "dark": "#F0F0F0"}[theme]  # the template the image is rendered with
    assert export.for_export(ready).layout.template.layout.font.color == ink


def test_default_export_is_light():
    ready = export.prepare_for_export(small_figure())
    assert ready.layout.paper_bgcolor == "#FFFFFF"


def test_print_styling_sets_each_series_apart_by_dash_and_enlarges_type():
    ready = export.prepare_for_export(small_figure(), size="print")
    dashes = [trace.line.dash for trace in ready.data]
    assert dashes == ["solid", "dash"]  # the first keeps its solid line, the second is dashed
    assert ready.layout.font.size == round(13 * 1.25)


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="theme"):
        export.prepare_for_export(small_figure(), theme="sepia")


@pytest.fixture
def fake_db(tmp_path, monkeypatch, models_frame):
    import etl.read

    monkeypatch.setattr(etl.read, "Store", lambda path: FakeStore(path, models_frame))
    db = tmp_path / "compute.duckdb"
    db.write_bytes(b"")
    return db


def test_cli_writes_files_with_the_umask_mode_not_0600(tmp_path, fake_db):
    out = tmp_path / "chart.csv"
    old = os.umask(0o022)
    try:
        assert cli.main(["export", "demand-compute", "--format", "csv", "--db", str(fake_db), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert (out.stat().st_mode & 0o777) == 0o644


def test_cli_dark_theme_and_social_size(tmp_path, fake_db):
    out = tmp_path / "chart.json"
    assert cli.main(["export", "demand-compute", "--format", "json", "--size", "social-portrait", "--theme", "dark",
                     "--db", str(fake_db), "--out", str(out)]) == 0
    layout = json.loads(out.read_text(encoding="utf-8"))["layout"]
    assert (layout["width"], layout["height"]) == (1080, 1350)
    assert layout["paper_bgcolor"] == "#0E1117"


def test_cli_bad_size_exits_2(tmp_path, fake_db, capsys):
    out = tmp_path / "chart.json"
    assert cli.main(["export", "demand-compute", "--format", "json", "--size", "poster", "--db", str(fake_db),
                     "--out", str(out)]) == 2
    assert "--size" in capsys.readouterr().err and not out.exists()


def test_demand_chart_exports_in_dark(models_frame):
    ready = export.prepare_for_export(demand.training_compute(models_frame, "en"), theme="dark")
    assert ready.layout.paper_bgcolor == "#0E1117"
