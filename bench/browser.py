"""What the user feels in a real browser: cold start, slider-to-redraw latency, the server's peak memory.

One `streamlit run` server and one headless Chromium (Debian's, launched by Playwright) for all three,
so the memory figure covers the cold start, the slider moves and a visit to every page.

Latency is measured inside the page (toolchain.md §4): a capture-phase `keydown` listener stamps
`performance.now()`, then every animation frame compares the hero chart's line paths with what they
were before the key; the first frame where they differ is "chart redrawn".
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.core import Figure, Skip, median, percentile
from bench.driver import CHART_PAINTED, LOAD_TIMEOUT_MS, app_pages, open_page, settle
from bench.live import CHROMIUM, CHROMIUM_ARGS, peak_rss_mb, streamlit_server
from bench.measures import SERVING_SLIDER, SLIDER_FIELD, Workspace

REDRAW_MEDIAN_BUDGET_MS = 180.0  # the performance budget: slider release to redrawn chart, median
REDRAW_P95_BUDGET_MS = 300.0  # and its 95th percentile

HERO_CHART = ".st-key-chart_forecast-hero"
SLIDER_INPUT = f'.st-key-{SLIDER_FIELD} input[type="range"]'
SERVING_CHART = ".st-key-chart_serving-ceiling"  # the Serving page's outlook: its lines move with the users slider
SERVING_INPUT = f'.st-key-{SERVING_SLIDER} input[type="range"]'
MOVE_TIMEOUT_MS = 30_000

# Installed once per page load; `arm()` before each key press, then read `latency()`.
PROBE_JS = """
(chartSelector) => {
  const signature = () => Array.from(document.querySelectorAll(chartSelector + ' .js-line'))
      .map((path) => path.getAttribute('d')).join('|');
  const probe = {base: null, t0: null, t1: null,
    arm() { this.base = signature(); this.t0 = null; this.t1 = null; },
    latency() { return this.t1 === null ? null : this.t1 - this.t0; }};
  const poll = () => {
    const now = signature();
    if (now !== '' && now !== probe.base) { probe.t1 = performance.now(); return; }
    if (performance.now() - probe.t0 < 60000) requestAnimationFrame(poll);
  };
  document.addEventListener('keydown', () => {
    if (probe.base !== null && probe.t0 === null) { probe.t0 = performance.now(); requestAnimationFrame(poll); }
  }, true);
  window.__ccProbe = probe;
}
"""


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise Skip("playwright is not installed") from error
    if not Path(CHROMIUM).exists():
        raise Skip(f"Chromium not found at {CHROMIUM} (run `make system-deps`)")
    return sync_playwright


def slider_latencies(page, url: str, moves: int, warmup: int = 2, path: str = "forecast",
                     slider_input: str = SLIDER_INPUT, chart: str = HERO_CHART) -> list[float]:
    """ms from keydown to the chart's lines changing, for `moves` ArrowRight presses (after `warmup`)."""
    open_page(page, f"{url}/{path}?lang=en")
    slider = page.locator(slider_input)
    slider.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.locator(f"{chart} .js-line").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.evaluate(PROBE_JS, chart)
    latencies = []
    for index in range(warmup + moves):
        page.evaluate("window.__ccProbe.arm()")
        slider.press("ArrowRight")
        page.wait_for_function("window.__ccProbe.latency() !== null", timeout=MOVE_TIMEOUT_MS)
        if index >= warmup:
            latencies.append(page.evaluate("window.__ccProbe.latency()"))
        settle(page)  # the rerun has finished and is drawn: the next press starts from a quiet page
    return latencies


def visit_pages(page, url: str) -> None:
    """Open every page once, so the server's peak memory covers all of them."""
    for _file, url_path in app_pages():
        open_page(page, f"{url}/{url_path}?lang=en")


def browser_session(ws: Workspace, moves: int = 30, serving_moves: int = 15) -> list[Figure]:
    sync_playwright = _playwright()
    db = ws.db  # built before the clock starts
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            with streamlit_server(db, log_path=ws.dir / "streamlit.log") as (url, proc):
                healthy = time.perf_counter() - start
                page.goto(f"{url}/?lang=en")
                page.locator(CHART_PAINTED).first.wait_for(timeout=LOAD_TIMEOUT_MS)
                cold = time.perf_counter() - start
                settle(page)
                latencies = slider_latencies(page, url, moves)
                serving = slider_latencies(page, url, serving_moves, path="serving", slider_input=SERVING_INPUT,
                                           chart=SERVING_CHART)
                visit_pages(page, url)
                peak = peak_rss_mb(proc.pid)
        finally:
            browser.close()
    spread = {"min_ms": round(min(latencies), 1), "max_ms": round(max(latencies), 1),
              "samples_ms": [round(v, 1) for v in latencies]}
    label = f"slider release to redrawn chart in Chromium ({SLIDER_FIELD}, {moves} moves)"
    return [
        Figure("cold_start", "cold start: server start to first chart painted in Chromium", cold, "s",
               note=f"server healthy after {healthy:.2f} s"),
        Figure("slider_redraw_median", f"{label}, median", median(latencies), "ms", REDRAW_MEDIAN_BUDGET_MS,
               samples=len(latencies),
               extra=spread),
        Figure("slider_redraw_p95", f"{label}, p95", percentile(latencies, 95), "ms", REDRAW_P95_BUDGET_MS,
               samples=len(latencies)),
        Figure("serving_slider_redraw_median",
               f"slider release to redrawn chart in Chromium, Serving page ({SERVING_SLIDER}, {serving_moves} moves), "
               "median", median(serving), "ms", REDRAW_MEDIAN_BUDGET_MS, samples=len(serving),
               extra={"p95_ms": round(percentile(serving, 95), 1), "max_ms": round(max(serving), 1)}),
        Figure("server_peak_rss", "server peak memory (VmHWM) after cold start, slider moves and every page",
               peak, "MB"),
    ]
