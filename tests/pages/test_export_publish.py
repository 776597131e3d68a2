"""The export control's publishing files: the data package, the description in SVG/HTML, print and dark
exports, and the subtitle field without raw `<br>`."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from models.scenario import Scenario
from tests.pages.test_export_control import OPTIONS, small_figure
from ui.export import editable_text, renderer

BUILD_INFO = pd.DataFrame({"data_version": ["2026.11.1"], "data_as_of": ["2026-11-28"]})
PUBLISHING = dict(OPTIONS, description="Demand rises tenfold", chart_id="test",
                  scenario=Scenario.from_preset("epoch-2030"), build_info=BUILD_INFO, theme="dark")


def test_zip_holds_the_plotted_data_the_description_and_the_scenario():
    archive = zipfile.ZipFile(io.BytesIO(renderer(small_figure(), "zip", 1, PUBLISHING)()))
    meta = json.loads(archive.read("metadata.json"))
    assert meta["description"] == "Demand rises tenfold" and meta["data_version"] == "2026.11.1"
    assert json.loads(archive.read("scenario.json"))["preset"] == "epoch-2030"
    assert archive.read("data.csv").startswith(b"\xef\xbb\xbf")


def test_html_carries_the_edited_description_title_element_and_dark_paper():
    html = renderer(small_figure(), "html", 1, PUBLISHING)()
    assert 'aria-label="Demand rises tenfold"' in html and "<title>My headline</title>" in html
    assert '"paper_bgcolor":"#0E1117"' in html.replace(" ", "")


def test_svg_gets_the_edited_description(monkeypatch):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>'
    calls = []
    monkeypatch.setattr("charts.export.to_image", lambda fig, fmt, **kw: calls.append(kw) or svg)
    out = renderer(small_figure(), "svg", 1, PUBLISHING)()
    assert b"<desc id=\"cc-desc\">Demand rises tenfold</desc>" in out


def test_print_png_is_rendered_at_300_dpi(monkeypatch):
    calls = []
    monkeypatch.setattr("charts.export.to_image", lambda fig, fmt, **kw: calls.append(kw) or b"png")
    renderer(small_figure(), "png", 2, dict(OPTIONS, size="print"))()
    assert calls[0]["width"] == 680 and calls[0]["scale"] == pytest.approx(2 * 2126 / 680)  # 180 mm at 300 dpi, x2


def test_subtitle_field_shows_no_raw_line_break():
    assert editable_text("FLOP per run,<br>log scale; <BR/>bands 10–90%") == "FLOP per run, log scale; bands 10–90%"
