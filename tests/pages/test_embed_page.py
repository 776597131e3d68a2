"""The chart-only view (/embed) in AppTest: one registry chart and nothing else, its title's ceiling year the
CLI's for the same link, its footer linking the full app with the same scenario, the dark and auto themes,
and an unknown chart id refused in one escaped line."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from models.__main__ import main as models_cli
from tests.pages.conftest import APP

EMBED_URL = "https://news.example.org/app/embed"  # what the browser reports as the page's address


@pytest.fixture
def embed(app_db, monkeypatch):
    """A factory: `embed(chart="forecast", preset=..., theme=...)` → an AppTest that has run the embed page."""
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(app_db))

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.context["url"] = EMBED_URL
        for key, value in {"lang": "en", **params}.items():
            at.query_params[key] = value
        at.switch_page("app_pages/embed.py").run()
        return at

    return make


def html_bodies(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def plotly_layouts(at) -> list[dict]:
    return [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]


def cli_headline(db, link: str) -> int | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert models_cli(["forecast", "--db", str(db), "--link", link, "--json"]) == 0
    return json.loads(out.getvalue())["headline_year"]


def test_one_chart_titled_with_the_clis_ceiling_year_and_nothing_else(embed, app_db):
    at = embed(chart="forecast-hero", preset="article-2023", horizon="2045")
    assert not at.exception
    assert len(at.sidebar.children) == 0 and not at.warning  # no frame; chart= and lang= are not warned about
    assert len(at.get("plotly_chart")) == 1
    assert not plotly_layouts(at)[0].get("title", {}).get("text")  # the title is HTML above the plot
    bodies = html_bodies(at)
    (head,) = [b for b in bodies if '<h2 class="cc-embed-title">' in b]
    title = re.search(r'<h2 class="cc-embed-title">(.*?)</h2>', head).group(1)
    link = "https://c.example.org/forecast?preset=article-2023&horizon=2045&lang=en"
    assert re.findall(r"(?<!\d)20\d\d(?!\d)", title) == [str(cli_headline(app_db, link))]
    (footer,) = [b for b in bodies if '<p class="cc-embed-footer">' in b]
    href = re.search(r'href="([^"]+)"', footer).group(1).replace("&amp;", "&")
    assert href == "https://news.example.org/app/forecast?preset=article-2023&horizon=2045&lang=en"
    assert 'target="_blank"' in footer and "Epoch AI" in footer
    assert any("compute-ceiling:height" in b and "ResizeObserver" in b for b in bodies)
    assert any('[data-testid="stSidebar"]' in b and "display: none" in b for b in bodies)  # chrome hidden


def test_dark_theme_in_chinese(embed):
    at = embed(chart="supply-stock", lang="zh", theme="dark")
    assert not at.exception and not at.warning
    (layout,) = plotly_layouts(at)
    assert layout["template"]["layout"]["paper_bgcolor"] == "#0E1117"
    (head,) = [b for b in html_bodies(at) if '<h2 class="cc-embed-title">' in b]
    assert re.search(r"[\u4e00-\u9fff]", head)
    (footer,) = [b for b in html_bodies(at) if '<p class="cc-embed-footer">' in b]
    assert "/app/supply?lang=zh" in footer and "来源" in footer


def test_auto_theme_draws_both_and_lets_css_pick(embed):
    at = embed(chart="supply-stock", theme="auto")
    papers = [layout["template"]["layout"]["paper_bgcolor"] for layout in plotly_layouts(at)]
    assert papers == ["#FFFFFF", "#0E1117"]
    assert any("prefers-color-scheme: dark" in b for b in html_bodies(at))


def test_an_unknown_chart_is_named_escaped_without_a_traceback(embed):
    at = embed(chart="[click](http://evil.example/x) ![i](http://evil.example/t.gif)")
    assert not at.exception
    assert not at.get("plotly_chart")
    (error,) = at.error
    assert "\\[click\\]" in error.value and "\\!\\[i\\]" in error.value  # escaped: no link, no image
    assert "python -m charts list" in error.value


def test_the_export_controls_embed_code_opens_the_registered_chart(monkeypatch):
    """A page's key for a chart ("overview-hero") is not a chart id: the embed code names the registered id the
    figure carries, so that /embed finds it."""
    import plotly.graph_objects as go

    from i18n import translator
    from models.scenario import Scenario
    from ui import export

    shown = []
    monkeypatch.setattr(export.st, "code", lambda body, **kwargs: shown.append(body))
    monkeypatch.setattr(export.st, "caption", lambda *args, **kwargs: None)
    monkeypatch.setenv("COMPUTE_CEILING_PUBLIC_URL", "https://c.example.org/")
    fig = go.Figure(layout=dict(title=dict(text="Ceiling 2031"), meta={"chart_id": "forecast", "sources": []}))
    export._cite_and_embed(fig, "overview-hero", "en", Scenario.from_preset("article-2023"), None, None,
                           "A description", translator("en"))
    (snippet,) = [body for body in shown if "<iframe" in body]
    assert 'src="https://c.example.org/embed?chart=forecast&amp;preset=article-2023&amp;lang=en"' in snippet
