"""The chart-only view, `/embed?chart=ID&<scenario>&lang=..&theme=light|dark|auto`, for other sites' iframes.

`python -m charts embed CHART` prints the `<iframe>` that opens it. The view shows one registry chart and
nothing else: no sidebar, no controls, no Streamlit header or menu. Its scenario is the session's one
scenario (`ui/state.py`, parsed from the URL as every page's is); its title and subtitle are HTML (they wrap
at a phone's width, charts/embed.py), its footer credits the sources and links to the full app with the same
scenario. A script in the page posts `{type: "compute-ceiling:height", height: px}` to the embedding page
whenever the content's height changes, and the snippet's script sets the iframe's height from it.

`theme=dark` draws the dark house template on solid dark paper; `auto` draws both and lets the reader's
`prefers-color-scheme` pick one in CSS (the server never learns it). Layout only: every figure comes from
the registry through the caches the other pages use.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from charts import publish, registry
from charts.embed import THEMES, EmbedFigure, embed_figure
from charts.export import PAPER
from models.scenario import share_link as scenario_link
from ui import data, state

EMBED_PATH = publish.EMBED_PATH
CHART_PARAM = "chart"
THEME_PARAM = "theme"
INK = {"light": "#1A1A1A", "dark": "#F0F0F0"}  # the house template's ink and muted text (charts/theme.py)
MUTED = {"light": "#555555", "dark": "#B0B0B0"}
LINK = {"light": "#B34A00", "dark": "#F5A05F"}  # the accent, darkened / lightened to read as text on each paper
MAX_CREDITS = 6  # organisations named in the footer; the app's own page names every source in full
CHART_PAGE = (("demand-", "demand"), ("supply-", "supply"), ("binding-link", "supply"), ("serving-", "serving"),
              ("claims-check", "claims"), ("backtest", "claims"))  # chart id prefix -> page; else forecast


@dataclass(frozen=True)
class Request:
    chart: str | None  # the registered id, None when the URL names no known chart
    asked: str  # what the URL said (for the message), not escaped
    theme: str  # light, dark or auto


def _path() -> str:
    try:
        url = st.context.url or ""
    except Exception:  # no browser context (bare mode, AppTest)
        url = ""
    return urlsplit(url).path


def requested() -> bool:
    """True when the browser asked for the embed view (its path ends in /embed, under any base path)."""
    return _path().rstrip("/").rsplit("/", 1)[-1] == EMBED_PATH


def request() -> Request:
    """The chart and theme the URL asks for; an unknown chart id gives chart None, a bad theme `light`."""
    asked = st.query_params.get(CHART_PARAM) or ""
    try:
        chart = registry.resolve_id(asked)
    except ValueError:
        chart = None
    theme = st.query_params.get(THEME_PARAM) or "light"
    return Request(chart=chart, asked=asked, theme=theme if theme in THEMES else "light")


def variants(theme: str) -> tuple[str, ...]:
    """The figure themes drawn: one, or both for `auto` (CSS shows the one the reader's system prefers)."""
    return ("light", "dark") if theme == "auto" else (theme,)


def _registry_figure(chart_id: str, lang: str, scenario):
    """(figure, what it depends on besides chart and language): the figure every page draws for this chart,
    from the Forecast and Serving pages' caches for theirs."""
    from ui import figures, registry_figures, serving_state, serving_view

    forecast_keys = {chart: key for key, chart in figures.FORECAST_CHARTS.items()}
    if chart_id in forecast_keys:
        return figures.forecast_figure(scenario, lang, forecast_keys[chart_id]), repr(scenario)
    if chart_id in serving_view.SERVING_CHARTS:
        serving = serving_state.scenario()
        return serving_view.figure(chart_id, serving, scenario, lang), f"{scenario!r}|{serving!r}"
    if not registry.CHARTS[chart_id].uses_scenario:
        return registry_figures.registry_figure(chart_id, lang), ""
    return registry_figures.registry_figure(chart_id, lang, scenario), repr(scenario)


@st.cache_resource(max_entries=64, show_spinner=False)
def _embed_figure(version, chart_id: str, lang: str, key: str, dark: bool, _figure) -> EmbedFigure:
    return embed_figure(_figure, dark=dark)


def figure(chart_id: str, lang: str, scenario, dark: bool) -> EmbedFigure:
    """The chart's figure for the view (title lifted out, light or dark), shared read-only between sessions."""
    fig, key = _registry_figure(chart_id, lang, scenario)
    return _embed_figure(data.db_version(), chart_id, lang, key, dark, fig)


def _colours(theme: str) -> str:
    return (f"--cc-paper:{PAPER[theme]};--cc-ink:{INK[theme]};--cc-muted:{MUTED[theme]};"
            f"--cc-link:{LINK[theme]};")


def style(theme: str) -> None:
    """Hide Streamlit's chrome, paint the paper, and (auto) show the figure the reader's system prefers."""
    base = "dark" if theme == "dark" else "light"
    auto = (f"@media (prefers-color-scheme: dark) {{ :root {{ {_colours('dark')} color-scheme: dark; }}"
            " .st-key-cc_embed_light { display: none !important; }"
            " .st-key-cc_embed_dark { display: block !important; } }"
            " .st-key-cc_embed_dark { display: none; }") if theme == "auto" else ""
    st.html(f"""<style>
:root {{ {_colours(base)} color-scheme: {base}; }}
{auto}
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"],
[data-testid="stBottom"], footer {{ display: none !important; }}
html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: var(--cc-paper) !important; color: var(--cc-ink); }}
[data-testid="stMainBlockContainer"] {{ padding: 8px 12px 6px !important; max-width: none !important; }}
.cc-embed-title {{ font-size: 19px; line-height: 1.3; font-weight: 600; margin: 0 0 4px; color: var(--cc-ink);
  overflow-wrap: anywhere; }}
.cc-embed-subtitle {{ font-size: 13px; line-height: 1.4; margin: 0; color: var(--cc-muted); overflow-wrap: anywhere; }}
.cc-embed-footer {{ font-size: 12px; line-height: 1.4; margin: 0; color: var(--cc-muted); overflow-wrap: anywhere; }}
.cc-embed-footer a {{ color: var(--cc-link); }}
</style>""")


def header(embed: EmbedFigure, theme: str) -> None:
    """The chart's title and subtitle, as text the browser wraps."""
    subtitle = f'<p class="cc-embed-subtitle">{html.escape(embed.subtitle)}</p>' if embed.subtitle else ""
    st.html(f'<div class="cc-embed-head cc-embed-{theme}"><h2 class="cc-embed-title">{html.escape(embed.title)}'
            f"</h2>{subtitle}</div>")


def chart(embed: EmbedFigure, chart_id: str, theme: str) -> None:
    """The plot, without Plotly's toolbar (an embed has no controls); hover stays."""
    st.plotly_chart(embed.figure, key=f"embed_{chart_id}_{theme}", theme=None,
                    config={"displayModeBar": False, "responsive": True})


def app_base_url() -> str:
    """Where this view was served from (the address the reader's browser used), else the public URL."""
    url = ""
    try:
        url = st.context.url or ""
    except Exception:
        url = ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        root = parts.path.rstrip("/").rsplit("/", 1)[0]
        return f"{parts.scheme}://{parts.netloc}{root}/"
    return state.public_base_url()


def page_of(chart_id: str) -> str:
    """The app page that shows the chart (the footer link opens it)."""
    for prefix, page in CHART_PAGE:
        if chart_id.startswith(prefix):
            return page
    return "forecast"


def footer(fig, chart_id: str, lang: str, scenario, tr) -> None:
    """Who the chart's sources come from (the credit each licence asks for; the app names every source in
    full) and a link to the full app with the same scenario, in a new tab."""
    names = publish.source_organisations(fig, data.read("sources"))
    shown = names[:MAX_CREDITS] + ([tr("embed.more_sources", n=len(names) - MAX_CREDITS)]
                                   if len(names) > MAX_CREDITS else [])
    credit = tr("embed.sources", names=tr("publish.separator").join(shown)) if names else ""
    link = scenario_link(scenario, lang, app_base_url(), page_of(chart_id))
    st.html(f'<p class="cc-embed-footer">{html.escape(credit)} '
            f'<a href="{html.escape(link)}" target="_blank" rel="noopener">{html.escape(tr("embed.open_app"))}</a></p>')


def unknown_chart(asked: str, tr) -> None:
    """One escaped line naming what was asked for and where the ids are listed."""
    from ui.text import escape_markdown

    st.error(tr("embed.unknown_chart", chart=escape_markdown(asked, 60) if asked else tr("embed.no_chart")),
             icon=":material/error:")


HEIGHT_SCRIPT = """<script>
(function () {
  if (window.parent === window || window.__ccEmbedHeight) return;
  window.__ccEmbedHeight = true;
  var last = 0;
  function content() { return document.querySelector('[data-testid="stMainBlockContainer"]'); }
  function report() {
    var box = content();
    if (!box) return;
    var height = Math.ceil(box.getBoundingClientRect().height);
    if (height > 0 && height !== last) {
      last = height;
      window.parent.postMessage({type: %(message)s, height: height}, "*");
    }
  }
  var observer = new ResizeObserver(report);
  function watch() {
    var box = content();
    if (!box) { window.setTimeout(watch, 100); return; }
    observer.observe(box);
    report();
  }
  watch();
})();
</script>"""


def report_height() -> None:
    """The script that tells the embedding page the view's height whenever it changes (ResizeObserver).

    `st.html(..., unsafe_allow_javascript=True)` runs it in the app's own document (a component would run it
    in an iframe of its own), so the message comes from the embedded window itself: the snippet's check
    `event.source === iframe.contentWindow` holds (tested in Chromium, tests/e2e/test_embed.py)."""
    import json

    st.html(HEIGHT_SCRIPT % {"message": json.dumps(publish.EMBED_MESSAGE)}, unsafe_allow_javascript=True)


def prepare() -> str:
    """The embed view's part of the frame: the database built if missing, the scenario parsed from the URL
    with its escaped warnings; no sidebar, no language switch. Returns the language."""
    from ui import lang

    language = lang.current_language()
    data.ensure_database(state.tr_for(language))
    state.scenario()
    state.show_param_warnings(language)
    return language
