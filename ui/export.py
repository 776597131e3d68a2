"""The export control every chart gets (issue 6): size, title/subtitle, PNG 1x/2x, SVG, PDF, HTML, CSV, share link.

Files are generated only when the user clicks (`data=callable`), and a click does not rerun the page
(`on_click="ignore"`). The control is a fragment so that editing the title reruns only the control,
not the page's forecast. Its contents are drawn only while the popover is open (keyed `export_<chart>`):
twelve widgets per chart on every slider move were a tenth of a Forecast rerun.
"""

from __future__ import annotations

import streamlit as st

from charts import export as chart_export
from charts.common import data_age_line
from ui import data, state

SIZE_PRESETS = ("article", "wide", "square", "custom")
# (format, scale, mime) of each download button, in the order shown.
DOWNLOADS = (
    ("png", 1, "image/png"),
    ("png", 2, "image/png"),
    ("svg", 1, "image/svg+xml"),
    ("pdf", 1, "application/pdf"),
    ("html", 1, "text/html"),
    ("csv", 1, "text/csv"),
)


def _size(chart_id: str, tr) -> str | tuple[int, int]:
    preset = st.selectbox(
        tr("ui.export.size"), SIZE_PRESETS, key=f"export_{chart_id}_size",
        format_func=lambda name: tr(f"ui.export.size_{name}"),
    )
    if preset != "custom":
        return preset
    left, right = st.columns(2)
    width = left.number_input(tr("ui.export.width"), 100, 5000, 1000, 10, key=f"export_{chart_id}_w")
    height = right.number_input(tr("ui.export.height"), 100, 5000, 600, 10, key=f"export_{chart_id}_h")
    return int(width), int(height)


def renderer(fig, fmt: str, scale: float, options: dict):
    """A zero-argument callable that builds the file only when the user downloads it."""

    def render() -> bytes | str:
        if fmt == "csv":
            return chart_export.to_csv(fig)
        ready = chart_export.prepare_for_export(fig, **options)
        if fmt == "html":
            return chart_export.to_html(ready)
        width, height = chart_export.resolve_size(options["size"])
        return chart_export.to_image(ready, fmt, width=width, height=height, scale=scale)

    return render


def _text_field(label: str, figure_text: str, key: str) -> str:
    """An editable title line that starts from the figure on screen: when the figure's own text changes
    (a slider moved the finding), the field follows it, so an export never carries a stale title."""
    source_key = f"{key}_of"
    if st.session_state.get(source_key) != figure_text:
        st.session_state[source_key] = figure_text
        st.session_state[key] = figure_text
    return st.text_input(label, key=key)


@st.fragment
def _export_fragment(fig, chart_id: str, lang: str, share_link: str) -> None:
    tr = state.tr_for(lang)
    size = _size(chart_id, tr)
    title = _text_field(tr("ui.export.title"), fig.layout.title.text or "", f"export_{chart_id}_title")
    subtitle = _text_field(tr("ui.export.subtitle"), fig.layout.title.subtitle.text or "",
                           f"export_{chart_id}_subtitle")
    if lang == "zh" and not chart_export.cjk_font_available():
        st.warning(tr("ui.export.no_cjk_font"))
    options = dict(title=title, subtitle=subtitle, size=size, lang=lang, share_link=share_link,
                   sources=data.read("sources"), data_age=data_age_line(data.read("build_info"), lang))
    columns = st.columns(3)
    for index, (fmt, scale, mime) in enumerate(DOWNLOADS):
        label = tr("ui.export.png_scaled", scale=scale) if fmt == "png" else tr(f"ui.export.{fmt}")
        suffix = f"@{scale}x" if fmt == "png" else ""
        columns[index % 3].download_button(
            label, data=renderer(fig, fmt, scale, options),
            file_name=chart_export.export_file_name(chart_id + suffix, ext=fmt),
            mime=mime, on_click="ignore", key=f"export_{chart_id}_{fmt}{scale}",
        )
    st.caption(tr("ui.export.share_link"))
    st.code(share_link, language=None)


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

