"""Every page renders in both languages, with every string translated."""

from __future__ import annotations

import pytest

from tests.pages.conftest import PAGES
from tests.pages.helpers import missing_keys, open_exports, rendered_text

TITLES = {  # the page's first heading, in each language: proves the language switch reached the page
    "en": {"overview": "Compute Ceiling", "forecast": "Forecast: when does demand outrun supply?",
           "methods": "Methods and sources"},
    "zh": {"overview": "算力天花板", "forecast": "预测：需求何时超过供给？", "methods": "方法与来源"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception_or_untranslated_key(app, page, lang):
    at = app(page=page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    if at.get("plotly_chart"):
        open_exports(at)  # the export controls' labels too
        assert not at.exception, [e.value for e in at.exception]
    assert missing_keys(at) == []
    expected_title = TITLES[lang].get(page)
    if expected_title:
        assert at.title[0].value == expected_title


def test_chinese_pages_show_chinese_navigation_and_labels(app):
    at = app(page="forecast", lang="zh")
    assert "预设" in [s.label for s in at.selectbox]  # the preset picker's label
    assert [m.label for m in at.metric] == ["天花板年份"]
    assert "下载情景（JSON）" in rendered_text(at)


def test_unknown_language_falls_back_to_english(app):
    at = app(page="overview", lang="fr")
    assert at.title[0].value == "Compute Ceiling"


def test_every_chart_has_a_source_caption_and_the_export_downloads(app):
    at = app(page="supply")
    assert not at.get("download_button")  # closed popovers draw nothing: no widgets on a slider move
    open_exports(at)
    charts = at.get("plotly_chart")
    captions = [c.value for c in at.caption if c.value.startswith("Sources:")]
    labels = [b.proto.label for b in at.get("download_button")]
    assert charts and len(captions) == len(charts)
    for label in ("PNG 1x", "PNG 2x", "SVG", "PDF", "HTML (interactive)", "CSV (plotted data)"):
        assert labels.count(label) == len(charts), label


@pytest.mark.parametrize(("locale", "title"), [("zh-CN", "算力天花板"), ("en-GB", "Compute Ceiling"), (None, "Compute Ceiling")])
def test_without_lang_parameter_the_browser_language_decides(app, locale, title):
    at = app(page="overview", lang=None, locale=locale)
    assert at.title[0].value == title
    assert at.query_params["lang"] == ("zh" if locale == "zh-CN" else "en")  # and the link now carries it


def test_lang_parameter_wins_over_the_browser_language(app):
    at = app(page="overview", lang="en", locale="zh-CN")
    assert at.title[0].value == "Compute Ceiling"
