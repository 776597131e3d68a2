"""Publication export: PNG/SVG/PDF through one warm Kaleido server, standalone HTML, CSV of the plotted
series, and `prepare_for_export` which draws title, subtitle and the source footer into the figure.

Kaleido notes (research/toolchain.md §2): a one-shot export starts a Chromium per call (~2 s), so one
sync server is started lazily and kept warm; it matches answers to callers by queue order only, so a
lock serialises callers (Streamlit runs sessions in threads). MathJax is off (its default is a CDN URL,
unreachable offline) and the template is set on every export because `import streamlit` changes
plotly's default template.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import math
import shutil
import subprocess
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts import kaleido_warm
from charts.common import layout_header
from charts.text import display_width as _display_width
from charts.text import wrap_line
from charts.theme import TEMPLATE_DARK, TEMPLATE_LIGHT, use_theme
from i18n import t

SIZES: dict[str, tuple[int, int]] = {
    "article": (800, 500),
    "wide": (1200, 675),
    "social-square": (1080, 1080),
    "social-portrait": (1080, 1350),
    "link-card": (1200, 630),
}
SIZE_ALIASES = {"square": "social-square"}  # the name earlier releases used
# Print: a width in millimetres rendered at 300 dpi (the PNG is exactly that many dots wide), laid out at
# CSS pixels (96 per inch) but never narrower than PRINT_MIN_LAYOUT_PX, so a narrow column keeps room for
# the plot under its header and footer; the aspect is the article's 8:5. `print` alone is a 180 mm column,
# `print:120` any width from 40 to 400 mm.
PRINT_DEFAULT_MM = 180
PRINT_MIN_LAYOUT_PX = 680
PRINT_DPI = 300
CSS_DPI = 96
MM_PER_INCH = 25.4
PRINT_FONT_SCALE = 1.25  # larger type for paper
GREYSCALE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross")
IMAGE_FORMATS = ("png", "svg", "pdf")
CSV_COLUMNS = ["trace", "x", "y", "unit", "source"]
EPOCH_LICENCE = "CC BY 4.0"
FOOTER_FONT_SIZE = 11
FOOTER_LINE_PX = 15
MAX_SOURCE_LINES = 3
FOOTER_CHAR_WIDTH = 0.6  # average glyph width as a share of the font size, rounded up so lines never overflow
FOOTER_PAD_PX = 12  # from the figure's left and right edges, as the title
CATEGORY_AXIS_PAD_PX = 24  # tick mark and gap beside a category label
AXIS_SPACE_PX = 52  # between the plot area and the footer: x tick labels and the axis title

# --- sizes ------------------------------------------------------------------------------------------


def size_names() -> tuple[str, ...]:
    """The size presets a user can name: the fixed ones, then `print` (`print:MM` for another width)."""
    return (*SIZES, "print")


def print_width_mm(size: object) -> float | None:
    """The paper width of a `print` / `print:MM` size in millimetres; None for any other size."""
    if not isinstance(size, str) or not (size == "print" or size.startswith("print:")):
        return None
    if size == "print":
        return float(PRINT_DEFAULT_MM)
    try:
        width = float(size.split(":", 1)[1])
    except ValueError:
        raise ValueError(f"size {size!r}: expected print:MM with MM a number of millimetres") from None
    if not 40 <= width <= 400:
        raise ValueError(f"size {size!r}: print width must be 40..400 mm")
    return width


def print_dots(size: str) -> int:
    """The width in dots of a `print` size at 300 dpi."""
    return round(print_width_mm(size) / MM_PER_INCH * PRINT_DPI)


def print_scale(size: str = "print") -> float:
    """The PNG scale that renders a `print` size's layout at 300 dpi on its paper width."""
    return print_dots(size) / resolve_size(size)[0]


def resolve_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """A preset name (see `size_names`, "square" still accepted), `print:MM`, or (width, height) in pixels."""
    if isinstance(size, str):
        millimetres = print_width_mm(size)
        if millimetres is not None:
            width = max(round(millimetres / MM_PER_INCH * CSS_DPI), PRINT_MIN_LAYOUT_PX)
            return width, round(width * 5 / 8)
        name = SIZE_ALIASES.get(size, size)
        if name not in SIZES:
            raise ValueError(f"unknown size {size!r}; expected one of {', '.join(size_names())}, print:MM "
                             "or (width, height)")
        return SIZES[name]
    width, height = (int(v) for v in size)
    if not (100 <= width <= 5000 and 100 <= height <= 5000):
        raise ValueError(f"size {width}x{height} px is outside 100..5000 px")
    return width, height


# --- static images through Kaleido ------------------------------------------------------------------


def _ensure_kaleido_server() -> None:
    """Start the shared Kaleido sync server unless it runs (`charts.kaleido_warm`: the CLI may have started it
    already); callers hold `kaleido_warm.render_lock`."""
    pio.defaults.headers = None  # else every call warns that kopts are ignored by a server
    kaleido_warm.start()


def stop_kaleido_server() -> None:
    """Stop the warm Chromium (also done at exit by kaleido itself)."""
    with kaleido_warm.render_lock:
        kaleido_warm.stop()


THEMES = ("light", "dark")
# Solid paper for each theme: an export is never transparent (a dark chart pasted on a white page, or a
# light one on a dark slide, would lose its text).
PAPER = {"light": "#FFFFFF", "dark": "#0E1117"}
FOOTER_INK = {"light": "#555555", "dark": "#B0B0B0"}


def export_theme(fig: go.Figure) -> str:
    """The theme `prepare_for_export` drew the figure in ("light" unless it said "dark")."""
    return "dark" if _figure_meta(fig).get("export_theme") == "dark" else "light"


def for_export(fig: go.Figure, template: str | None = None) -> go.Figure:
    """A copy of `fig` with the export template named explicitly (by default the theme it was prepared in)."""
    if template is None:
        template = TEMPLATE_DARK if export_theme(fig) == "dark" else TEMPLATE_LIGHT
    return go.Figure(fig).update_layout(template=template)


def to_image(
    fig: go.Figure,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1,
    *,
    template: str | None = None,
) -> bytes:
    """PNG, SVG or PDF bytes of `fig`; width/height default to the figure's layout, then `article`."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {', '.join(IMAGE_FORMATS)}")
    if not (0 < scale <= 10):
        raise ValueError(f"scale {scale!r} is outside 0..10")
    default_w, default_h = SIZES["article"]
    width = int(width or fig.layout.width or default_w)
    height = int(height or fig.layout.height or default_h)
    figure = for_export(fig, template)
    kaleido_warm.want_image()
    with kaleido_warm.render_lock:
        _ensure_kaleido_server()
        kaleido_warm.ensure_draws(figure)
        try:
            return kaleido_warm.watched(lambda: figure.to_image(format=fmt, width=width, height=height, scale=scale))
        except kaleido_warm.BrowserFailed:
            kaleido_warm.stop()  # the next image starts a new browser
            raise


# --- HTML -------------------------------------------------------------------------------------------


def _plain(value):
    """Plotly's base64 typed arrays (also nested in dicts and lists) back to JSON lists."""
    if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",") if n.strip()])
        return array.tolist()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def to_html(fig: go.Figure, *, template: str | None = None) -> str:
    """A standalone interactive page: plotly.js embedded, no CDN, no MathJax, works offline.

    The data is written as plain JSON numbers (not plotly's base64 blocks) so the page shows them."""
    figure = _plain(for_export(fig, template).to_plotly_json())
    return pio.to_html(
        figure,
        validate=False,
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
    )


def to_json(fig: go.Figure, *, template: str | None = None) -> str:
    """The figure as Plotly JSON (data as plain numbers, NaN as null): what the screen draws, for scripts."""
    return pio.to_json(_plain(for_export(fig, template).to_plotly_json()), validate=False, pretty=False)


# --- CSV --------------------------------------------------------------------------------------------

_FORMULA_PREFIXES = ("=", "+", "-", "@")


def _looks_like_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _escape_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES) and not _looks_like_number(value):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise spreadsheet formulas (cells starting = + - @ that are not numbers)."""
    try:  # the sandbox module owns the project-wide rule when it exists
        from etl.guards import escape_csv_frame
    except ImportError:
        escape_csv_frame = None
    if escape_csv_frame is not None:
        return escape_csv_frame(frame)
    return frame.apply(lambda column: column.map(_escape_cell)) if len(frame) else frame


def _figure_meta(fig: go.Figure) -> dict:
    meta = fig.layout.meta
    return dict(meta) if isinstance(meta, Mapping) else {}


def _trace_meta(trace) -> dict:
    meta = getattr(trace, "meta", None)
    return dict(meta) if isinstance(meta, Mapping) else {}


def _as_list(values) -> list:
    if values is None:
        return []
    return list(values.tolist() if hasattr(values, "tolist") else values)


def _cell(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return value


def trace_points(trace) -> list[tuple[object, object]]:
    """The (x, y) pairs a trace plots; a one-sided trace is paired with its point index."""
    xs, ys = _as_list(getattr(trace, "x", None)), _as_list(getattr(trace, "y", None))
    if not xs and not ys:
        return []
    if not xs:
        xs = list(range(len(ys)))
    if not ys:
        ys = list(range(len(xs)))
    return list(zip(xs, ys, strict=False))


def _trace_unit(trace, units: Mapping) -> str:
    own = _trace_meta(trace).get("unit")
    if own:
        return str(own)
    if getattr(trace, "orientation", None) == "h":  # value on x (tornado, horizontal bars)
        return str(units.get("x", ""))
    return str(units.get("y", ""))


def plotted_frame(fig: go.Figure) -> pd.DataFrame:
    """One row per plotted point: trace name, x, y, unit, source ids (hidden and legend-only traces left out)."""
    meta = _figure_meta(fig)
    units = meta.get("units") or {}
    figure_sources = "; ".join(meta.get("sources") or [])
    rows = []
    for index, trace in enumerate(fig.data):
        if trace.visible is False or _trace_meta(trace).get("legend_only"):
            continue
        name = trace.name or f"trace {index}"
        unit = _trace_unit(trace, units)
        sources = "; ".join(_trace_meta(trace).get("sources") or []) or figure_sources
        rows += [(name, _cell(x), _cell(y), unit, sources) for x, y in trace_points(trace)]
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def to_csv(fig: go.Figure) -> str:
    """CSV of exactly the plotted series, with units and source columns, formulas escaped."""
    buffer = io.StringIO()
    escape_formulas(plotted_frame(fig)).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


# --- the footer -------------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def source_credit(source_id: str, lookup: pd.DataFrame | None) -> str:
    """"Organisation, Title (licence)" for one source id; the bare id when the lookup lacks it."""
    if lookup is None or "source_id" not in lookup or not (lookup["source_id"] == source_id).any():
        return source_id
    row = lookup.loc[lookup["source_id"] == source_id].iloc[0]
    organisation, title, licence = (_text(row.get(col)) for col in ("organisation", "title", "licence"))
    if not licence and organisation.startswith("Epoch AI"):
        licence = EPOCH_LICENCE
    credit = ", ".join(part for part in (organisation, title) if part) or source_id
    return f"{credit} ({licence})" if licence else credit


def figure_sources(fig: go.Figure) -> list[str]:
    """The source ids of the plotted data, in order, without repeats."""
    ids = list(_figure_meta(fig).get("sources") or [])
    for trace in fig.data:
        ids += list(_trace_meta(trace).get("sources") or [])
    return list(dict.fromkeys(str(i) for i in ids if i))


def left_margin_px(fig: go.Figure) -> int:
    """The plot's left margin, fixed before drawing so the footer can start at the figure's left edge:
    the template's, or wider for long category labels on the y axis (tornado, market share)."""
    margin = fig.layout.margin.l
    if margin is None and fig.layout.template is not None:
        margin = fig.layout.template.layout.margin.l
    labels = [str(v) for trace in fig.data for v in _as_list(getattr(trace, "y", None)) if isinstance(v, str)]
    widest = max((_display_width(label) for label in labels), default=0)
    return max(int(margin if margin is not None else 80), int(widest * 13 * 0.56) + CATEGORY_AXIS_PAD_PX)


def source_organisation(source_id: str, lookup: pd.DataFrame | None) -> str:
    """The organisation behind a source id (the id itself when the lookup lacks it)."""
    if lookup is None or "source_id" not in lookup or not (lookup["source_id"] == source_id).any():
        return source_id
    return _text(lookup.loc[lookup["source_id"] == source_id].iloc[0].get("organisation")) or source_id


def _source_lines(credits: list[str], lang: str, max_units: int, organisations: list[str] | None = None) -> list[str]:
    """The source line wrapped to at most MAX_SOURCE_LINES lines: the first credits in full (the figure's
    own sources come first), the others by organisation ("also: NVIDIA, OpenAI"), so a static export
    names every source; only when even that does not fit, how many more there are."""
    if not credits:
        return wrap_line(t("charts.export.source_line", lang, sources=t("charts.export.no_source", lang)), max_units)
    organisations = organisations if organisations is not None and len(organisations) == len(credits) else credits
    for shown in range(len(credits), 0, -1):
        named = [name for name in dict.fromkeys(organisations[shown:]) if name]
        also = f"; {t('publish.also_sources', lang, names=', '.join(named))}" if named else ""
        lines = wrap_line(t("charts.export.source_line", lang, sources="; ".join(credits[:shown]) + also), max_units)
        if len(lines) <= MAX_SOURCE_LINES:
            return lines
    for shown in range(len(credits), 0, -1):
        rest = len(credits) - shown
        text = "; ".join(credits[:shown]) + (f"; {t('publish.more_sources', lang, n=rest)}" if rest else "")
        lines = wrap_line(t("charts.export.source_line", lang, sources=text), max_units)
        if len(lines) <= MAX_SOURCE_LINES:
            return lines
    return lines


def footer_lines(
    fig: go.Figure,
    *,
    lang: str,
    width_px: int,
    sources: pd.DataFrame | None,
    share_link: str | None,
    today: dt.date,
    data_age: str | None = None,
) -> list[str]:
    """The footer text: sources with licences, then the share link, the date and the data's age
    (`charts.common.data_age_line`: "Data as of YYYY-MM-DD, version V")."""
    max_units = max(30, int(width_px / (FOOTER_FONT_SIZE * FOOTER_CHAR_WIDTH)))
    ids = figure_sources(fig)
    lines = _source_lines([source_credit(sid, sources) for sid in ids], lang, max_units,
                          [source_organisation(sid, sources) for sid in ids])
    tail = [t("charts.export.made_with", lang), t("charts.export.date_line", lang, date=today.isoformat())]
    if share_link:
        tail.insert(1, t("charts.export.share_line", lang, link=share_link))
    if data_age:
        tail.append(data_age)
    return lines + wrap_line(" · ".join(tail), max_units)


def prepare_for_export(
    fig: go.Figure,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    size: str | tuple[int, int] = "article",
    lang: str = "en",
    share_link: str | None = None,
    today: dt.date | None = None,
    sources: pd.DataFrame | None = None,
    data_age: str | None = None,
    theme: str = "light",
) -> go.Figure:
    """A copy of `fig` sized for an article, with title, subtitle and the source footer drawn in.

    `sources` is the lookup of sources.csv rows (source_id, title, organisation, licence) that turns
    the figure's source ids into credits; `data_age` the line `charts.common.data_age_line` makes.
    `theme` "dark" draws it on the dark template's solid paper; a `print` size adds larger type and
    greyscale-safe line styles. The figure itself is left unchanged.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
    width, height = resolve_size(size)
    out = use_theme(fig, dark=theme == "dark")
    out.update_layout(meta={**_figure_meta(out), "export_theme": theme}, paper_bgcolor=PAPER[theme],
                      plot_bgcolor=PAPER[theme])
    printed = print_width_mm(size) is not None
    if printed:
        _print_style(out)
    title_text = title if title is not None else _text(out.layout.title.text)
    subtitle_text = subtitle if subtitle is not None else _text(out.layout.title.subtitle.text)
    out.update_layout(title=dict(text=title_text, subtitle=dict(text=subtitle_text)))
    layout_header(out, width)  # title and subtitle wrapped to the export width, legend under them
    left = left_margin_px(out)
    lines = footer_lines(out, lang=lang, width_px=width - 2 * FOOTER_PAD_PX, sources=sources,
                         share_link=share_link, today=today or dt.date.today(), data_age=data_age)
    footer_px = len(lines) * FOOTER_LINE_PX + 10
    out.update_layout(width=width, height=height, margin=dict(l=left, b=AXIS_SPACE_PX + footer_px))
    out.add_annotation(  # annotations cannot be placed in container units: shifted from the plot's left edge
        text="<br>".join(lines), name="export-footer", showarrow=False, align="left",
        xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-AXIS_SPACE_PX,
        xshift=FOOTER_PAD_PX - left, font=dict(size=FOOTER_FONT_SIZE, color=FOOTER_INK[theme]),
    )
    return out


def for_static_image(fig: go.Figure, lang: str) -> go.Figure:
    """A PNG, SVG or PDF cannot be hovered: a copy whose event ticks are numbered and claim lines lettered,
    with a key under the plot naming each (`charts.static_marks`), and whose claims and events legend
    entries say so (the screen, HTML and JSON keep the hover wording)."""
    from charts.static_marks import label_marks

    static_names = {t("charts.polish_legend.claims", lang): t("static_marks.claims_legend", lang),
                    t("charts.polish_legend.events", lang): t("static_marks.events_legend", lang)}
    labelled = label_marks(fig, lang, export_theme(fig))
    if not any(trace.name in static_names for trace in labelled.data):
        return labelled
    out = go.Figure(labelled) if labelled is fig else labelled
    for trace in out.data:
        if trace.name in static_names:
            trace.name = static_names[trace.name]
    return layout_header(out, int(out.layout.width or SIZES["article"][0]))  # the legend's rows may change


def _print_style(fig: go.Figure) -> None:
    """Paper styling: the plot's type (axes, ticks, labels) a quarter larger, and the series told apart by
    line pattern and marker shape as well as colour, so a greyscale print still separates them. Solid stays
    solid for the first colour (data) and dashed stays a dash pattern (projections); each further colour
    gets its own pattern. The header keeps its sizes: it is laid out for them."""
    template = fig.layout.template.layout
    fig.update_layout(font=dict(size=round((template.font.size or 13) * PRINT_FONT_SCALE)))
    patterns = {False: ("solid", "longdash", "dashdot", "longdashdot"), True: ("dash", "dot", "dashdot", "longdashdot")}
    colours: dict[bool, list[str]] = {False: [], True: []}
    marker_colours: list[str] = []
    for trace in fig.data:
        if trace.type != "scatter" or trace.visible is False or not trace.name or trace.hoverinfo == "skip":
            continue
        mode = trace.mode or "lines"
        if "lines" in mode:
            dashed = trace.line.dash not in (None, "solid")
            colour = str(trace.line.color)
            if colour not in colours[dashed]:
                colours[dashed].append(colour)
            trace.line.dash = patterns[dashed][colours[dashed].index(colour) % len(patterns[dashed])]
        if "markers" in mode and isinstance(trace.marker.color, (str, type(None))):
            colour = str(trace.marker.color)
            if colour not in marker_colours:
                marker_colours.append(colour)
            trace.marker.symbol = GREYSCALE_SYMBOLS[marker_colours.index(colour) % len(GREYSCALE_SYMBOLS)]


# --- Streamlit camera button and fonts --------------------------------------------------------------


def plotly_config(file_name: str, size: str | tuple[int, int] = "article", scale: float = 2,
                  fmt: str = "png") -> dict:
    """`config=` for st.plotly_chart: the camera button saves at the export size and file name."""
    width, height = resolve_size(size)
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "toImageButtonOptions": {"format": fmt, "filename": file_name, "width": width, "height": height,
                                 "scale": scale},
    }


@functools.cache
def cjk_font_available() -> bool:
    """True when fontconfig knows a font with Chinese glyphs (else Chinese exports would show boxes)."""
    if shutil.which("fc-list") is None:
        return False
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(result.stdout.strip())


def export_file_name(chart_id: str, today: dt.date | None = None, ext: str | None = None) -> str:
    """compute-ceiling_<chart>_<date>[.ext]: stable, sortable names for downloads."""
    stem = f"compute-ceiling_{chart_id}_{(today or dt.date.today()).isoformat()}"
    return f"{stem}.{ext}" if ext else stem


def iter_formats() -> Iterable[str]:
    return (*IMAGE_FORMATS, "html", "csv")
