"""Pieces every figure builder shares: lines with bands, direct labels, event marks, hover text, meta."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

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


def finish(fig: go.Figure, *, chart_id: str, sources: Iterable[str], units: dict, title: str,
           subtitle: str) -> go.Figure:
    """Title that states the finding, subtitle with measure and unit, and the meta the export reads."""
    ids = list(dict.fromkeys(s for s in sources if s and isinstance(s, str)))
    _place_labels_on_log_axes(fig)
    fig.update_layout(
        title=dict(text=title, subtitle=dict(text=subtitle)),
        meta={"chart_id": chart_id, "sources": ids, "units": units},
    )
    return fig


def sources_of(frame: pd.DataFrame | None, column: str = "source_id") -> list[str]:
    if frame is None or column not in frame:
        return []
    return [str(s) for s in frame[column].dropna().unique() if str(s)]


def _finite(values: Sequence[float] | None) -> np.ndarray:
    return np.asarray([np.nan if v is None else v for v in values], dtype=float) if values is not None else None


def add_band(fig: go.Figure, line: Line, **axes) -> None:
    """The interval as two traces (upper, then lower filled to it), named so the CSV can tell them apart."""
    if line.low is None or line.high is None:
        return
    label = line.band_label or "interval"
    common = dict(x=list(line.x), mode="lines", line=dict(width=0, color=line.colour), showlegend=False,
                  hoverinfo="skip", meta={"sources": list(line.sources), "unit": line.unit}, **axes)
    fig.add_trace(go.Scatter(y=list(_finite(line.high)), name=f"{line.label} ({label}, upper)", **common))
    fig.add_trace(go.Scatter(y=list(_finite(line.low)), name=f"{line.label} ({label}, lower)", fill="tonexty",
                             fillcolor=band_fill(line.colour, BAND_OPACITY), **common))


def add_line(fig: go.Figure, line: Line, *, lang: str, label_end: bool = True, **axes) -> None:
    """The band (if any), the line, and a direct label at its last point instead of a legend entry."""
    add_band(fig, line, **axes)
    values = [format_sci(v) for v in _finite(line.y)]
    extra = f"<br>{line.note}" if line.note else ""
    fig.add_trace(go.Scatter(
        x=list(line.x), y=list(_finite(line.y)), name=line.label, mode="lines",
        line=dict(color=line.colour, width=line.width, dash=PROJECTION_DASH if line.dashed else "solid"),
        customdata=values, meta={"sources": list(line.sources), "unit": line.unit},
        hovertemplate=(f"<b>{line.label}</b><br>%{{x:.1f}}: %{{customdata}} {line.unit}{extra}"
                       f"<br>{t('charts.hover.source', lang)}: {', '.join(line.sources) or '–'}<extra></extra>"),
        showlegend=not label_end, **axes,
    ))
    if label_end:
        direct_label(fig, line, **axes)


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


def add_events(fig: go.Figure, events: pd.DataFrame | None, lang: str, x_range: tuple[float, float]) -> None:
    """Events as thin vertical marks with a short label; rumours dotted. Labels in the reader's language."""
    if events is None or events.empty:
        return
    years = decimal_year(events["date"])
    label_column = "label_zh" if lang == "zh" and "label_zh" in events else "label"
    for position, (year, (_, row)) in enumerate(zip(years, events.iterrows(), strict=True)):
        if not (x_range[0] <= year <= x_range[1]):
            continue
        label = row.get(label_column) or row.get("label")
        fig.add_vline(x=year, line=dict(color=CONTEXT_GREY, width=1,
                                        dash="dot" if row.get("kind") == "rumour" else "solid"), opacity=0.6)
        fig.add_annotation(x=year, y=1 - 0.06 * (position % 3), xref="x", yref="paper", text=str(label),
                           showarrow=False, xanchor="left", xshift=3, font=dict(size=10, color=CONTEXT_GREY),
                           name="event")


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
