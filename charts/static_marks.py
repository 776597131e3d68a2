"""Labels for a static export (PNG, SVG, PDF), where nothing can be hovered: each event tick gets a number
just above it and each published-claim line a letter at its end, and a key under the plot names them all
("Events: 1 NVIDIA V100 announced · 2 ..."; "Claims: A Epoch 2024 ... · B ..."), in the chart's language.

Marks that would overlap share one label ("9–16" over a month of events, "A, B" where two claims end
together); the key still names each of them. The key takes room from the plot, not from the figure: the
export keeps its size. The screen, HTML and JSON keep the hover instead.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from charts.common import EVENT_AXIS
from charts.text import display_width, wrap_line
from i18n import t

MARK_FONT_PX = 10  # the numbers and letters on the plot
KEY_FONT_PX = 9  # the key under the plot
KEY_LINE_PX = 11
KEY_CHAR_WIDTH = 0.58  # average glyph width as a share of the font size, rounded up so lines never overflow
EVENT_LABEL_UNITS = 26  # a longer event name is cut with "…" in the key (dozens share a few lines)
CLAIM_LABEL_UNITS = 44  # a longer claim name likewise
KEY_PAD_PX = 12  # from the figure's left and right edges, as the footer
AXIS_SPACE_PX = 52  # tick labels and axis title under the plot (charts.export.AXIS_SPACE_PX)
EVENT_LIFT_PX = 9  # the number sits this far above its tick
CLAIM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INK = {"light": "#444444", "dark": "#C8C8C8"}


def is_claim(trace) -> bool:
    return isinstance(trace.meta, dict) and bool(trace.meta.get("claim"))


def is_events(trace) -> bool:
    return trace.yaxis == EVENT_AXIS and trace.customdata is not None


def event_items(fig: go.Figure) -> list[tuple[float, str]]:
    """(decimal year, label) of every event tick in the figure, in date order."""
    items = []
    for trace in fig.data:
        if is_events(trace):
            labels = [str(row[0]) for row in np.asarray(trace.customdata, dtype=object)]
            items += [(float(x), label) for x, label in zip(trace.x, labels, strict=True)]
    return sorted(items, key=lambda item: item[0])


def claim_items(fig: go.Figure) -> list[tuple[float, float, str]]:
    """(x, y, name) of the last drawn point of each claim line, in the order the lines were drawn."""
    items = []
    for trace in fig.data:
        if not is_claim(trace):
            continue
        points = [(float(x), float(y)) for x, y in zip(trace.x, trace.y, strict=True)
                  if x is not None and y is not None and math.isfinite(float(x)) and math.isfinite(float(y))]
        if points:
            items.append((*points[-1], str(trace.name)))
    return items


def short(label: str, units: int) -> str:
    """`label` cut to `units` display units with an ellipsis (CJK glyphs count twice)."""
    if display_width(label) <= units:
        return label
    out = ""
    for ch in label:
        if display_width(out + ch) > units - 1:
            break
        out += ch
    return out.rstrip() + "…"


def _range(values: tuple[float, float] | None, fallback: list[float]) -> tuple[float, float]:
    if values is not None and len(values) == 2 and None not in values:
        return float(values[0]), float(values[1])
    finite = [v for v in fallback if math.isfinite(v)]
    return (min(finite), max(finite)) if finite else (0.0, 1.0)


def _numbers(values) -> list[float]:
    out = []
    for value in values if values is not None else ():
        try:
            out.append(float(value))
        except (TypeError, ValueError):
            continue
    return out


def _all_x(fig: go.Figure) -> list[float]:
    """Every numeric x the figure draws: the extent an autoranged x axis spans."""
    return [x for trace in fig.data for x in _numbers(getattr(trace, "x", None))]


def _plot_box(fig: go.Figure) -> tuple[float, float]:
    """(width, height) of the plot area in px, from the figure's size and margins."""
    template = fig.layout.template.layout.margin if fig.layout.template is not None else None
    margin = fig.layout.margin

    def side(name: str, default: int) -> float:
        value = getattr(margin, name)
        if value is None and template is not None:
            value = getattr(template, name)
        return float(value if value is not None else default)

    width = float(fig.layout.width or 800) - side("l", 80) - side("r", 80)
    height = float(fig.layout.height or 500) - side("t", 100) - side("b", 80)
    return max(width, 50.0), max(height, 50.0)


def _event_groups(px: list[float]) -> list[list[int]]:
    """Indices of the event ticks at `px` (sorted) grouped so that no two labels overlap: each label starts
    at its first tick ("3" or "3–7"), and a tick under a label joins that label's range."""
    groups: list[list[int]] = []
    for index, position in enumerate(px):
        if groups:
            first, text = groups[-1][0], _joined([str(groups[-1][0] + 1), str(index + 1)], consecutive=True)
            if position < px[first] + _label_px(text):
                groups[-1].append(index)
                continue
        groups.append([index])
    return groups


def _joined(tokens: list[str], consecutive: bool) -> str:
    if len(tokens) == 1:
        return tokens[0]
    return f"{tokens[0]}–{tokens[-1]}" if consecutive else ", ".join(tokens)


def _label_px(text: str) -> float:
    return display_width(text) * MARK_FONT_PX * KEY_CHAR_WIDTH + 6


def _event_notes(fig: go.Figure, events: list[tuple[float, str]], ink: str) -> list[dict]:
    """One number (or range of numbers) above each tick, or above each cluster of ticks too close to number apart."""
    width, _ = _plot_box(fig)
    x_range = _range(fig.layout.xaxis.range, _all_x(fig))
    span = (x_range[1] - x_range[0]) or 1.0
    px = [(x - x_range[0]) / span * width for x, _ in events]
    notes = []
    for group in _event_groups(px):
        text = _joined([str(group[0] + 1), str(group[-1] + 1)], consecutive=True) if len(group) > 1 else str(group[0] + 1)
        notes.append(dict(text=text, x=events[group[0]][0], y=0.03, xref="x", yref=EVENT_AXIS, showarrow=False,
                          xanchor="left", yanchor="bottom", xshift=-3, yshift=EVENT_LIFT_PX,
                          font=dict(size=MARK_FONT_PX, color=ink), name="static-event-mark"))
    return notes


def _claim_notes(fig: go.Figure, claims: list[tuple[float, float, str]], ink: str) -> list[dict]:
    """A letter at the end of each claim line; lines ending within a label's size of each other share one
    label ("A, C"), placed at the first of them."""
    width, height = _plot_box(fig)
    log = fig.layout.yaxis.type == "log"
    ys = [math.log10(y) if log and y > 0 else y for _, y, _ in claims]
    x_range = _range(fig.layout.xaxis.range, _all_x(fig))
    y_range = _range(fig.layout.yaxis.range, ys)
    x_span, y_span = (x_range[1] - x_range[0]) or 1.0, (y_range[1] - y_range[0]) or 1.0
    px = [((x - x_range[0]) / x_span * width, (y - y_range[0]) / y_span * height)
          for (x, _, _), y in zip(claims, ys, strict=True)]
    groups: list[list[int]] = []
    for index, (x, y) in enumerate(px):
        near = [g for g in groups if abs(px[g[0]][0] - x) < 3 * MARK_FONT_PX and abs(px[g[0]][1] - y) < MARK_FONT_PX + 2]
        if near:
            near[0].append(index)
        else:
            groups.append([index])
    notes = []
    for group in groups:
        text = _joined([CLAIM_LETTERS[i % len(CLAIM_LETTERS)] for i in group], consecutive=False)
        x, y = claims[group[0]][0], ys[group[0]]
        at_top = y >= y_range[1] - y_span * 0.03
        notes.append(dict(text=text, x=x, y=y, xref="x", yref="y", showarrow=False, xanchor="right",
                          yanchor="top" if at_top else "bottom", xshift=-2, font=dict(size=MARK_FONT_PX, color=ink),
                          name="static-claim-mark"))
    return notes


def key_lines(events: list[tuple[float, str]], claims: list[tuple[float, float, str]], lang: str,
              width_px: int) -> list[str]:
    """The key under the plot: events by number, then claims by letter, wrapped to `width_px`."""
    max_units = max(30, int((width_px - 2 * KEY_PAD_PX) / (KEY_FONT_PX * KEY_CHAR_WIDTH)))
    lines = []
    if events:
        items = " · ".join(f"{i + 1} {short(label, EVENT_LABEL_UNITS)}" for i, (_, label) in enumerate(events))
        lines += wrap_line(t("static_marks.events_key", lang, items=items), max_units)
    if claims:
        items = " · ".join(f"{CLAIM_LETTERS[i % len(CLAIM_LETTERS)]} {short(name, CLAIM_LABEL_UNITS)}" for i, (_, _, name) in enumerate(claims))
        lines += wrap_line(t("static_marks.claims_key", lang, items=items), max_units)
    return lines


def label_marks(fig: go.Figure, lang: str, theme: str = "light") -> go.Figure:
    """`fig` (prepared by `charts.export.prepare_for_export`, or not) with its events numbered, its claims
    lettered and the key drawn under the plot above the footer; `fig` itself when it has neither."""
    events, claims = event_items(fig), claim_items(fig)
    if not events and not claims:
        return fig
    out = go.Figure(fig)
    width = int(out.layout.width or 800)
    lines = key_lines(events, claims, lang, width)
    key_px = len(lines) * KEY_LINE_PX + 6
    bottom = out.layout.margin.b if out.layout.margin.b is not None else 80
    footer = [note for note in out.layout.annotations if note.name == "export-footer"]
    axis_space = -footer[0].yshift if footer else AXIS_SPACE_PX
    xshift = footer[0].xshift if footer else 0
    for note in footer:  # the key goes between the axis and the sources
        note.yshift = note.yshift - key_px
    out.update_layout(margin=dict(b=int(bottom + key_px)))
    ink = INK["dark" if theme == "dark" else "light"]
    out.add_annotation(text="<br>".join(lines), name="static-key", showarrow=False, align="left", xref="paper",
                       yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-axis_space, xshift=xshift,
                       font=dict(size=KEY_FONT_PX, color=ink))
    for note in [*_event_notes(out, events, ink), *_claim_notes(out, claims, ink)]:
        out.add_annotation(**note)
    return out
