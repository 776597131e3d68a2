"""The language switch in the sidebar turns the app into Simplified Chinese and keeps `lang=zh` in the
URL; a link with `lang=zh` opens in Chinese. Expected strings come from i18n/zh.toml."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bench.driver import open_page, page_url, settle
from i18n import t

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_switching_to_chinese_translates_the_page_and_the_url(page, base_url, screenshots_dir):
    open_page(page, page_url(base_url, "overview", lang="en"))
    expect(page.locator("h1").first).to_have_text(t("app.title", "en"))

    page.locator(".st-key-ui_lang_switch").get_by_text("简体中文").click()
    settle(page)

    expect(page).to_have_url(re.compile(r"[?&]lang=zh(&|$)"))
    expect(page.locator("h1").first).to_have_text(t("app.title", "zh"))
    assert CJK.search(page.locator('[data-testid="stMain"]').inner_text())
    page.screenshot(path=screenshots_dir / "overview-zh.png", full_page=True)


def test_a_chinese_link_opens_the_forecast_in_chinese(page, base_url):
    open_page(page, page_url(base_url, "forecast", lang="zh"))

    expect(page.locator("h1").first).to_have_text(t("forecast.title", "zh"))
    ceiling = page.locator('[data-testid="stMetric"]').filter(has_text=t("ui.ceiling_year", "zh"))
    expect(ceiling.first).to_be_visible()
