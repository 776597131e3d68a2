"""Pieces every figure builder shares: lines with bands, direct labels, event marks, hover text, meta."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.text import display_width, wrap_line
from charts.theme import (
    BAND_OPACITY,
    CONTEXT_GREY,
    PROJECTION_DASH,
    band_fill,
    format_sci,
    new_figure,
)
from i18n import t


@dataclass(frozen=True)
class Line:
    """One series to draw: a fitted trend, a claim, a projection, with an optional band.

    Builders take Lines so that they do not depend on the engine's result classes; adapters in
    charts/forecast.py turn engine results into Lines.
    """

    label: str
    x: Sequence[float]
    y: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    colour: str = CONTEXT_GREY
    dashed: bool = False  # projections and claims are dashed, history solid
    width: float = 2.0
    sources: tuple[str, ...] = ()
    unit: str = ""
    band_label: str = ""  # e.g. "90% interval"; the CSV names the band traces with it
    note: str = ""  # extra hover line (growth, doubling time)
    direct_label: bool = True  # False: a line continuing a labelled one (history before its projection)


def finish(fig: go.Figure, *, chart_id: str, sources: Iterable[str], units: dict, title: str,
           subtitle: str) -> go.Figure:
    """Title that states the finding, subtitle with measure and unit, and the meta the export reads."""
    ids = list(dict.fromkeys(s for s in sources if s and isinstance(s, str)))
    _place_labels_on_log_axes(fig)
    spread_direct_labels(fig)
    _whole_year_ticks(fig)
    # one layout update for the header and the meta (each update walks Plotly's layout: ~1.5 ms)
    return layout_header(fig, title=title, subtitle=subtitle,
                         meta={"chart_id": chart_id, "sources": ids, "units": units})


def sources_of(frame: pd.DataFrame | None, column: str = "source_id") -> list[str]:
    if frame is None or column not in frame:
        return []
    return [str(s) for s in frame[column].dropna().unique() if str(s)]


def _finite(values: Sequence[float] | None) -> np.ndarray:
    if values is None:
        return None
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.astype(float, copy=True)
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _array(values: Sequence) -> np.ndarray:
    """A trace's coordinates as one NumPy array: Plotly validates (and copies) an array at once, a list
    value by value, which was most of the time a figure of a few hundred points took to build."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        return values.astype(float)
    return np.array(values, dtype=float if all(isinstance(v, numbers.Real) for v in values) else object)


def add_band(fig: go.Figure, line: Line, **axes) -> None:
    """The interval as two traces (upper, then lower filled to it), named so the CSV can tell them apart."""
    if line.low is None or line.high is None:
        return
    label = line.band_label or "interval"
    common = dict(x=_array(line.x), mode="lines", line=dict(width=0, color=line.colour), showlegend=False,
                  hoverinfo="skip", meta={"sources": list(line.sources), "unit": line.unit}, **axes)
    fig.add_trace(go.Scatter(y=_finite(line.high), name=f"{line.label} ({label}, upper)", **common))
    fig.add_trace(go.Scatter(y=_finite(line.low), name=f"{line.label} ({label}, lower)", fill="tonexty",
                             fillcolor=band_fill(line.colour, BAND_OPACITY), **common))


def add_line(fig: go.Figure, line: Line, *, lang: str, label_end: bool = True, **axes) -> None:
    """The band (if any), the line, and a direct label at its last point instead of a legend entry."""
    add_band(fig, line, **axes)
    y = _finite(line.y)
    values = np.array([format_sci(v) for v in y.tolist()], dtype=object)
    extra = f"<br>{line.note}" if line.note else ""
    fig.add_trace(go.Scatter(
        x=_array(line.x), y=y, name=line.label, mode="lines",
        line=dict(color=line.colour, width=line.width, dash=PROJECTION_DASH if line.dashed else "solid"),
        customdata=values, meta={"sources": list(line.sources), "unit": line.unit},
        hovertemplate=(f"<b>{line.label}</b><br>%{{x:.1f}}: %{{customdata}} {line.unit}{extra}"
                       f"<br>{t('charts.hover.source', lang)}: {', '.join(line.sources) or '–'}<extra></extra>"),
        showlegend=not label_end, **axes,
    ))
    if label_end and line.direct_label:
        direct_label(fig, line, **axes)


def vertical_line(fig: go.Figure, x: float, line: dict) -> None:
    """A line across the plot at `x`: the shape `fig.add_vline` makes on a one-plot figure, added directly
    (Plotly's helper looks for subplots and copies the layout, ~4 ms a call)."""
    fig.add_shape(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", line=line)


def vertical_band(fig: go.Figure, x0: float, x1: float, **style) -> None:
    """A band across the plot from `x0` to `x1`: the shape `fig.add_vrect` makes on a one-plot figure."""
    fig.add_shape(type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain", **style)


def clip_line(line: Line, x_range: tuple[float, float], y_range: tuple[float, float] | None = None) -> Line | None:
    """The part of `line` inside `x_range` and, on a log axis, inside `y_range`: its own points there, plus
    the points where it leaves the window (interpolated in log space, as drawn). None when less than a
    quarter of a year is left."""
    x, y = np.asarray(line.x, dtype=float), _finite(line.y)
    keep = np.isfinite(x) & np.isfinite(y) & (y > 0)
    if keep.sum() < 2:
        return None
    x, log_y = x[keep], np.log10(y[keep])
    low, high = max(x.min(), x_range[0]), min(x.max(), x_range[1])
    if y_range is not None and high > low:
        dense = np.linspace(low, high, 2001)
        level = np.interp(dense, x, log_y)
        inside = dense[(level >= math.log10(y_range[0]) - 1e-9) & (level <= math.log10(y_range[1]) + 1e-9)]
        low, high = (float(inside[0]), float(inside[-1])) if inside.size else (0.0, -1.0)
    if high - low < 0.25:
        return None
    if low <= x.min() and high >= x.max():
        return line  # nothing to cut: the line as given
    grid = np.unique(np.concatenate([[low], x[(x > low) & (x < high)], [high]]))

    def along(values):
        if values is None:
            return None
        v = _finite(values)[keep]
        return 10 ** np.interp(grid, x, np.log10(np.where(v > 0, v, np.nan)))

    return replace(line, x=grid, y=along(line.y), low=along(line.low), high=along(line.high))


def direct_label(fig: go.Figure, line: Line, **axes) -> None:
    """The series name written just right of its last finite point."""
    ys = _finite(line.y)
    finite = [i for i, v in enumerate(ys) if v is not None and math.isfinite(v)]
    if not finite:
        return
    last = finite[-1]
    xref = axes.get("xaxis", "x")
    yref = axes.get("yaxis", "y")
    fig.add_annotation(x=list(line.x)[last], y=ys[last], xref=xref, yref=yref,  # data units; see finish()
                       text=line.label, showarrow=False, xanchor="left", xshift=6,
                       font=dict(color=line.colour, size=12), name="direct-label")


LABEL_SPACING_PX = 16  # one 12 px label line and a little air
ASSUMED_PLOT_HEIGHT_PX = 240  # plot area of a 450 px screen chart or an 800×500 export, on the small side
ASSUMED_PLOT_WIDTH_PX = 540
LABEL_AIR_PX = 20  # the label's offset from its line's end and a gap before the next line's end


def _axis_span(fig: go.Figure) -> float:
    """The y axis's extent in its own units (log10 on a log axis), from its range or the traces' values."""
    log = fig.layout.yaxis.type == "log"
    if fig.layout.yaxis.range is not None:
        low, high = fig.layout.yaxis.range
        return float(high - low)
    values = [float(v) for trace in fig.data if getattr(trace, "yaxis", None) in (None, "y")
              for v in (getattr(trace, "y", None) if getattr(trace, "y", None) is not None else [])
              if isinstance(v, numbers.Real) and math.isfinite(v) and (v > 0 or not log)]
    if not values:
        return 1.0
    values = [math.log10(v) for v in values] if log else values
    return max(max(values) - min(values), 1e-9)


def _x_span(fig: go.Figure) -> float:
    xs = [float(v) for trace in fig.data for v in (trace.x if getattr(trace, "x", None) is not None else [])
          if isinstance(v, numbers.Real) and math.isfinite(v)]
    return max(max(xs) - min(xs), 1e-9) if xs else 1.0


def spread_direct_labels(fig: go.Figure) -> None:
    """Direct labels that would overlap (closer than a label's height, and their text spans meeting
    horizontally) are pushed apart vertically by yshift in pixels, lowest first, so two lines ending
    close together stay readable."""
    labels = [note for note in fig.layout.annotations if note.name == "direct-label"
              and isinstance(note.y, numbers.Real) and isinstance(note.x, numbers.Real)]
    if len(labels) < 2:
        return
    px_y = ASSUMED_PLOT_HEIGHT_PX / _axis_span(fig)
    px_x = ASSUMED_PLOT_WIDTH_PX / _x_span(fig)
    placed: list[tuple[float, float, float]] = []  # (left px, right px, vertical px) of labels placed
    for note in sorted(labels, key=lambda n: n.y):
        left = note.x * px_x
        right = left + _char_units(str(note.text)) * 12 * CHAR_WIDTH + LABEL_AIR_PX
        level = note.y * px_y + (note.yshift or 0)
        for other_left, other_right, other_level in sorted(placed, key=lambda p: p[2]):
            if left < other_right and other_left < right and level - other_level < LABEL_SPACING_PX:
                level = other_level + LABEL_SPACING_PX
        if level != note.y * px_y + (note.yshift or 0):
            note.yshift = level - note.y * px_y
        placed.append((left, right, level))


def _whole_year_ticks(fig: go.Figure) -> None:
    """A year axis over a few years gets a tick per year (else "2023, 2023" from half-year ticks)."""
    if fig.layout.xaxis.tickformat != "d" or fig.layout.xaxis.dtick is not None:
        return
    xs = [float(v) for trace in fig.data for v in (trace.x if getattr(trace, "x", None) is not None else [])
          if isinstance(v, numbers.Real) and math.isfinite(v)]
    if xs:
        span = max(xs) - min(xs)
        fig.update_xaxes(dtick=next((step for step, most in ((1, 10), (2, 20), (5, 50)) if span <= most), None))


def _place_labels_on_log_axes(fig: go.Figure) -> None:
    """Plotly places annotations on a log axis in log10 units; direct labels are added in data units
    before the builder knows the axis type, so they are converted once, when the figure is finished."""
    for note in fig.layout.annotations:
        if note.name != "direct-label" or not isinstance(note.y, (int, float)) or note.y <= 0:
            continue
        axis_name = "yaxis" if note.yref in (None, "y") else "yaxis" + note.yref[1:]
        if fig.layout[axis_name].type == "log":
            note.y = math.log10(note.y)


def decimal_year(values: pd.Series) -> pd.Series:
    """Dates (or years) as decimal years, the time unit of every chart."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    dates = pd.to_datetime(values, errors="coerce")
    start = pd.to_datetime(dates.dt.year.astype("Int64").astype(str) + "-01-01", errors="coerce")
    days = dates.dt.is_leap_year.map({True: 366.0, False: 365.0})
    return dates.dt.year + (dates - start).dt.days / days


EVENT_AXIS = "y9"  # a hidden 0..1 axis over the plot, so event ticks sit on its floor whatever the y scale


def add_events(fig: go.Figure, events: pd.DataFrame | None, lang: str, x_range: tuple[float, float]) -> None:
    """Events as small ticks along the bottom of the plot, the label and date in the hover (rumours as open
    circles): many events in one year never pile their labels up."""
    add_event_marks(fig, event_marks(events, lang, x_range))


def event_marks(events: pd.DataFrame | None, lang: str, x_range: tuple[float, float]) -> dict | None:
    """The events trace `add_events` draws, as plain Scatter arguments (None when no event is in range): a
    caller drawing many figures over one table prepares it once and hands it to `add_event_marks`."""
    if events is None or events.empty:
        return None
    years = decimal_year(events["date"])
    shown = events[(years >= x_range[0]) & (years <= x_range[1])]
    if shown.empty:
        return None
    label_column = "label_zh" if lang == "zh" and "label_zh" in shown else "label"
    labels = shown[label_column].where(shown[label_column].notna() & shown[label_column].astype(str).ne(""),
                                       shown["label"]).astype(str)
    rumour = shown["kind"].eq("rumour") if "kind" in shown else pd.Series(False, index=shown.index)
    dates = pd.to_datetime(shown["date"], errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    return dict(
        x=years[shown.index].tolist(), y=[0.03] * len(shown), yaxis=EVENT_AXIS, mode="markers",
        name=t("charts.polish_legend.events", lang), cliponaxis=False,
        marker=dict(symbol=["circle-open" if r else "line-ns-open" for r in rumour], size=[7 if r else 12 for r in rumour],
                    color=CONTEXT_GREY, line=dict(width=2, color=CONTEXT_GREY)),
        customdata=np.column_stack([labels, dates]),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
        meta={"sources": sources_of(shown), "unit": ""},
    )


def add_event_marks(fig: go.Figure, marks: dict | None) -> None:
    """Draw an `event_marks` trace (nothing for None) on its hidden 0..1 axis."""
    if marks is None:
        return
    fig.add_trace(go.Scatter(**marks))
    fig.update_layout({"yaxis" + EVENT_AXIS[1:]: dict(overlaying="y", range=[0, 1], visible=False,
                                                     fixedrange=True)})


def confidence_label(value: object, lang: str) -> str:
    text = str(value) if value is not None and value == value else ""
    return t(f"charts.confidence.{text}", lang) if text in ("confirmed", "estimate", "speculative") else "–"


def empty_figure(lang: str, chart_id: str, message_key: str = "charts.common.no_data") -> go.Figure:
    """A figure that says there is nothing to draw, instead of an empty frame."""
    fig = new_figure()
    fig.add_annotation(text=t(message_key, lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, chart_id=chart_id, sources=[], units={}, title=t(message_key, lang), subtitle="")


# --- the header: title, subtitle, legend, then the plot -------------------------------------------

LAYOUT_WIDTH_PX = 800  # the article export width; about the width of Streamlit's main column too
HEADER_PAD_PX = 12  # above the title and left of it
TITLE_LINE_PX = 25  # title font 19 px
SUBTITLE_LINE_PX = 18  # subtitle font 13 px
LEGEND_ROW_PX = 22
LEGEND_SYMBOL_PX = 44  # symbol, gap and item spacing of one horizontal legend entry
AXIS_LABEL_SLACK_PX = 20  # automargin may widen the left margin for long tick labels
GAP_PX = 8  # between subtitle and legend, and between the header and the plot
LEGEND_CHAR_WIDTH = 0.5  # measured about 0.46 for the house font
CHAR_WIDTH = 0.55  # average Latin glyph width as a share of the font size (CJK glyphs count twice)


def _char_units(text: str) -> int:
    return display_width(re.sub(r"<[^>]+>", "", text))


def wrap_text(text: str, width_px: int, font_px: float) -> list[str]:
    """`text` cut into lines that fit `width_px` at `font_px` (a <br> already in it is a space)."""
    flat = " ".join(text.replace("<br>", " ").split())
    return wrap_line(flat, max(20, int(width_px / (font_px * CHAR_WIDTH)))) if flat else []


def legend_entries(fig: go.Figure) -> list[str]:
    """Names the legend will show (Plotly shows a legend for two or more entries unless told)."""
    if fig.layout.showlegend is False:
        return []
    names = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name
             and trace.visible is not False]
    names = list(dict.fromkeys(names))
    return names if (len(names) >= 2 or fig.layout.showlegend) else []


def legend_rows(names: Sequence[str], width_px: int, font_px: float = 13) -> int:
    """Rows a horizontal legend of `names` takes in `width_px`, as Plotly lays it out: one row when all
    entries fit side by side, else a grid of columns as wide as the widest entry."""
    if not names:
        return 0
    widths = [LEGEND_SYMBOL_PX + _char_units(name) * font_px * LEGEND_CHAR_WIDTH for name in names]
    if sum(widths) <= width_px:
        return 1
    columns = max(1, int(width_px // max(widths)))
    return math.ceil(len(names) / columns)


def plot_width_px(fig: go.Figure, width_px: int) -> int:
    """Width of the plot area (where a paper-anchored legend wraps): the figure less its side margins."""
    template = fig.layout.template.layout.margin if fig.layout.template is not None else None
    left = fig.layout.margin.l if fig.layout.margin.l is not None else (template.l if template else None)
    right = fig.layout.margin.r if fig.layout.margin.r is not None else (template.r if template else None)
    return max(200, width_px - int(left if left is not None else 80) - int(right if right is not None else 110)
               - AXIS_LABEL_SLACK_PX)


def layout_header(fig: go.Figure, width_px: int = LAYOUT_WIDTH_PX, *, title: str | None = None,
                  subtitle: str | None = None, meta: dict | None = None) -> go.Figure:
    """Title, subtitle (both wrapped to the width), legend, then the plot, stacked without overlap.

    The legend hangs from the top of the plot area (paper y=1), so the top margin alone decides that it
    sits under the subtitle, whatever the figure's height; the margin is sized for `width_px`. `title` and
    `subtitle` replace the figure's own, and `meta` its meta, in the same layout update."""
    usable = width_px - 2 * HEADER_PAD_PX
    title = wrap_text(str((fig.layout.title.text if title is None else title) or ""), usable, 19)
    subtitle = wrap_text(str((fig.layout.title.subtitle.text if subtitle is None else subtitle) or ""), usable, 13)
    rows = legend_rows(legend_entries(fig), plot_width_px(fig, width_px))
    top = (HEADER_PAD_PX + len(title) * TITLE_LINE_PX + len(subtitle) * SUBTITLE_LINE_PX + GAP_PX
           + rows * LEGEND_ROW_PX + GAP_PX + _marks_above_plot(fig))
    fig.update_layout(
        title=dict(text="<br>".join(title), subtitle=dict(text="<br>".join(subtitle)), x=0, xref="container",
                   xanchor="left", y=1, yref="container", yanchor="top",
                   # Plotly anchors a multi-line title by its first line: the lines below push it down
                   pad=dict(t=HEADER_PAD_PX + (max(len(title), 1) - 1) * TITLE_LINE_PX, l=HEADER_PAD_PX)),
        # paper, not container, for x too: a container-anchored legend makes Plotly widen the left margin
        legend=dict(orientation="h", x=0, xref="paper", xanchor="left", y=1, yref="paper", yanchor="bottom",
                    font=dict(size=13)),
        margin=dict(t=int(top)),
        **({} if meta is None else {"meta": meta}),
    )
    return fig


def _marks_above_plot(fig: go.Figure) -> int:
    """Room for annotations written just above the plot (the ceiling mark), so they do not meet the legend."""
    above = [note for note in fig.layout.annotations if note.yref == "paper" and isinstance(note.y, (int, float))
             and note.y >= 1 and note.name != "export-footer"]
    return 18 if above else 0


def set_titles(fig: go.Figure, title: str | None = None, subtitle: str | None = None) -> go.Figure:
    """Change the title or subtitle of a finished figure and lay the header out again."""
    if title is not None:
        fig.update_layout(title=dict(text=title))
    if subtitle is not None:
        fig.update_layout(title=dict(subtitle=dict(text=subtitle)))
    return layout_header(fig)


def data_age_line(store_or_build_info, lang: str) -> str:
    """"Data as of 2026-11-29, version 2026.11.1" for a chart footer, from `Store.build_info()` (or a Store).

    The date is the newest source access date and the version the newest heading of data/CHANGELOG.md,
    both recorded by `python -m etl build`; a database built without them says so."""
    info = store_or_build_info
    if not isinstance(info, pd.DataFrame):
        getter = getattr(info, "build_info", None)
        info = getter() if callable(getter) else None
    if not isinstance(info, pd.DataFrame) or info.empty or not {"data_version", "data_as_of"} <= set(info.columns):
        return t("data_release.age_unknown", lang)
    version, as_of = info["data_version"].dropna(), pd.to_datetime(info["data_as_of"].dropna())
    if version.empty or as_of.empty:
        return t("data_release.age_unknown", lang)
    return t("data_release.age_line", lang, date=as_of.max().date().isoformat(), version=str(version.iloc[0]))
