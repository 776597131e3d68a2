"""The chart-only view's figure: a registry figure with its title and subtitle lifted out as text.

A Plotly title is laid out for one width (charts.common.layout_header wraps it for 800 px) and is cut off
in a narrower frame: at a phone's 390 px the hero chart's title runs off the right edge. The embed view
(ui/embed.py) shows the title and subtitle as HTML above the plot instead, where the browser wraps them
to any width, and draws the same figure, in the light or dark house template, without them. The direct
labels at the lines' ends are wrapped onto short lines, so that they fit the right margin at a phone's width
too. Nothing here shapes data: the figure comes from `charts.registry.build`.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from charts.common import layout_header
from charts.publish import plain_text
from charts.text import wrap_line
from charts.theme import use_theme

THEMES = ("light", "dark", "auto")  # `auto` follows the reader's prefers-color-scheme
DIRECT_LABEL_UNITS = 18  # Latin characters a line of a direct label holds: 12 px type, the 110 px right margin


@dataclass(frozen=True)
class EmbedFigure:
    title: str  # plain text (tags such as <br> and <sup> removed), not escaped
    subtitle: str
    figure: go.Figure  # the registry's figure in the chosen template, with no title or subtitle of its own


def embed_figure(fig: go.Figure, dark: bool = False) -> EmbedFigure:
    """`fig`'s title and subtitle as plain text, and a copy of it in the light or dark template without
    them (the header laid out again, so the legend moves up into the room the title took)."""
    title = plain_text(fig.layout.title.text or "")
    subtitle = plain_text(fig.layout.title.subtitle.text or "")
    out = use_theme(fig, dark=dark)
    out.update_layout(title=dict(text="", subtitle=dict(text="")))
    for note in out.layout.annotations:
        if note.name == "direct-label" and note.text and "<" not in note.text:  # plain labels (no markup to cut)
            note.text = "<br>".join(wrap_line(note.text, DIRECT_LABEL_UNITS))
    return EmbedFigure(title=title, subtitle=subtitle, figure=layout_header(out))
