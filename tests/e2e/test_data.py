"""The Data page in Chromium: the models table downloads whole, and a search filters what is shown and
what is downloaded. Expected counts come from data/raw/models.csv, read here with the csv module."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from bench.driver import open_page, page_url, settle
from etl.paths import RAW_DIR
from i18n import t

SEARCH = "gpt"


def raw_models() -> list[dict[str, str]]:
    with open(RAW_DIR / "models.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def download_rows(page) -> list[dict[str, str]]:
    with page.expect_download(timeout=60_000) as info:
        page.locator(".st-key-data_csv button").click()
    download = info.value
    assert download.suggested_filename == "models.csv"
    return list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))


def test_search_filters_the_table_and_its_download(page, base_url):
    raw = raw_models()
    expected_names = {row["name"] for row in raw if any(SEARCH in value.lower() for value in row.values())}
    open_page(page, page_url(base_url, "data", lang="en"))

    everything = download_rows(page)
    assert len(everything) == len(raw)

    search = page.locator(".st-key-data_models_search input")
    search.fill(SEARCH)
    search.press("Enter")
    settle(page)
    filtered = download_rows(page)

    assert 0 < len(filtered) < len(raw)
    assert {row["name"] for row in filtered} == expected_names
    expect(page.get_by_text(t("data.rows_shown", "en", shown=len(filtered), total=len(raw)))).to_be_visible()
