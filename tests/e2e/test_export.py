"""The export control under a chart delivers each format as a real file of that type, sized as chosen.

One page load downloads all six files (module fixture); each test then checks one of them, by its
magic bytes or its parsed content, not by the name it was given.
"""

from __future__ import annotations

import csv
import io

import pytest

from bench.driver import open_page, page_url, png_size, settle
from i18n import t

CHART_ID = "overview-hero"
ARTICLE = (800, 500)  # the export's default size, "Article (800×500)"
FORMATS = ("png1", "png2", "svg1", "pdf1", "html1", "csv1")  # key suffixes of the download buttons


def _download(page, key: str) -> tuple[str, bytes]:
    button = page.locator(f".st-key-export_{CHART_ID}_{key} button")
    if not button.is_visible():  # the popover closes when the page reruns
        page.get_by_role("button", name=t("ui.export.button", "en")).first.click()
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


@pytest.fixture(scope="module")
def downloads(browser, base_url):
    """{button key: (file name, bytes) or the exception raised while downloading it}."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_page(page, page_url(base_url, "overview", lang="en"))
        page.get_by_role("button", name=t("ui.export.button", "en")).first.click()
        settle(page)
        files = {}
        for key in FORMATS:
            try:
                files[key] = _download(page, key)
            except Exception as error:  # reported by the format's own test
                files[key] = error
        yield files
    finally:
        context.close()


def _file(downloads, key: str) -> tuple[str, bytes]:
    got = downloads[key]
    if isinstance(got, Exception):
        pytest.fail(f"no {key} download: {got}")
    return got


@pytest.mark.parametrize(("key", "scale"), [("png1", 1), ("png2", 2)])
def test_png_is_a_png_at_the_article_size_times_the_scale(downloads, key, scale):
    name, data = _file(downloads, key)
    assert name.endswith(".png")
    assert png_size(data) == (ARTICLE[0] * scale, ARTICLE[1] * scale)


def test_svg_is_an_svg_document(downloads):
    name, data = _file(downloads, "svg1")
    text = data.decode("utf-8")
    assert name.endswith(".svg")
    assert text.lstrip().startswith(("<svg", "<?xml")) and "</svg>" in text


def test_pdf_is_a_complete_pdf(downloads):
    name, data = _file(downloads, "pdf1")
    assert name.endswith(".pdf")
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def test_html_is_an_interactive_plotly_page(downloads):
    name, data = _file(downloads, "html1")
    text = data.decode("utf-8").lower()
    assert name.endswith(".html")
    assert "<html" in text and "plotly" in text


def test_csv_holds_the_plotted_series(downloads):
    name, data = _file(downloads, "csv1")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert name.endswith(".csv")
    assert len(rows[0]) >= 2, f"header {rows[0]}"
    assert len(rows) > 10, f"only {len(rows) - 1} data rows"
    assert all(len(row) == len(rows[0]) for row in rows[1:])
