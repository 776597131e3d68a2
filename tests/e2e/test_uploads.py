"""Two browser contexts (two users) on one live server: one lays a file over the data on the Data page;
the other's ceiling does not move, and removing the file gives the uploader's ceiling back."""

from __future__ import annotations

from bench.driver import open_page, page_url, settle
from i18n import t
from tests.e2e.test_forecast import ceiling_text
from tests.pages.test_data_uploads import bigger_models_csv


def ceiling_on_overview(page, base_url: str) -> str:
    open_page(page, page_url(base_url, "overview", lang="en"))
    return ceiling_text(page)


def go_to(page, nav: str) -> None:
    """Switch page with the sidebar link (a reload would start a new session, without the file)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t(f"nav.{nav}", "en")).first.click()
    settle(page)


def ceiling_after_switch(page) -> str:
    go_to(page, "overview")
    return ceiling_text(page)


def test_an_upload_in_one_browser_leaves_the_other_browsers_ceiling_alone(browser, base_url):
    uploader_context, other_context = browser.new_context(), browser.new_context()
    uploader, other = uploader_context.new_page(), other_context.new_page()
    try:
        before = ceiling_on_overview(uploader, base_url)
        assert ceiling_on_overview(other, base_url) == before

        open_page(uploader, page_url(base_url, "data", lang="en"))
        uploader.get_by_role("tab", name=t("data.tab_import", "en")).click()
        uploader.locator('.st-key-data_import input[type="file"]').set_input_files(
            files=[{"name": "notable_ai_models.csv", "mimeType": "text/csv", "buffer": bigger_models_csv()}])
        settle(uploader)
        uploader.locator(".st-key-data_import_go button").click()
        settle(uploader)
        uploader.get_by_text("40 rows added, 0 replaced").wait_for()

        with_file = ceiling_after_switch(uploader)
        assert with_file != before  # the uploader's numbers count the file
        assert ceiling_on_overview(other, base_url) == before  # the other browser's do not
        assert "notable" not in uploader.url  # nothing of the file in the share link
        other.reload()
        assert ceiling_text(other) == before

        go_to(uploader, "data")
        uploader.get_by_role("tab", name=t("data.tab_import", "en")).click()
        uploader.locator('[class*="st-key-data_upload_remove_"] button').click()
        settle(uploader)
        assert ceiling_after_switch(uploader) == before
    finally:
        uploader_context.close()
        other_context.close()
