"""Serving figures: demand against the fleet's sustainable capacity over time (the serving ceiling), the
cap a deployment implies beside the caps actually set, and the memory wall (FLOP/s against bandwidth)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    Line,
    add_line,
    decimal_year,
    empty_figure,
    event_marks,
    finish,
    sources_of,
)
from charts.onepass import FigureDict
from charts.theme import ACCENT, CONTEXT_GREY, OKABE_ITO, format_sci, log_axis, new_figure, year_axis
from i18n import t

DEMAND_COLOUR = ACCENT
CAPACITY_COLOUR = OKABE_ITO["blue"]
BANDWIDTH_COLOUR = OKABE_ITO["blue"]
WINDOW_HOURS = 3.0


def _band_line(years, bands: np.ndarray, label: str, colour: str, sources, unit: str, lang: str) -> Line:
    """The Monte Carlo 10–90% band of one quantity as a thin band without a line label."""
    return Line(label=label, x=list(years), y=list(bands[2]), low=list(bands[1]), high=list(bands[3]),
                colour=colour, dashed=True, width=1.0, sources=tuple(sources), unit=unit,
                band_label=t("charts.serving.band", lang), direct_label=False)


def ceiling_figure(view, lang: str = "en", *, sources: Sequence[str] = (), events: pd.DataFrame | None = None,
                   horizon: int | None = None, marks: dict | None = None) -> go.Figure:
    """Messages a day demanded against those the fleet sustains, with Monte Carlo 10–90% bands; the title
    states the year demand outruns the fleet (or that it does not before the horizon). The rate limits of
    `events` are marked along the bottom; `marks`, when given, are those marks already made by
    `rate_limit_marks` (a caller drawing many settings over one table makes them once). Written in one pass
    (charts.onepass): it is redrawn on every Serving slider move."""
    unit = t("charts.serving.unit_messages", lang)
    fig = FigureDict()
    demand_label, capacity_label = t("charts.serving.series_demand", lang), t("charts.serving.series_capacity", lang)
    for key, label, colour in (("capacity", capacity_label, CAPACITY_COLOUR), ("demand", demand_label, DEMAND_COLOUR)):
        fig.line(_band_line(view.years, view.bands[key], f"{label} · {t('charts.serving.median', lang)}", colour,
                            sources, unit, lang), lang=lang, label_end=False)
        fig.line(Line(label=label, x=list(view.t), y=list(getattr(view, key)), colour=colour,
                      sources=tuple(sources), unit=unit, width=2.5), lang=lang)
    if view.ceiling_time is not None:
        at = int(np.searchsorted(view.t, view.ceiling_time - 1e-9))
        fig.scatter(
            x=[view.ceiling_time], y=[view.demand[at]], mode="markers", name=t("charts.serving.crossing", lang),
            marker={"color": ACCENT, "size": 12, "symbol": "diamond", "line": {"color": "white", "width": 1}},
            hovertemplate=f"<b>{t('charts.serving.crossing', lang)}</b><br>%{{x:.2f}}<extra></extra>",
            meta={"sources": list(sources), "unit": unit})
    fig.event_marks(marks if marks is not None else rate_limit_marks(events, lang, ceiling_x_range(view)))
    values = [*view.demand, *view.capacity, *view.bands["demand"][1], *view.bands["capacity"][3]]
    fig.log_axis(t("charts.serving.axis_messages", lang), values)
    fig.year_axis(t("charts.axis.year", lang))
    fig.update_layout({"showlegend": True, "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}})
    title, subtitle = ceiling_titles(view, lang, horizon)
    fig.finish(chart_id="serving-ceiling", sources=sources, units={"x": "year", "y": "messages/day"},
               title=title, subtitle=subtitle)
    return fig.figure()


def ceiling_titles(view, lang: str, horizon: int | None = None) -> tuple[str, str]:
    """The ceiling chart's title (the year demand outruns the fleet, or none before the horizon) and subtitle
    (the Monte Carlo's 10/50/90% years and the bound that binds at the crossing, or at the last year)."""
    end = horizon or int(view.t[-1])
    if view.ceiling_year is not None:
        title = t("charts.serving.title_ceiling", lang, year=view.ceiling_year)
    else:
        title = t("charts.serving.title_none", lang, horizon=end)
    at = int(np.searchsorted(view.t, view.ceiling_time - 1e-9)) if view.ceiling_time is not None else len(view.t) - 1
    bound = t("charts.serving.bound_memory" if view.memory_bound[at] else "charts.serving.bound_compute", lang)
    subtitle = t("charts.serving.subtitle", lang, samples=view.samples,
                 p10=_year_text(view.p10, end, lang), p50=_year_text(view.p50, end, lang),
                 p90=_year_text(view.p90, end, lang))
    subtitle += t("charts.serving.bound_note", lang, year=int(view.t[at]), bound=bound)
    return title, subtitle


def _year_text(value, horizon: int, lang: str) -> str:
    return t("charts.serving.after", lang, horizon=horizon) if value is None else f"{value:.0f}"


def ceiling_x_range(view) -> tuple[float, float]:
    """The years the ceiling chart's event marks may fall in: half a year before its first point to its last."""
    return float(view.t[0]) - 0.5, float(view.t[-1])


def rate_limit_marks(events: pd.DataFrame | None, lang: str, x_range: tuple[float, float]) -> dict | None:
    """The rate-limit events inside `x_range` as the ceiling chart's event marks (None when there are none)."""
    return event_marks(_rate_limits(events), lang, x_range)


def _rate_limits(events: pd.DataFrame | None) -> pd.DataFrame | None:
    if events is None or events.empty or "kind" not in events:
        return None
    return events[events["kind"] == "rate_limit"]


def observed_caps(usage: pd.DataFrame) -> pd.DataFrame:
    """The message caps of the usage table converted to messages per 3 hours (a weekly cap spread evenly)."""
    caps = usage[usage["metric"] == "message_cap"].copy() if "metric" in usage else usage.iloc[0:0]
    caps = caps.dropna(subset=["value", "window_hours"])
    caps["per_3h"] = caps["value"].astype(float) * WINDOW_HOURS / caps["window_hours"].astype(float)
    caps["year"] = decimal_year(caps["date"])
    return caps.sort_values("date").reset_index(drop=True)


def observed_caps_bar(caps: pd.DataFrame, lang: str = "en") -> dict:
    """The caps set, from `observed_caps`, as the caps chart's grey bars (plain Bar arguments): they depend on
    the usage table only, so a caller drawing many settings over one table makes them once."""
    names = [f"{row.date:%Y-%m-%d} · {row.subject}" if hasattr(row.date, "strftime") else f"{row.date} · {row.subject}"
             for row in caps.itertuples()]
    windows = [t("charts.serving.window", lang, value=f"{v:g}", hours=f"{h:g}")
               for v, h in zip(caps["value"], caps["window_hours"], strict=True)]
    return dict(
        x=caps["per_3h"].tolist(), y=names, orientation="h", name=t("charts.serving.series_observed", lang),
        marker_color=CONTEXT_GREY, text=[f"{v:.3g}" for v in caps["per_3h"]], textposition="auto",
        customdata=np.column_stack([windows, caps["source_id"].astype(str)]) if len(caps) else None,
        hovertemplate=(f"<b>%{{y}}</b><br>%{{x:.3g}} {t('charts.serving.unit_cap', lang)} (%{{customdata[0]}})"
                       f"<br>{t('charts.hover.source', lang)}: %{{customdata[1]}}<extra></extra>"),
        meta={"sources": sources_of(caps), "unit": "messages per 3 hours"},
    )


def caps_figure(caps: pd.DataFrame, model_cap: float, cap_range: tuple[float, float], label: str,
                lang: str = "en", *, sources: Sequence[str] = (), observed: dict | None = None) -> go.Figure:
    """The caps OpenAI set (messages per user per 3 hours, by date) beside the cap the model implies;
    `observed`, when given, is `observed_caps_bar(caps, lang)` already made."""
    if caps.empty and not np.isfinite(model_cap):
        return empty_figure(lang, "serving-caps")
    observed = observed_caps_bar(caps, lang) if observed is None else observed
    fig = new_figure()
    fig.add_trace(go.Bar(**observed))
    model_name = t("charts.serving.series_model", lang, label=label)
    low, high = cap_range
    fig.add_trace(go.Bar(
        x=[model_cap], y=[model_name], orientation="h", name=model_name, marker_color=ACCENT,
        error_x=dict(type="data", symmetric=False, array=[max(high - model_cap, 0)],
                     arrayminus=[max(model_cap - low, 0)], color=ACCENT),
        text=[f"{model_cap:.3g}"], textposition="auto",
        hovertemplate=(f"<b>{model_name}</b><br>%{{x:.3g}} {t('charts.serving.unit_cap', lang)}<br>"
                       f"{t('charts.serving.band', lang)}: {low:.3g}–{high:.3g}<extra></extra>"),
        meta={"sources": list(sources), "unit": "messages per 3 hours"},
    ))
    fig.update_layout(showlegend=False, yaxis=dict(autorange="reversed"),
                      xaxis=dict(title=dict(text=t("charts.serving.axis_cap", lang)), rangemode="tozero"))
    title = t("charts.serving.caps_title", lang, cap=f"{model_cap:.3g}", label=label)
    return finish(fig, chart_id="serving-caps", sources=[*observed["meta"]["sources"], *sources],
                  units={"x": "messages per user per 3 hours", "y": ""}, title=title,
                  subtitle=t("charts.serving.caps_subtitle", lang))


def memory_wall_figure(wall, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """FLOP/s and memory bandwidth of each accelerator, both as a multiple of their fitted value in the first
    year, with each fit: the gap between the two lines is the memory wall."""
    chips = wall.chips
    if chips.empty:
        return empty_figure(lang, "serving-memory-wall")
    start = float(wall.since)
    fig = new_figure()
    years = np.linspace(start, float(chips["year"].max()), 40)
    series = (("flops", wall.flops, ACCENT, "charts.serving.series_flops"),
              ("bandwidth", wall.bandwidth, BANDWIDTH_COLOUR, "charts.serving.series_bandwidth"))
    values = []
    for column, fit, colour, key in series:
        base = float(fit.predict([start])[0])
        label = t(key, lang, growth=f"{fit.growth_per_year:.2f}")
        index = chips[column].astype(float) / base
        values += list(index)
        fig.add_trace(go.Scatter(
            x=chips["year"], y=index, mode="markers", name=label, marker=dict(color=colour, size=8, opacity=0.8),
            customdata=np.column_stack([chips["name"].astype(str), [format_sci(v) for v in chips[column]],
                                        chips["source_id"].astype(str)]),
            hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{t(key + '_unit', lang)}: %{{customdata[1]}}"
                           f"<br>×%{{y:.2f}}<br>{t('charts.hover.source', lang)}: %{{customdata[2]}}<extra></extra>"),
            meta={"sources": sources_of(chips), "unit": f"x {start:.0f} fit"},
        ))
        add_line(fig, Line(label=label, x=list(years), y=list(fit.predict(years) / base), colour=colour, width=2.5,
                           sources=tuple(sources_of(chips)), unit=f"x {start:.0f} fit", direct_label=False),
                 lang=lang)  # named once, in the legend, by its chips' markers
    log_axis(fig, t("charts.serving.axis_index", lang, year=f"{start:.0f}"), values)
    year_axis(fig, t("charts.axis.release_year", lang))
    fig.update_layout(showlegend=True, legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    title = t("charts.serving.wall_title", lang, gap=f"{wall.gap_per_year:.2f}")
    subtitle = t("charts.serving.wall_subtitle", lang, since=f"{start:.0f}", n=len(chips),
                 fpb=f"{wall.flop_per_byte.growth_per_year:.2f}")
    return finish(fig, chart_id="serving-memory-wall", sources=[*sources_of(chips), *sources],
                  units={"x": "year", "y": "index"}, title=title, subtitle=subtitle)


def flop_per_byte_figure(wall, lang: str = "en") -> go.Figure:
    """FLOP per byte of memory traffic each accelerator can do (its arithmetic intensity at the ridge)."""
    chips = wall.chips
    if chips.empty:
        return empty_figure(lang, "serving-flop-per-byte")
    fig = new_figure()
    fig.add_trace(go.Scatter(
        x=chips["year"], y=chips["flop_per_byte"], mode="markers", name=t("charts.serving.series_fpb", lang),
        marker=dict(color=CAPACITY_COLOUR, size=9),
        customdata=np.column_stack([chips["name"].astype(str), chips["source_id"].astype(str)]),
        hovertemplate=(f"<b>%{{customdata[0]}}</b><br>%{{y:.0f}} FLOP/byte<br>{t('charts.hover.source', lang)}: "
                       f"%{{customdata[1]}}<extra></extra>"),
        meta={"sources": sources_of(chips), "unit": "FLOP/byte"},
    ))
    years = np.linspace(float(wall.since), float(chips["year"].max()), 40)
    fit = wall.flop_per_byte
    add_line(fig, Line(label=t("charts.serving.fit_fpb", lang, growth=f"{fit.growth_per_year:.2f}"), x=list(years),
                       y=list(fit.predict(years)), colour=ACCENT, width=2.5, sources=tuple(sources_of(chips)),
                       unit="FLOP/byte"), lang=lang)
    log_axis(fig, t("charts.serving.axis_fpb", lang), chips["flop_per_byte"])
    year_axis(fig, t("charts.axis.release_year", lang))
    return finish(fig, chart_id="serving-flop-per-byte", sources=sources_of(chips),
                  units={"x": "year", "y": "FLOP/byte"}, title=t("charts.serving.fpb_title", lang),
                  subtitle=t("charts.serving.fpb_subtitle", lang))
