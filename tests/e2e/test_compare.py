"""Comparing scenarios in Chromium: pin A, move a slider by keyboard (B), and the page's URL opened in a new
browser context (nothing shared but the URL) shows the same pair: both ceiling years and A's grey line."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bench.driver import open_page, settle
from i18n import t
from tests.e2e.test_forecast import ceiling_text, open_forecast, slider

YEARS_TABLE = '[data-testid="stTable"]'


def ceiling_years(page) -> dict[str, list[str]]:
    """The comparison's ceiling-year table: row label → [A, B] as shown."""
    table = page.locator(YEARS_TABLE).filter(has_text=t("compare.row_headline", "en"))
    expect(table).to_have_count(1)
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        rows[cells[0]] = cells[1:]
    return rows


def test_pin_move_and_reopen_the_link_in_a_new_context(page, browser, base_url):
    open_forecast(page, base_url, samples="1000")
    page.locator(".st-key-compare_pin").get_by_role("button", name=t("compare.pin", "en")).click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]compare=preset%3Ddata-trend"))

    slider(page, "utilisation").press("Home")  # 0.05, the slider's minimum: B differs from A
    settle(page)
    expect(page).to_have_url(re.compile(r"utilisation=0\.05"))
    years = ceiling_years(page)
    headline = years[t("compare.row_headline", "en")]
    assert len(headline) == 2 and all(headline), years
    assert headline[1] == ceiling_text(page)  # B is the scenario of the controls, the page's metric
    link = page.url

    context = browser.new_context()  # a new browser: no cookies, no session, only the link
    try:
        fresh = context.new_page()
        open_page(fresh, link)
        slider(fresh, "utilisation").wait_for()
        assert float(slider(fresh, "utilisation").input_value()) == 0.05
        assert ceiling_years(fresh) == years
        assert ceiling_text(fresh) == headline[1]
        expect(fresh.locator(".st-key-compare_unpin").get_by_role("button", name=t("compare.unpin", "en"))).to_be_visible()
    finally:
        context.close()
