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
    # 180 mm = 7.087 in = 680.3 CSS px (96/in); 8:5 aspect -> 425 px; 7.087 in x 300 dpi = 2126 dots
    assert export.resolve_size("print") == (680, 425)
    assert export.print_dots("print") == 2126 and export.print_scale("print") == pytest.approx(2126 / 680)
    assert export.resolve_size("print:254") == (960, 600)  # 254 mm = 10 in = 960 px
    assert export.print_dots("print:254") == 3000
    # a narrow column is laid out at the minimum width and scaled down to its 300 dpi dots: 127 mm = 1500 dots
    assert export.resolve_size("print:127") == (680, 425)
    assert 680 * export.print_scale("print:127") == pytest.approx(1500)
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
    fig = small_figure()
    fig.data[0].line.color, fig.data[1].line.color = "#0072B2", "#009E73"
    fig.add_scatter(x=[2022, 2023], y=[1.6e25, 6e25], name="demand projected", line=dict(color="#0072B2", dash="dash"))
    fig.add_scatter(x=[2022, 2023], y=[3e24, 4e24], name="supply projected", line=dict(color="#009E73", dash="dash"))
    ready = export.prepare_for_export(fig, size="print")
    dashes = [trace.line.dash for trace in ready.data]
    # solid data: first colour solid, second long-dashed; projections: first colour dashed, second dotted
    assert dashes == ["solid", "longdash", "dash", "dot"]
    assert ready.layout.font.size == round(13 * 1.25) and ready.layout.title.font.size in (None, 19)
    assert [trace.line.dash for trace in fig.data] == [None, None, "dash", "dash"]  # the screen's figure untouched


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


# --- alt text and labelled files ------------------------------------------------------------------------

import re  # noqa: E402
import shutil  # noqa: E402

import pandas as pd  # noqa: E402

from charts import publish  # noqa: E402

SOURCES = pd.DataFrame({"source_id": ["epoch-notable-models"], "title": ["Notable AI Models"],
                        "organisation": ["Epoch AI"], "licence": ["CC BY 4.0"]})


def crossing_figure() -> go.Figure:
    fig = small_figure()
    fig.update_layout(title=dict(subtitle=dict(text="FLOP per run,<br>log scale")))
    fig.add_annotation(x=2021.5, y=1, yref="paper", text="Ceiling 2021", name="ceiling", showarrow=False)
    fig.add_annotation(x=2022, y=1.6e25, text="demand", name="direct-label", showarrow=False)
    return fig


def test_alt_text_names_finding_series_values_crossing_and_sources():
    text = publish.alt_text(crossing_figure(), "en", SOURCES)
    assert text == (
        "Chart: Demand outruns supply. FLOP per run, log scale. "
        "Plotted: demand, from 1.0×10^24 FLOP at 2020 to 1.6×10^25 FLOP at 2022; "
        "supply, from 2.0×10^24 FLOP at 2020 to 3.0×10^24 FLOP at 2022. "
        "Marked: Ceiling 2021. Sources: Epoch AI.")


def test_alt_text_in_chinese_uses_chinese_words_and_years():
    text = publish.alt_text(crossing_figure(), "zh", SOURCES)
    assert text.startswith("图表：Demand outruns supply。")
    assert "从 2020年 的 1.0×10^24 FLOP 到 2022年 的 1.6×10^25 FLOP" in text
    assert "标注：Ceiling 2021。" in text and text.endswith("来源：Epoch AI。")


def test_alt_text_without_sources_table_names_the_ids():
    assert publish.alt_text(small_figure(), "en").endswith("Sources: epoch-notable-models.")


def test_svg_gets_title_and_desc_first_with_role_img():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    out = publish.label_svg(svg, "A & B", "Rising <fast>").decode()
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" role="img" '
                          'aria-labelledby="cc-title cc-desc"><title id="cc-title">A &amp; B</title>'
                          '<desc id="cc-desc">Rising &lt;fast&gt;</desc><rect/>')


def test_html_has_a_title_element_lang_and_aria_label():
    ready = export.prepare_for_export(small_figure(), lang="en")
    page = publish.render(ready, "html", width=800, height=500, lang="en", description="Two lines rise").decode()
    assert re.search(r"<title>Demand outruns supply</title>", page)
    assert '<html lang="en">' in page and 'role="img" aria-label="Two lines rise"' in page
    assert page.count("plotly.js v") <= 2  # plotly.js inlined once (its banner), not fetched
    assert '<script src="http' not in page


def _pdf_info_title(pdf: bytes) -> str:
    """Independent reading: the last startxref -> its xref section -> the /Info object's offset -> /Title."""
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    section = pdf[start:]
    assert section.startswith(b"xref")
    trailer = section[section.index(b"trailer"):]
    info = int(re.search(rb"/Info (\d+) 0 R", trailer).group(1))
    first, count = (int(v) for v in section.split(b"\n")[1].split())
    entries = section.split(b"\n")[2:2 + count]
    offset = int(entries[info - first][:10])
    obj = pdf[offset:offset + 2000]
    assert obj.startswith(b"%d 0 obj" % info)
    hexed = re.search(rb"/Title <FEFF([0-9A-F]*)>", obj).group(1)
    return bytes.fromhex(hexed.decode()).decode("utf-16-be")


def test_pdf_title_is_set_by_an_incremental_update():
    original = (b"%PDF-1.4\n1 0 obj\n<</Title (Kaleido-fier)>>\nendobj\n2 0 obj\n<</Type /Catalog>>\nendobj\n"
                b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000051 00000 n \n"
                b"trailer\n<</Size 3\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n90\n%%EOF\n")
    labelled = publish.label_pdf(original, "算力 ceiling")
    assert labelled.startswith(original)  # nothing before the update moves
    assert _pdf_info_title(labelled) == "算力 ceiling"
    assert b"/Prev 90" in labelled[len(original):]


chromium = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium") and shutil.which("chromium") is None,
                              reason="Debian's chromium is not installed")


@chromium
def test_real_svg_and_pdf_carry_title_and_description():
    ready = export.prepare_for_export(small_figure(), lang="en", sources=SOURCES)
    svg = publish.render(ready, "svg", width=800, height=500, lang="en", sources=SOURCES).decode()
    assert "<title id=\"cc-title\">Demand outruns supply</title>" in svg
    assert "Sources: Epoch AI." in svg.split("</desc>")[0]
    pdf = publish.render(ready, "pdf", width=800, height=500, lang="en")
    assert _pdf_info_title(pdf) == "Demand outruns supply"
    export.stop_kaleido_server()


# --- citation -------------------------------------------------------------------------------------------

import datetime as dt  # noqa: E402

from models.scenario import Scenario  # noqa: E402

BUILD_INFO = pd.DataFrame({"file": ["models.csv", "sources.csv"], "data_version": ["2026.11.1", "2026.11.1"],
                           "data_as_of": ["2026-11-20", "2026-11-28"]})
CITE_SOURCES = pd.DataFrame({"source_id": ["epoch-notable-models", "openai-ai-and-compute-2018"],
                             "title": ["Notable AI Models", "AI and Compute"],
                             "organisation": ["Epoch AI", "OpenAI"], "licence": [None, "© OpenAI; figures cited"]})


def two_source_figure() -> go.Figure:
    fig = small_figure()
    fig.data[1].meta = {"sources": ["openai-ai-and-compute-2018"]}
    return fig


def test_apa_citation_carries_version_access_date_url_and_every_credit():
    text = publish.citation(two_source_figure(), "apa", chart_id="test", url="https://x.org/embed?chart=test",
                            build_info=BUILD_INFO, sources=CITE_SOURCES, accessed=dt.date(2026, 12, 1))
    assert text == ("Compute Ceiling. (2026). Demand outruns supply [Chart; data version 2026.11.1, data as of "
                    "2026-11-28]. Retrieved 2026-12-01, from https://x.org/embed?chart=test. Data: Epoch AI, "
                    "Notable AI Models (CC BY 4.0); OpenAI, AI and Compute (© OpenAI; figures cited).")


def test_bibtex_citation_is_one_misc_entry_with_the_same_facts():
    text = publish.citation(two_source_figure(), "bibtex", chart_id="test", url="https://x.org/e?a=1&b=2",
                            build_info=BUILD_INFO, sources=CITE_SOURCES, accessed=dt.date(2026, 12, 1))
    assert text.startswith("@misc{compute-ceiling-test-2026-12-01,\n") and text.endswith("\n}")
    assert "  title = {Demand outruns supply}," in text and "  year = {2026}," in text
    assert "  url = {https://x.org/e?a=1&b=2}," in text and "urldate = {2026-12-01}" in text
    assert "data version 2026.11.1, data as of 2026-11-28" in text and "Epoch AI, Notable AI Models (CC BY 4.0)" in text
    assert text.count("{") == text.count("}")


def test_citation_without_a_recorded_version_says_so():
    text = publish.citation(small_figure(), "apa", chart_id="test", url="u", accessed=dt.date(2026, 1, 2))
    assert "data version unrecorded, data as of unrecorded" in text


def test_chart_url_has_chart_scenario_lang_and_theme():
    scenario = Scenario.from_preset("article-2023")
    url = publish.chart_url("forecast", scenario, "zh", "https://c.example.org", theme="dark")
    assert url == "https://c.example.org/embed?chart=forecast&preset=article-2023&lang=zh&theme=dark"


def test_cli_cite_prints_the_citation(fake_db, capsys, monkeypatch):
    monkeypatch.setattr(FakeStore, "build_info", lambda self: BUILD_INFO, raising=False)
    assert cli.main(["cite", "demand-compute", "--db", str(fake_db), "--style", "bibtex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("@misc{compute-ceiling-demand-compute-") and "2026.11.1" in out
    assert "Epoch AI, t (CC BY 4.0)" in out  # the fake store's source row
    assert cli.main(["cite", "nope", "--db", str(fake_db)]) == 2


# --- data package ---------------------------------------------------------------------------------------

import io  # noqa: E402
import zipfile  # noqa: E402


def test_data_package_holds_bom_csv_metadata_scenario_and_readme():
    scenario = Scenario.from_preset("article-2023")
    blob = publish.data_package(two_source_figure(), chart_id="test", scenario=scenario, lang="zh",
                                build_info=BUILD_INFO, sources=CITE_SOURCES, description="两条线",
                                accessed=dt.date(2026, 12, 1), url="https://x.org/embed?chart=test")
    archive = zipfile.ZipFile(io.BytesIO(blob))
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "metadata.json", "scenario.json"]
    raw = archive.read("data.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert frame["y"].tolist() == [1e24, 4e24, 1.6e25, 2e24, 3e24]
    assert set(frame.loc[frame["trace"] == "supply", "source"]) == {"openai-ai-and-compute-2018"}
    meta = json.loads(archive.read("metadata.json").decode("utf-8"))
    assert meta["units"] == {"x": "year", "y": "FLOP"} and meta["description"] == "两条线"
    assert (meta["data_version"], meta["data_as_of"]) == ("2026.11.1", "2026-11-28")
    assert [s["source_id"] for s in meta["sources"]] == ["epoch-notable-models", "openai-ai-and-compute-2018"]
    assert meta["sources"][0]["credit"] == "Epoch AI, Notable AI Models (CC BY 4.0)"
    assert meta["scenario"]["preset"] == "article-2023" and "CC BY 4.0" in meta["licence"]
    assert meta["citation"]["bibtex"].startswith("@misc{")
    assert Scenario.from_json(archive.read("scenario.json").decode("utf-8")) == scenario
    readme = archive.read("README.md").decode("utf-8")
    assert readme.startswith("# 算力天花板数据包：Demand outruns supply")
    assert "--scenario scenario.json" in readme and "OpenAI, AI and Compute" in readme


def test_cli_zip_export(tmp_path, fake_db, monkeypatch):
    monkeypatch.setattr(FakeStore, "build_info", lambda self: BUILD_INFO, raising=False)
    out = tmp_path / "chart.zip"
    assert cli.main(["export", "demand-compute", "--format", "zip", "--preset", "article-2023",
                     "--db", str(fake_db), "--out", str(out)]) == 0
    archive = zipfile.ZipFile(out)
    assert json.loads(archive.read("metadata.json"))["scenario"]["preset"] == "article-2023"


# --- embed ----------------------------------------------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_embed_snippet_is_an_iframe_with_title_aria_label_and_a_resize_script():
    url = "https://c.example.org/embed?chart=forecast&preset=article-2023&lang=en"
    snippet = publish.embed_snippet(url, title='Ceiling "2036"', description="Two lines cross", lang="en")
    parser = _Tags()
    parser.feed(snippet)
    (tag, attrs), (script, _) = parser.tags
    assert tag == "iframe" and script == "script"
    assert attrs["src"] == url and attrs["title"] == 'Ceiling "2036"' and attrs["aria-label"] == "Two lines cross"
    assert attrs["id"] == "compute-ceiling-forecast"
    body = snippet.split("<script>")[1]
    assert '"compute-ceiling:height"' in body and 'event.origin !== "https://c.example.org"' in body
    assert "event.source !== frame.contentWindow" in body


def test_cli_embed_reads_the_share_link(fake_db, capsys):
    link = "https://c.example.org/forecast?preset=article-2023&lang=zh"
    assert cli.main(["embed", "demand-compute", "--db", str(fake_db), "--link", link, "--theme", "dark"]) == 0
    parser = _Tags()
    parser.feed(capsys.readouterr().out)
    attrs = parser.tags[0][1]
    assert attrs["src"] == ("https://c.example.org/embed?chart=demand-compute&preset=article-2023&lang=zh"
                            "&theme=dark")
    assert attrs["aria-label"].startswith("图表：") and attrs["lang"] == "zh"


def test_cli_embed_uses_the_public_url_and_refuses_bad_links(fake_db, capsys, monkeypatch):
    monkeypatch.setenv("COMPUTE_CEILING_PUBLIC_URL", "https://pub.example.org/app")
    assert cli.main(["embed", "demand-compute", "--db", str(fake_db), "--set", "utilisation=0.5"]) == 0
    parser = _Tags()
    parser.feed(capsys.readouterr().out)
    assert parser.tags[0][1]["src"] == ("https://pub.example.org/app/embed?chart=demand-compute&utilisation=0.5"
                                        "&lang=en")
    assert cli.main(["embed", "demand-compute", "--db", str(fake_db), "--link", "not a link"]) == 2
    assert cli.main(["embed", "demand-compute", "--db", str(fake_db),
                     "--link", "https://c.example.org/?utilisation=7"]) == 2
    assert "utilisation" in capsys.readouterr().err


# --- rough edges ----------------------------------------------------------------------------------------

from i18n import t  # noqa: E402


def test_footer_names_the_sources_beyond_the_full_credits_by_organisation():
    ids = [f"s{i}" for i in range(8)]
    lookup = pd.DataFrame({"source_id": ids, "organisation": [f"Org{i}" for i in range(8)],
                           "title": ["A rather long title of a report on compute " * 2] * 8, "licence": ["CC BY"] * 8})
    fig = small_figure().update_layout(meta={"sources": ids, "chart_id": "test"})
    lines = export.footer_lines(fig, lang="en", width_px=776, sources=lookup, share_link=None,
                                today=dt.date(2026, 1, 1))
    text = " ".join(lines)
    assert "named in the CSV export" not in text
    assert all(f"Org{i}" in text for i in range(8))  # every source named, the later ones by organisation
    assert "; also " in text and len(lines) <= export.MAX_SOURCE_LINES + 1


def test_static_export_legend_does_not_ask_to_hover():
    fig = small_figure()  # with the legend entry the Demand charts draw for their claims
    fig.add_trace(go.Scatter(x=[None], y=[None], name=t("charts.polish_legend.claims", "zh"),
                             meta={"legend_only": True}))
    names = [trace.name for trace in export.for_static_image(export.prepare_for_export(fig, lang="zh"), "zh").data]
    assert t("static_marks.claims_legend", "zh") in names and t("charts.polish_legend.claims", "zh") not in names
    assert t("charts.polish_legend.claims", "zh") in [trace.name for trace in fig.data]  # the screen keeps hover


# --- the self-contained HTML ----------------------------------------------------------------------------

import base64  # noqa: E402
import gzip  # noqa: E402
import subprocess  # noqa: E402


def _packed_library(page: str) -> bytes:
    packed = re.search(r'<script id="cc-plotly" type="application/octet-stream">([A-Za-z0-9+/=]+)</script>', page)
    return gzip.decompress(base64.b64decode(packed.group(1)))


def test_compact_html_carries_the_installed_plotly_js_gzipped_once_and_needs_no_network():
    from plotly.offline.offline import get_plotlyjs

    from charts import plotlyjs

    page = publish.accessible_html(export.prepare_for_export(small_figure()), "T", "D", "en")
    basic = plotlyjs.page_bundle()
    library = basic.read_text(encoding="utf-8") if basic else get_plotlyjs()
    assert _packed_library(page).decode("utf-8") == library
    assert page.count('id="cc-plotly"') == 1 and "DecompressionStream" in page
    assert "src=\"http" not in page and len(page.encode()) < len(library) / 2
    figure = json.loads(re.search(r'<script id="cc-figure" type="application/json">(.*?)</script>', page,
                                  flags=re.DOTALL).group(1))
    assert [trace["y"] for trace in figure["data"]] == [[1e24, 4e24, 1.6e25], [2e24, 3e24]]


def test_compact_html_of_a_trace_the_basic_bundle_lacks_carries_the_full_plotly_js():
    from plotly.offline.offline import get_plotlyjs

    heatmap = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    page = publish.accessible_html(heatmap, "T", "D", "en")
    assert _packed_library(page).decode("utf-8") == get_plotlyjs()


@chromium
def test_compact_html_draws_the_chart_offline_in_chromium(tmp_path):
    page = tmp_path / "chart.html"
    page.write_text(publish.accessible_html(export.prepare_for_export(crossing_figure()), "T", "D", "en"),
                    encoding="utf-8")
    browser = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=15000",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'class="main-svg"' in dom and "Ceiling 2021" in dom


def test_static_legend_wording_lays_the_header_out_again():
    from charts.common import LEGEND_ROW_PX, legend_entries, legend_rows, plot_width_px

    fig = small_figure()
    for name in ("Events", "Models (estimate)"):
        fig.add_scatter(x=[2020], y=[1e24], name=name, mode="markers")
    fig.add_trace(go.Scatter(x=[None], y=[None], name=t("charts.polish_legend.claims", "en"),
                             meta={"legend_only": True}))
    ready = export.prepare_for_export(fig, size=(900, 500))
    static = export.for_static_image(ready, "en")
    rows_before = legend_rows(legend_entries(ready), plot_width_px(ready, 900))
    rows_after = legend_rows(legend_entries(static), plot_width_px(static, 900))
    assert rows_after != rows_before  # the static wording changes the legend's rows ...
    assert static.layout.margin.t - ready.layout.margin.t == (rows_after - rows_before) * LEGEND_ROW_PX  # ... and room
