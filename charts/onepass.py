"""Figures written as plain dicts and handed to Plotly once.

Plotly validates every property on every `add_trace`, `add_annotation`, `add_shape` and `update_layout`
(copying the layout each time): a figure of ten traces and a few labels made that way took 10–50 ms, nearly
all of it validation. A `FigureDict` collects the traces, annotations, shapes and layout as the dicts Plotly
would have stored after validating them, and `figure()` builds the `go.Figure` in one step without validating
again (~1 ms). The returned figure validates later edits as usual.

The helpers mirror charts/common.py and charts/theme.py one for one (`line` = `add_line`, `band` =
`add_band`, `finish` = `finish`, ...) and compute the same values the same way, so a builder moved from the
incremental helpers to these draws the same figure: tests/charts/test_fast_figures.py compares the two
`to_plotly_json()` bit for bit. Values are written in the form Plotly's validators store (data arrays as
NumPy arrays or lists of plain Python values, compound properties as nested dicts); set
COMPUTE_CEILING_VALIDATE_FIGURES=1 to have Plotly validate them anyway (slower; for debugging a builder).
"""

from __future__ import annotations

import copy
import math
import numbers
import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import to_scalar_or_list

from charts.common import (
    ASSUMED_PLOT_HEIGHT_PX,
    ASSUMED_PLOT_WIDTH_PX,
    AXIS_LABEL_SLACK_PX,
    CHAR_WIDTH,
    EVENT_AXIS,
    GAP_PX,
    HEADER_PAD_PX,
    LABEL_AIR_PX,
    LABEL_SPACING_PX,
    LAYOUT_WIDTH_PX,
    LEGEND_ROW_PX,
    SUBTITLE_LINE_PX,
    TITLE_LINE_PX,
    Line,
    _array,
    _char_units,
    _finite,
    legend_rows,
    wrap_text,
)
from charts.theme import (
    BAND_OPACITY,
    PROJECTION_DASH,
    band_fill,
    decade_ticks,
    format_sci,
    positive_values,
    template_name,
)
from i18n import t

VALIDATE = os.environ.get("COMPUTE_CEILING_VALIDATE_FIGURES", "") not in ("", "0")

_templates: dict[str, tuple[object, dict]] = {}


def template_json(dark: bool = False) -> dict:
    """The house template as the dict a figure stores (computed once per registered template object)."""
    name = template_name(dark)
    registered = pio.templates[name]
    cached = _templates.get(name)
    if cached is None or cached[0] is not registered:
        cached = _templates[name] = (registered, registered.to_plotly_json())
    return cached[1]


def data_array(values):
    """A data array (x, y, customdata, tickvals) as Plotly's DataArrayValidator stores it: a NumPy array of
    numbers (or objects: strings become objects), or a list of plain Python values; a pandas Series becomes
    its NumPy array."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "uif":
            return np.ascontiguousarray(values)
        return values if values.dtype.kind in "OM" else values.astype(object)
    if isinstance(values, (list, tuple)):
        return to_scalar_or_list(values)
    raise TypeError(f"a data array must be a NumPy array, list or tuple, got {type(values).__name__}")


def merge(target: dict, update: dict) -> dict:
    """`update_layout`'s merge: nested dicts merged key by key, anything else replaced."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target


class FigureDict:
    """A figure being written: traces, annotations, shapes and layout as plain dicts."""

    def __init__(self, dark: bool = False):
        self.data: list[dict] = []
        self.annotations: list[dict] = []
        self.shapes: list[dict] = []
        self.layout: dict = {}  # the template (shared, never merged into) is added by `figure()`
        self.dark = dark

    # --- traces ----------------------------------------------------------------------------------------
    def trace(self, kind: str, **props) -> dict:
        """A trace of type `kind`; its data arrays (x, y, customdata) coerced as Plotly stores them."""
        for key in ("x", "y", "customdata"):
            if key in props:
                props[key] = data_array(props[key])
        props["type"] = kind
        self.data.append(props)
        return props

    def scatter(self, **props) -> dict:
        return self.trace("scatter", **props)

    def bar(self, **props) -> dict:
        return self.trace("bar", **props)

    def band(self, line: Line, **axes) -> None:
        """charts.common.add_band: the interval as two traces, upper then lower filled to it."""
        if line.low is None or line.high is None:
            return
        label = line.band_label or "interval"
        x = _array(line.x)
        for edge, values in (("upper", line.high), ("lower", line.low)):
            extra = {"fill": "tonexty", "fillcolor": band_fill(line.colour, BAND_OPACITY)} if edge == "lower" else {}
            self.scatter(x=x, mode="lines", line={"width": 0, "color": line.colour}, showlegend=False,
                         hoverinfo="skip", meta={"sources": list(line.sources), "unit": line.unit}, **axes,
                         y=_finite(values), name=f"{line.label} ({label}, {edge})", **extra)

    def line(self, line: Line, *, lang: str, label_end: bool = True, **axes) -> None:
        """charts.common.add_line: the band (if any), the line, and a direct label at its last point."""
        self.band(line, **axes)
        y = _finite(line.y)
        values = np.array([format_sci(v) for v in y.tolist()], dtype=object)
        extra = f"<br>{line.note}" if line.note else ""
        self.scatter(
            x=_array(line.x), y=y, name=line.label, mode="lines",
            line={"color": line.colour, "width": line.width, "dash": PROJECTION_DASH if line.dashed else "solid"},
            customdata=values, meta={"sources": list(line.sources), "unit": line.unit},
            hovertemplate=(f"<b>{line.label}</b><br>%{{x:.1f}}: %{{customdata}} {line.unit}{extra}"
                           f"<br>{t('charts.hover.source', lang)}: {', '.join(line.sources) or '–'}<extra></extra>"),
            showlegend=not label_end, **axes,
        )
        if label_end and line.direct_label:
            self.direct_label(line, y, **axes)

    def direct_label(self, line: Line, y: np.ndarray | None = None, **axes) -> None:
        """charts.common.direct_label: the series name just right of its last finite point."""
        ys = _finite(line.y) if y is None else y
        finite = np.flatnonzero(np.isfinite(ys))
        if not finite.size:
            return
        last = int(finite[-1])
        self.annotation(x=list(line.x)[last] if not isinstance(line.x, np.ndarray) else line.x[last], y=ys[last],
                        xref=axes.get("xaxis", "x"), yref=axes.get("yaxis", "y"), text=line.label, showarrow=False,
                        xanchor="left", xshift=6, font={"color": line.colour, "size": 12}, name="direct-label")

    def event_marks(self, marks: dict | None) -> None:
        """charts.common.add_event_marks: an `event_marks` trace (nothing for None) on its hidden 0..1 axis."""
        if marks is None:
            return
        marks = dict(marks)
        marks["marker"] = {key: to_scalar_or_list(value) for key, value in marks["marker"].items()}
        self.scatter(**marks)
        self.update_layout({"yaxis" + EVENT_AXIS[1:]: {"overlaying": "y", "range": [0, 1], "visible": False,
                                                        "fixedrange": True}})

    # --- layout ----------------------------------------------------------------------------------------
    def annotation(self, **props) -> dict:
        self.annotations.append(props)
        return props

    def vertical_line(self, x: float, line: dict) -> None:
        """charts.common.vertical_line."""
        self.shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                            "line": line})

    def vertical_band(self, x0: float, x1: float, **style) -> None:
        """charts.common.vertical_band."""
        self.shapes.append({"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                            **style})

    def update_layout(self, update: dict) -> None:
        merge(self.layout, update)

    def log_axis(self, title: str, values: Iterable[float], axis: str = "yaxis") -> None:
        """charts.theme.log_axis."""
        data = positive_values(values)
        low, high = (min(data), max(data)) if data else (1.0, 10.0)
        tickvals, ticktext = decade_ticks(low, high)
        self.update_layout({axis: {"type": "log", "title": {"text": title}, "tickvals": tickvals,
                                   "ticktext": ticktext}})

    def year_axis(self, title: str, axis: str = "xaxis") -> None:
        """charts.theme.year_axis."""
        self.update_layout({axis: {"title": {"text": title}, "tickformat": "d", "hoverformat": ".1f"}})

    def axis(self, name: str) -> dict:
        return self.layout.get(name) or {}

    # --- finishing -------------------------------------------------------------------------------------
    def finish(self, *, chart_id: str, sources: Iterable[str], units: dict, title: str, subtitle: str) -> None:
        """charts.common.finish: log-axis labels placed, direct labels spread, whole-year ticks, the header."""
        ids = list(dict.fromkeys(s for s in sources if s and isinstance(s, str)))
        self._place_labels_on_log_axes()
        self._spread_direct_labels()
        self._whole_year_ticks()
        self.layout_header(title=title, subtitle=subtitle, meta={"chart_id": chart_id, "sources": ids, "units": units})

    def _direct_labels(self) -> list[dict]:
        return [note for note in self.annotations if note.get("name") == "direct-label"]

    def _place_labels_on_log_axes(self) -> None:
        for note in self._direct_labels():
            y = note.get("y")
            if not isinstance(y, (int, float)) or y <= 0:
                continue
            yref = note.get("yref")
            axis_name = "yaxis" if yref in (None, "y") else "yaxis" + yref[1:]
            if self.axis(axis_name).get("type") == "log":
                note["y"] = math.log10(y)

    @staticmethod
    def _extent(key: str, traces: Iterable[dict], positive: bool = False) -> tuple[float, float] | None:
        """(min, max) of the finite values (positive ones only, if asked) of the traces' `key` arrays, or None:
        what common.py's spans take over every value, found by NumPy over the float arrays."""
        low = high = None
        for trace in traces:
            values = trace.get(key)
            if values is None:
                continue
            if isinstance(values, np.ndarray) and values.dtype.kind == "f":
                keep = np.isfinite(values) & (values > 0) if positive else np.isfinite(values)
                if not keep.any():
                    continue
                kept = values[keep]
                part = (float(kept.min()), float(kept.max()))
            else:
                kept = [float(v) for v in values if isinstance(v, numbers.Real) and math.isfinite(v)
                        and (v > 0 or not positive)]
                if not kept:
                    continue
                part = (min(kept), max(kept))
            low = part[0] if low is None else min(low, part[0])
            high = part[1] if high is None else max(high, part[1])
        return None if low is None else (low, high)

    def _axis_span(self) -> float:
        yaxis = self.axis("yaxis")
        log = yaxis.get("type") == "log"
        if yaxis.get("range") is not None:
            low, high = yaxis["range"]
            return float(high - low)
        extent = self._extent("y", (tr for tr in self.data if tr.get("yaxis") in (None, "y")), positive=log)
        if extent is None:
            return 1.0
        low, high = (math.log10(extent[0]), math.log10(extent[1])) if log else extent
        return max(high - low, 1e-9)

    def _x_span(self) -> float:
        extent = self._extent("x", self.data)
        return max(extent[1] - extent[0], 1e-9) if extent else 1.0

    def _spread_direct_labels(self) -> None:
        labels = [note for note in self._direct_labels()
                  if isinstance(note.get("y"), numbers.Real) and isinstance(note.get("x"), numbers.Real)]
        if len(labels) < 2:
            return
        px_y = ASSUMED_PLOT_HEIGHT_PX / self._axis_span()
        px_x = ASSUMED_PLOT_WIDTH_PX / self._x_span()
        placed: list[tuple[float, float, float]] = []
        for note in sorted(labels, key=lambda n: n["y"]):
            left = note["x"] * px_x
            right = left + _char_units(str(note["text"])) * 12 * CHAR_WIDTH + LABEL_AIR_PX
            level = note["y"] * px_y + (note.get("yshift") or 0)
            for other_left, other_right, other_level in sorted(placed, key=lambda p: p[2]):
                if left < other_right and other_left < right and level - other_level < LABEL_SPACING_PX:
                    level = other_level + LABEL_SPACING_PX
            if level != note["y"] * px_y + (note.get("yshift") or 0):
                note["yshift"] = level - note["y"] * px_y
            placed.append((left, right, level))

    def _whole_year_ticks(self) -> None:
        xaxis = self.axis("xaxis")
        if xaxis.get("tickformat") != "d" or xaxis.get("dtick") is not None:
            return
        extent = self._extent("x", self.data)
        if extent:
            span = extent[1] - extent[0]
            dtick = next((step for step, most in ((1, 10), (2, 20), (5, 50)) if span <= most), None)
            if dtick is not None:
                self.update_layout({"xaxis": {"dtick": dtick}})

    def _legend_entries(self) -> list[str]:
        if self.layout.get("showlegend") is False:
            return []
        names = [trace["name"] for trace in self.data if trace.get("showlegend") is not False and trace.get("name")
                 and trace.get("visible") is not False]
        names = list(dict.fromkeys(names))
        return names if (len(names) >= 2 or self.layout.get("showlegend")) else []

    def _plot_width_px(self, width_px: int) -> int:
        template = template_json(self.dark).get("layout", {}).get("margin", {})
        margin = self.layout.get("margin", {})
        left = margin.get("l", template.get("l"))
        right = margin.get("r", template.get("r"))
        return max(200, width_px - int(left if left is not None else 80) - int(right if right is not None else 110)
                   - AXIS_LABEL_SLACK_PX)

    def _marks_above_plot(self) -> int:
        above = [note for note in self.annotations if note.get("yref") == "paper"
                 and isinstance(note.get("y"), (int, float)) and note["y"] >= 1 and note.get("name") != "export-footer"]
        return 18 if above else 0

    def layout_header(self, width_px: int = LAYOUT_WIDTH_PX, *, title: str, subtitle: str,
                      meta: dict | None = None) -> None:
        """charts.common.layout_header: title, subtitle, legend, then the plot, stacked without overlap."""
        usable = width_px - 2 * HEADER_PAD_PX
        title_lines = wrap_text(str(title or ""), usable, 19)
        subtitle_lines = wrap_text(str(subtitle or ""), usable, 13)
        rows = legend_rows(self._legend_entries(), self._plot_width_px(width_px))
        top = (HEADER_PAD_PX + len(title_lines) * TITLE_LINE_PX + len(subtitle_lines) * SUBTITLE_LINE_PX + GAP_PX
               + rows * LEGEND_ROW_PX + GAP_PX + self._marks_above_plot())
        self.update_layout({
            "title": {"text": "<br>".join(title_lines), "subtitle": {"text": "<br>".join(subtitle_lines)}, "x": 0,
                      "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                      "pad": {"t": HEADER_PAD_PX + (max(len(title_lines), 1) - 1) * TITLE_LINE_PX, "l": HEADER_PAD_PX}},
            "legend": {"orientation": "h", "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "paper",
                       "yanchor": "bottom", "font": {"size": 13}},
            "margin": {"t": int(top)},
        })
        if meta is not None:
            self.layout["meta"] = meta

    # --- the figure ------------------------------------------------------------------------------------
    def figure(self) -> go.Figure:
        """The go.Figure, built in one step; later edits of it are validated as usual."""
        layout = {"template": template_json(self.dark), **self.layout}
        if self.annotations:
            layout["annotations"] = self.annotations
        if self.shapes:
            layout["shapes"] = self.shapes
        if VALIDATE:
            return go.Figure(data=copy.deepcopy(self.data), layout=copy.deepcopy(layout))
        fig = go.Figure(data=self.data, layout=layout, _validate=False)
        fig._validate = True
        fig._layout_obj._validate = True
        for trace in fig._data_objs:
            trace._validate = True
        return fig


def values_of(lines: Sequence[Line]) -> list[float]:
    """Every y, low and high value of the lines (what an axis range is taken over)."""
    return [v for line in lines for v in [*line.y, *(line.low if line.low is not None else []),
                                          *(line.high if line.high is not None else [])]]
