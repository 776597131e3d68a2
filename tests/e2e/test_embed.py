"""The embed code, used as a newsroom would: the snippet `python -m charts embed` prints, pasted into a plain
HTML page served from another origin (a local http.server on its own port), opened in Chromium.

- the chart appears inside the iframe, with its title and alt text on the iframe;
- the iframe's height is the one the view posted (`compute-ceiling:height`), and it changes when the
  container narrows from 1200 to 390 px (the HTML title wraps onto more lines);
- the year in the embedded chart's title is the `headline_year` of `python -m models forecast --link` for the
  same share link (its main, in-process), the number the app's Forecast page shows;
- `lang=zh` and `theme=dark` render: Chinese title, the dark template on a solid dark page.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import re
import threading

import pytest

from bench.driver import EXCEPTION, LOAD_TIMEOUT_MS
from bench.live import free_port
from charts.__main__ import main as charts_cli
from models.__main__ import main as models_cli

PLOT = '[data-testid="stPlotlyChart"] .main-svg'
DARK_PAPER = "rgb(14, 17, 23)"  # #0E1117, the dark template's paper (charts/theme.py)
_IFRAME_HEIGHT_SET = """(before) => {
  const frame = document.querySelector('iframe');
  return !!frame && frame.style.height !== before;
}"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A plain static web server on a port of its own: the embedding site, another origin than the app's."""
    root = tmp_path_factory.mktemp("newsroom")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, name="newsroom", daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def embed_snippet(db, link: str, *extra: str) -> str:
    """Exactly what `python -m charts embed forecast-hero --link LINK` prints (its main, in-process)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert charts_cli(["embed", "forecast-hero", "--link", link, "--db", str(db), *extra]) == 0
    return out.getvalue()


def cli_headline(db, link: str) -> int | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert models_cli(["forecast", "--db", str(db), "--link", link, "--json"]) == 0
    return json.loads(out.getvalue())["headline_year"]


def article_page(host, name: str, snippet: str) -> str:
    """A newsroom article holding the snippet and nothing of ours; its URL."""
    root, url = host
    (root / name).write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>An article</title></head>\n"
        f"<body style=\"margin:0\"><article><p>Before the chart.</p>\n{snippet}\n<p>After the chart.</p></article>"
        "</body></html>\n", encoding="utf-8")
    return f"{url}/{name}"


def open_embedded(page, url: str):
    """Open the article and wait for the chart in the iframe and for the first height the view posts."""
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.locator(PLOT).first.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_IFRAME_HEIGHT_SET, arg="520px", timeout=LOAD_TIMEOUT_MS)  # the snippet's default
    return frame


def iframe_height(page) -> int:
    return int(page.evaluate("() => parseFloat(document.querySelector('iframe').style.height)"))


def settled_height(page, frame) -> int:
    """The iframe's height once it equals the content height the view measures for its current width."""
    content = frame.locator('[data-testid="stMainBlockContainer"]')
    for _ in range(100):
        wanted = content.evaluate("(box) => Math.ceil(box.getBoundingClientRect().height)")
        if iframe_height(page) == wanted:
            return wanted
        page.wait_for_timeout(100)
    raise AssertionError(f"iframe height {iframe_height(page)} px never matched the content's {wanted} px")


def year_in(title: str) -> int | None:
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", title)
    return int(years[0]) if years else None


def test_embedded_chart_appears_resizes_and_shows_the_apps_ceiling_year(browser, base_url, e2e_db, host):
    link = f"{base_url.rstrip('/')}/forecast?preset=article-2023&horizon=2045&lang=en"
    snippet = embed_snippet(e2e_db, link)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        frame = open_embedded(page, article_page(host, "article.html", snippet))
        iframe = page.locator("iframe")
        assert iframe.get_attribute("loading") == "lazy"
        assert iframe.get_attribute("title") and iframe.get_attribute("aria-label").startswith("Chart:")
        wide = settled_height(page, frame)

        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(_IFRAME_HEIGHT_SET, arg=f"{wide}px", timeout=LOAD_TIMEOUT_MS)
        narrow = settled_height(page, frame)
        assert narrow > wide  # the title and subtitle wrap onto more lines in the phone's column
        assert page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().width") == 390

        title = frame.locator(".cc-embed-title").inner_text()
        box = frame.locator(".cc-embed-title").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # not clipped at phone width
        headline = cli_headline(e2e_db, link)
        assert headline is not None and year_in(title) == headline, (title, headline)
        assert title == iframe.get_attribute("title")

        assert frame.locator('[data-testid="stSidebar"]').count() == 0
        assert not frame.locator('header[data-testid="stHeader"]').is_visible()
        assert frame.locator(EXCEPTION).count() == 0
        app_link = frame.locator(".cc-embed-footer a")
        assert app_link.get_attribute("target") == "_blank"
        assert "preset=article-2023" in app_link.get_attribute("href")
        assert "horizon=2045" in app_link.get_attribute("href")
    finally:
        page.close()


def test_embed_in_chinese_on_the_dark_theme(browser, base_url, e2e_db, host):
    link = f"{base_url.rstrip('/')}/forecast?preset=article-2023&lang=zh"
    snippet = embed_snippet(e2e_db, link, "--theme", "dark")
    assert "theme=dark" in snippet and "lang=zh" in snippet
    page = browser.new_page(viewport={"width": 800, "height": 900})
    try:
        frame = open_embedded(page, article_page(host, "article-zh.html", snippet))
        settled_height(page, frame)
        title = frame.locator(".cc-embed-title").inner_text()
        assert re.search(r"[\u4e00-\u9fff]", title), title
        assert year_in(title) == cli_headline(e2e_db, link)
        paper = frame.locator(".stApp").evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert paper == DARK_PAPER
        plot_paper = frame.locator(PLOT).first.evaluate("(svg) => svg.style.background || getComputedStyle(svg).backgroundColor")
        assert plot_paper == DARK_PAPER
        assert re.search(r"[\u4e00-\u9fff]", frame.locator(".cc-embed-footer a").inner_text())
    finally:
        page.close()


@pytest.mark.parametrize("scheme, shown, hidden", [("dark", "dark", "light"), ("light", "light", "dark")])
def test_auto_theme_follows_the_readers_colour_scheme(browser, base_url, scheme, shown, hidden):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 800, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{base_url.rstrip('/')}/embed?chart=forecast&theme=auto&lang=en")
        page.locator(f".st-key-cc_embed_{shown} {PLOT}").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        assert page.locator(f".st-key-cc_embed_{shown}").is_visible()
        assert not page.locator(f".st-key-cc_embed_{hidden}").is_visible()
        paper = page.locator(".stApp").evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert (paper == DARK_PAPER) == (scheme == "dark")
    finally:
        context.close()


def test_an_unknown_chart_says_so_escaped_without_a_traceback(browser, base_url):
    page = browser.new_page()
    try:
        page.goto(f"{base_url.rstrip('/')}/embed?chart=%3Cimg%20src%3Dx%3E**no**&lang=en")
        alert = page.locator('[data-testid="stAlert"]').first
        alert.wait_for(timeout=LOAD_TIMEOUT_MS)
        text = alert.inner_text()
        assert "<img src=x>**no**" in text and "python -m charts list" in text
        assert page.locator("[data-testid='stAlert'] img, [data-testid='stAlert'] strong").count() == 0
        assert page.locator(EXCEPTION).count() == 0
    finally:
        page.close()
