"""The export control every chart gets: size and background, title/subtitle, the description (alt text),
PNG 1x/2x, SVG, PDF, HTML, CSV, the data package (ZIP), the share link, the citation and the embed code.

Files are generated only when the user clicks (`data=callable`), and a click does not rerun the page
(`on_click="ignore"`). The control is a fragment so that editing the title reruns only the control,
not the page's forecast. Its contents are drawn only while the popover is open (keyed `export_<chart>`):
twelve widgets per chart on every slider move were a tenth of a Forecast rerun.
"""

from __future__ import annotations

import re

import streamlit as st

from charts import export as chart_export
from charts import publish
from charts.common import data_age_line
from ui import data, state

SIZE_PRESETS = ("article", "wide", "social-square", "social-portrait", "link-card", "print", "custom")
THEMES = ("light", "dark")
# Keys of the renderer's options that describe the publication, not the figure's layout.
PUBLISHING_OPTIONS = ("description", "chart_id", "scenario", "build_info")
# (format, scale, mime) of each download button, in the order shown.
DOWNLOADS = (
    ("png", 1, "image/png"),
    ("png", 2, "image/png"),
    ("svg", 1, "image/svg+xml"),
    ("pdf", 1, "application/pdf"),
    ("html", 1, "text/html"),
    ("csv", 1, "text/csv"),
    ("zip", 1, "application/zip"),
)


def _size(chart_id: str, tr) -> str | tuple[int, int]:
    preset = st.selectbox(
        tr("ui.export.size"), SIZE_PRESETS, key=f"export_{chart_id}_size",
        format_func=lambda name: tr(f"publish.size_{name.replace('-', '_')}"),
    )
    if preset != "custom":
        return preset
    left, right = st.columns(2)
    width = left.number_input(tr("ui.export.width"), 100, 5000, 1000, 10, key=f"export_{chart_id}_w")
    height = right.number_input(tr("ui.export.height"), 100, 5000, 600, 10, key=f"export_{chart_id}_h")
    return int(width), int(height)


def renderer(fig, fmt: str, scale: float, options: dict):
    """A zero-argument callable that builds the file only when the user downloads it.

    `options` holds `prepare_for_export`'s arguments and, optionally, the publication's: `description`
    (the alt text for SVG, HTML and ZIP), `chart_id`, `scenario` and `build_info` (for the ZIP)."""
    publishing = {key: options[key] for key in PUBLISHING_OPTIONS if key in options}
    layout = {key: value for key, value in options.items() if key not in PUBLISHING_OPTIONS}

    def render() -> bytes | str:
        if fmt == "csv":
            return chart_export.to_csv(fig)
        if fmt == "zip":
            return publish.data_package(
                fig, chart_id=publishing.get("chart_id", "chart"), scenario=publishing.get("scenario"),
                lang=layout.get("lang", "en"), build_info=publishing.get("build_info"),
                sources=layout.get("sources"), description=publishing.get("description"))
        ready = chart_export.prepare_for_export(fig, **layout)
        width, height = chart_export.resolve_size(layout.get("size", "article"))
        printed = chart_export.print_width_mm(layout.get("size")) is not None
        image_scale = scale * (chart_export.print_scale(layout["size"]) if printed else 1)
        out = publish.render(ready, fmt, width=width, height=height, scale=image_scale,
                             lang=layout.get("lang", "en"), sources=layout.get("sources"),
                             description=publishing.get("description"))
        return out.decode("utf-8") if fmt == "html" else out

    return render


def editable_text(figure_text: str) -> str:
    """A figure's title or subtitle as a one-line field shows it: its line breaks (`<br>`, which the
    export wraps again to its own width) become spaces."""
    return " ".join(re.sub(r"<br\s*/?>", " ", figure_text, flags=re.IGNORECASE).split())


def _text_field(label: str, figure_text: str, key: str, *, area: bool = False, help: str | None = None) -> str:
    """An editable title line that starts from the figure on screen: when the figure's own text changes
    (a slider moved the finding), the field follows it, so an export never carries a stale title."""
    source_key = f"{key}_of"
    if st.session_state.get(source_key) != figure_text:
        st.session_state[source_key] = figure_text
        st.session_state[key] = figure_text
    if area:
        return st.text_area(label, key=key, help=help)
    return st.text_input(label, key=key, help=help)


@st.fragment
def _export_fragment(fig, chart_id: str, lang: str, share_link: str) -> None:
    tr = state.tr_for(lang)
    size = _size(chart_id, tr)
    theme = st.segmented_control(tr("publish.theme"), THEMES, default="light", key=f"export_{chart_id}_theme",
                                 format_func=lambda name: tr(f"publish.theme_{name}")) or "light"
    title = _text_field(tr("ui.export.title"), editable_text(fig.layout.title.text or ""), f"export_{chart_id}_title")
    subtitle = _text_field(tr("ui.export.subtitle"), editable_text(fig.layout.title.subtitle.text or ""),
                           f"export_{chart_id}_subtitle")
    sources, build_info = data.read("sources"), data.read("build_info")
    description = _text_field(tr("publish.alt_label"), publish.alt_text(fig, lang, sources), f"export_{chart_id}_alt",
                              area=True, help=tr("publish.alt_help"))
    if lang == "zh" and not chart_export.cjk_font_available():
        st.warning(tr("ui.export.no_cjk_font"))
    scenario = state.scenario()
    options = dict(title=title, subtitle=subtitle, size=size, lang=lang, share_link=share_link,
                   sources=sources, data_age=data_age_line(build_info, lang), theme=theme,
                   description=description, chart_id=chart_id, scenario=scenario, build_info=build_info)
    columns = st.columns(3)
    for index, (fmt, scale, mime) in enumerate(DOWNLOADS):
        label = (tr("ui.export.png_scaled", scale=scale) if fmt == "png"
                 else tr("publish.zip") if fmt == "zip" else tr(f"ui.export.{fmt}"))
        suffix = f"@{scale}x" if fmt == "png" else ""
        columns[index % 3].download_button(
            label, data=renderer(fig, fmt, scale, options),
            file_name=chart_export.export_file_name(chart_id + suffix, ext=fmt),
            mime=mime, on_click="ignore", key=f"export_{chart_id}_{fmt}{scale}",
        )
    st.caption(tr("ui.export.share_link"))
    st.code(share_link, language=None)
    _cite_and_embed(fig, chart_id, lang, scenario, sources, build_info, description, tr)


def _cite_and_embed(fig, chart_id: str, lang: str, scenario, sources, build_info, description: str, tr) -> None:
    """The chart's citation (APA-like and BibTeX) and the embed code of its chart-only view (which opens the
    registered chart the figure names, not the page's key for it, e.g. `forecast` for "overview-hero")."""
    registered = (fig.layout.meta or {}).get("chart_id") or chart_id
    url = publish.chart_url(registered, scenario, lang, state.public_base_url())
    cited = publish.citation_url(fig, registered, scenario, lang, state.public_base_url())  # a pair: its share link
    cite = dict(chart_id=registered, url=cited, lang=lang, build_info=build_info, sources=sources)
    st.caption(tr("publish.cite_label"))
    st.code(publish.citation(fig, "apa", **cite), language=None, wrap_lines=True)
    st.code(publish.citation(fig, "bibtex", **cite), language="latex", wrap_lines=True)
    st.caption(tr("publish.embed_label"), help=tr("publish.embed_help"))
    st.code(publish.embed_snippet(url, title=publish.figure_title(fig), description=description, lang=lang),
            language="html", wrap_lines=True)


def export_control(fig, chart_id: str, lang: str) -> None:
    """An "Export" popover under a chart: every format, with the title editable before export."""
    tr = state.tr_for(lang)
    popover = st.popover(tr("ui.export.button"), icon=":material/download:", key=popover_key(chart_id),
                         on_change="rerun")
    if popover.open:
        with popover:
            _export_fragment(fig, chart_id, lang, state.share_link())


def popover_key(chart_id: str) -> str:
    """The session-state key of a chart's export popover: True while it is open."""
    return f"export_{chart_id}"

