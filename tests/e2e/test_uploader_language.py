"""The file uploaders speak the page's language: Streamlit draws "Upload", "20MB per file • CSV" and "Drag and
drop a file here" in English; on a Chinese page each shows the catalogue's Chinese instead (CSS content), and
the English text is not shown (zero size)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bench.driver import open_page, page_url, settle
from i18n import t

MAX_MB = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())[
    "server"]["maxUploadSize"]
# (page, uploader key, file types, how to reach it)
UPLOADERS = [("data", "data_import", "CSV", "data.tab_import"), ("forecast", "scenario_upload", "JSON", None)]
SHOWN = """([key, target, pseudo]) => {
    const el = document.querySelector(`.st-key-${key} [data-testid="stFileUploaderDropzone"] ${target}`);
    if (!el) return null;
    const after = getComputedStyle(el, '::after');
    return {own: el.textContent, ownSize: getComputedStyle(el).fontSize,
            after: after.content, afterSize: after.fontSize, width: el.getBoundingClientRect().width};
}"""
BUTTON = 'button [data-testid="stMarkdownContainer"] p'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
DRAG = "> div:not([data-testid]) > span"


def shown(page, key: str, target: str) -> dict:
    return page.evaluate(SHOWN, [key, target, "::after"])


def open_uploader(page, base_url: str, page_name: str, tab: str | None, lang: str) -> None:
    open_page(page, page_url(base_url, page_name, lang=lang))
    if tab is not None:
        page.get_by_role("tab", name=t(tab, lang)).click()
        settle(page)


def drag_a_file_over(page, key: str) -> None:
    transfer = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.txt', {type: 'text/plain'})); return d; }")
    page.locator(f'.st-key-{key} [data-testid="stFileUploaderDropzone"]').dispatch_event(
        "dragenter", {"dataTransfer": transfer})
    page.locator(f'.st-key-{key} [data-testid="stFileUploaderDropzone"] {DRAG}').wait_for()


@pytest.mark.parametrize(("page_name", "key", "types", "tab"), UPLOADERS)
def test_chinese_page_shows_the_uploader_in_chinese_not_english(page, base_url, page_name, key, types, tab):
    open_uploader(page, base_url, page_name, tab, "zh")
    drag_a_file_over(page, key)
    limit = t("uploader.limit", "zh", size=MAX_MB, types=types)
    for target, english, chinese in ((BUTTON, "Upload", t("uploader.button", "zh")),
                                     (LIMIT, f"{MAX_MB}MB per file • {types}", limit),
                                     (DRAG, "Drag and drop a file here", t("uploader.drag", "zh"))):
        seen = shown(page, key, target)
        assert seen["own"] == english  # Streamlit's own text is still in the page ...
        assert seen["ownSize"] == "0px"  # ... but drawn at zero size
        assert seen["after"] == f'"{chinese}"' and seen["afterSize"] == "14px"  # the Chinese is what shows
        assert seen["width"] > 10


def test_english_page_keeps_streamlits_words(page, base_url):
    open_uploader(page, base_url, "data", "data.tab_import", "en")
    seen = shown(page, "data_import", BUTTON)
    assert seen["own"] == "Upload" and seen["ownSize"] != "0px" and seen["after"] in ("none", "normal")
