"""A frozen copy of the Serving page's incremental ceiling-figure builder (one Plotly call per trace and
layout change, through charts/common.py), as it was before the one-pass builder: the reference that
tests/charts/test_fast_figures.py holds charts.serving.ceiling_figure equal to."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import Line, add_event_marks, add_line, finish
from charts.serving import (
    CAPACITY_COLOUR,
    DEMAND_COLOUR,
    _band_line,
    ceiling_titles,
    ceiling_x_range,
    rate_limit_marks,
)
from charts.theme import ACCENT, log_axis, new_figure, year_axis
from i18n import t


def ceiling_figure(view, lang: str = "en", *, sources: Sequence[str] = (), events: pd.DataFrame | None = None,
                   horizon: int | None = None, marks: dict | None = None) -> go.Figure:
    """Messages a day demanded against those the fleet sustains, with Monte Carlo 10–90% bands; the title
    states the year demand outruns the fleet (or that it does not before the horizon). The rate limits of
    `events` are marked along the bottom; `marks`, when given, are those marks already made by
    `rate_limit_marks` (a caller drawing many settings over one table makes them once)."""
    unit = t("charts.serving.unit_messages", lang)
    fig = new_figure()
    demand_label, capacity_label = t("charts.serving.series_demand", lang), t("charts.serving.series_capacity", lang)
    for key, label, colour in (("capacity", capacity_label, CAPACITY_COLOUR), ("demand", demand_label, DEMAND_COLOUR)):
        add_line(fig, _band_line(view.years, view.bands[key], f"{label} · {t('charts.serving.median', lang)}", colour,
                                 sources, unit, lang), lang=lang, label_end=False)
        add_line(fig, Line(label=label, x=list(view.t), y=list(getattr(view, key)), colour=colour,
                           sources=tuple(sources), unit=unit, width=2.5), lang=lang)
    if view.ceiling_time is not None:
        at = int(np.searchsorted(view.t, view.ceiling_time - 1e-9))
        fig.add_trace(go.Scatter(
            x=[view.ceiling_time], y=[view.demand[at]], mode="markers", name=t("charts.serving.crossing", lang),
            marker=dict(color=ACCENT, size=12, symbol="diamond", line=dict(color="white", width=1)),
            hovertemplate=f"<b>{t('charts.serving.crossing', lang)}</b><br>%{{x:.2f}}<extra></extra>",
            meta={"sources": list(sources), "unit": unit}))
    add_event_marks(fig, marks if marks is not None else rate_limit_marks(events, lang, ceiling_x_range(view)))
    values = [*view.demand, *view.capacity, *view.bands["demand"][1], *view.bands["capacity"][3]]
    log_axis(fig, t("charts.serving.axis_messages", lang), values)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(showlegend=True, legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    title, subtitle = ceiling_titles(view, lang, horizon)
    return finish(fig, chart_id="serving-ceiling", sources=sources, units={"x": "year", "y": "messages/day"},
                  title=title, subtitle=subtitle)
