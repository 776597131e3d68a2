"""Rough edges a reader meets in the browser: "/overview" typed or linked by its own path opens the
Overview (it answered "Page not found"), and at a phone's 390 px no chart's title or label is cut off
(each chart keeps its laid-out width in a box that scrolls sideways; the page itself does not)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.driver import open_page
from i18n import t

PHONE = {"width": 390, "height": 844}

# Per chart on the page: the svg's box, its text boxes past that box, and how far its scroll box reaches.
CHART_TEXT_OUTSIDE = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).map((chart) => {
  const svg = chart.querySelector('.main-svg');
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  const outside = Array.from(chart.querySelectorAll('text'))
    .map((node) => [node.textContent.slice(0, 60), node.getBoundingClientRect()])
    .filter(([text, r]) => text.trim() && r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1))
    .map(([text]) => text);
  const scroller = chart.closest('[class*="st-key-chartbox_"]');
  return {outside, svgWidth: box.width, reach: scroller ? scroller.scrollWidth : chart.scrollWidth};
}).filter(Boolean)"""


def test_overview_answers_at_its_own_path(page, base_url):
    open_page(page, f"{base_url.rstrip('/')}/overview?lang=en")
    expect(page.locator("h1").first).to_have_text(t("app.title", "en"))
    assert "Page not found" not in page.locator("body").inner_text()


@pytest.mark.parametrize("path", ["overview", "supply"])
def test_at_390_px_no_chart_text_is_cut_off_and_the_page_does_not_scroll_sideways(page, base_url,
                                                                                   screenshots_dir, path):
    page.set_viewport_size(PHONE)
    open_page(page, f"{base_url.rstrip('/')}/{path}?lang=en")
    charts = page.evaluate(CHART_TEXT_OUTSIDE)
    assert charts, "no chart drawn"
    for chart in charts:
        assert chart["outside"] == [], f"text past the chart's edge: {chart['outside']}"
        assert chart["reach"] >= chart["svgWidth"] - 1  # every part of the chart can be scrolled to
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"] + 1
    page.locator('[data-testid="stPlotlyChart"]').first.screenshot(path=screenshots_dir / f"{path}-390px-chart.png")
