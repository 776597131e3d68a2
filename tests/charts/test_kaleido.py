"""Static export through Kaleido and Debian's Chromium (one warm server for the module, a handful of exports)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess

import plotly.graph_objects as go
import pytest

from charts import demand, export, theme

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None and not shutil.os.path.exists("/usr/bin/chromium"),
                                reason="Debian's chromium is not installed (make system-deps)")
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module", autouse=True)
def warm_server():
    yield
    export.stop_kaleido_server()


@pytest.fixture
def article(models_frame, sources_frame):
    def make(lang: str, **kw):
        return export.prepare_for_export(demand.training_compute(models_frame, lang), lang=lang, today=TODAY,
                                         sources=sources_frame, **kw)
    return make


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])  # IHDR width, height


def test_png_pixels_are_size_times_scale(article):
    fig = article("en", size=(640, 400))
    assert png_size(export.to_image(fig, "png", scale=2)) == (1280, 800)


def test_svg_and_pdf_hold_the_source_line(article):
    fig = article("en", size="article")
    svg = export.to_image(fig, "svg").decode("utf-8")
    assert "Source: Epoch AI, Notable AI Models (data export) (CC BY 4.0)" in svg
    pdf = export.to_image(fig, "pdf")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "Source: Epoch AI, Notable AI Models (data export) (CC BY 4.0)" in " ".join(text.decode().split())


def test_chinese_svg_carries_the_chinese_title_and_footer(article):
    svg = export.to_image(article("zh", title="算力需求何时触顶"), "svg").decode("utf-8")
    assert "算力需求何时触顶" in svg and "来源：Epoch AI" in svg


def _title_strip(title: str) -> bytes:
    """Pixels of the title band of an export whose only text is `title`."""
    from PIL import Image

    fig = theme.new_figure().update_layout(title=dict(text=title, font=dict(size=40)), width=500, height=160,
                                           xaxis=dict(visible=False), yaxis=dict(visible=False))
    image = Image.open(io.BytesIO(export.to_image(fig, "png"))).convert("L")
    return image.crop((0, 0, 500, 90)).tobytes()


def test_chinese_png_is_drawn_with_real_glyphs_not_boxes():
    """Missing glyphs are all drawn as the same box: two different Chinese titles would give identical
    pixels, and would equal a title of private-use characters that no font has. Real CJK glyphs differ."""
    if not export.cjk_font_available():
        pytest.fail("no CJK font: install fonts-noto-cjk (make system-deps)")
    first, second, tofu = _title_strip("算力天花板"), _title_strip("供需缺口年"), _title_strip("\ue000" * 5)
    assert first != second
    assert first != tofu and second != tofu


def test_export_leaves_streamlit_template_out():
    """A figure without a template (as after `import streamlit`) exports in the house template."""
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]), layout=dict(template="plotly_dark"))
    svg = export.to_image(fig, "svg").decode("utf-8")
    assert "rgb(17, 17, 17)" not in svg  # plotly_dark's paper colour is gone: the export named its template
