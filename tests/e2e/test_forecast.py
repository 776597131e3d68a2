"""The Forecast page in Chromium: a slider moves the ceiling year and the URL; a link restores a scenario."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bench.driver import open_page, page_url, settle
from i18n import t

CEILING_METRIC = '[data-testid="stMetric"]'
AFTER_HORIZON = 10_000  # "after 2040" sorts after every year


def slider(page, field: str):
    """The keyboard-operable input of the slider bound to a scenario field (its key is the field name)."""
    return page.locator(f'.st-key-{field} input[type="range"]')


def ceiling_text(page) -> str:
    metric = page.locator(CEILING_METRIC).filter(has_text=t("ui.ceiling_year", "en")).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def as_year(text: str) -> int:
    return int(text) if text.isdigit() else AFTER_HORIZON


def open_forecast(page, base_url: str, **params: str) -> None:
    open_page(page, page_url(base_url, "forecast", lang="en", **params))
    slider(page, "demand_growth").wait_for()


def test_faster_demand_growth_brings_the_ceiling_earlier_and_goes_into_the_url(page, base_url):
    open_forecast(page, base_url)
    before = ceiling_text(page)

    slider(page, "demand_growth").press("End")  # the slider's maximum: 30x per year
    settle(page)

    expect(page).to_have_url(re.compile(r"[?&]demand_growth=30(\.0)?(&|$)"))
    after = ceiling_text(page)
    assert as_year(after) < as_year(before), f"ceiling went from {before} to {after} with demand growth at 30x/year"


def test_hand_written_link_sets_the_sliders(page, base_url):
    open_forecast(page, base_url, demand_growth="6.5", run_length_days="200")

    assert float(slider(page, "demand_growth").input_value()) == 6.5
    assert float(slider(page, "run_length_days").input_value()) == 200


def test_link_copied_after_moving_sliders_reproduces_the_scenario_in_a_new_session(page, base_url):
    open_forecast(page, base_url)
    slider(page, "demand_growth").press("End")
    settle(page)
    slider(page, "utilisation").press("Home")  # 0.05, the slider's minimum
    settle(page)
    expect(page).to_have_url(re.compile(r"utilisation=0\.05"))
    link, ceiling = page.url, ceiling_text(page)

    fresh = page.context.new_page()  # a new tab is a new Streamlit session: nothing carried over but the URL
    open_page(fresh, link)
    slider(fresh, "demand_growth").wait_for()

    assert float(slider(fresh, "demand_growth").input_value()) == 30
    assert float(slider(fresh, "utilisation").input_value()) == 0.05
    assert ceiling_text(fresh) == ceiling
