"""Every page, opened in Chromium by URL, runs without an exception or a console error, shows its
strings translated, and leaves a screenshot in tests/e2e/screenshots/ for review; the sidebar lists
the app's pages by their titles."""

from __future__ import annotations

import pytest

from bench.driver import EXCEPTION, ConsoleWatch, app_pages, open_page, page_url
from i18n import MISSING, t

PAGES = app_pages()
MISSING_MARK = MISSING.format("")[0]  # "⟦": what i18n shows for a key absent from the catalogue


@pytest.mark.parametrize(("file", "url_path"), PAGES, ids=[url for _file, url in PAGES])
def test_page_loads_cleanly(page, base_url, screenshots_dir, file, url_path):
    console = ConsoleWatch().attach(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, page_url(base_url, url_path, lang="en"))
    page.screenshot(path=screenshots_dir / f"{url_path}.png", full_page=True)

    exceptions = [text[:400] for text in page.locator(EXCEPTION).all_inner_texts()]
    assert not exceptions, f"{file} shows an exception: {exceptions}"
    assert not console.errors, f"{file} logged console errors: {console.errors}"
    untranslated = [line for line in page.locator("body").inner_text().splitlines() if MISSING_MARK in line]
    assert not untranslated, f"{file} shows catalogue keys instead of text: {untranslated[:5]}"


def test_sidebar_lists_the_pages_by_title_after_a_deep_link(page, base_url):
    # Every test here opens a page by its path, so the server's first request is a deep link: the case
    # where Streamlit, with a folder named pages/ beside app.py, lists its files ("app", "claims", …).
    open_page(page, page_url(base_url, "demand", lang="en"))
    links = [" ".join(text.split()) for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
    titles = [t(f"nav.{url}", "en") for _file, url in PAGES]

    assert len(links) == len(titles), f"the sidebar lists {links}, expected {titles}"
    assert all(title in link for title, link in zip(titles, links, strict=True)), f"{links} != {titles}"
