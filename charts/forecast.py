"""Forecast figures: the hero (demand against available supply, crossing marked), the Monte Carlo fan,
P(ceiling by year), the tornado, claims against data and the backtest.

Builders take plain arrays and Lines, so they do not depend on the engine's result classes;
`line_from_fit` adapts a models.trends.TrendFit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import Line, add_line, empty_figure, finish, sources_of
from charts.theme import (
    ACCENT,
    CONTEXT_GREY,
    OKABE_ITO,
    band_fill,
    log_axis,
    new_figure,
    year_axis,
)
from i18n import t

DEMAND_COLOUR = OKABE_ITO["blue"]
SUPPLY_COLOUR = OKABE_ITO["green"]


def line_from_fit(fit, *, label: str, start: float, end: float, colour: str = ACCENT, dashed: bool = False,
                  sources: Sequence[str] = (), unit: str = "FLOP", lang: str = "en") -> Line:
    """A fitted trend (models.trends.TrendFit) as a Line with its 90% growth interval as a band.

    The band pivots on the middle of the fitted window: the slope's uncertainty widens it both ways.
    """
    years = np.linspace(start, end, 40)
    centre = (fit.start + fit.end) / 2
    mid_value = float(fit.predict([centre])[0])
    low_growth, high_growth = fit.ci90
    band = None
    if all(map(math.isfinite, (low_growth, high_growth))) and low_growth > 0:
        a = mid_value * low_growth ** (years - centre)
        b = mid_value * high_growth ** (years - centre)
        band = (np.minimum(a, b), np.maximum(a, b))
    note = t("charts.demand.fit_note", lang, growth=fit.growth_per_year, months=fit.doubling_months, n=fit.n)
    return Line(label=label, x=years, y=fit.predict(years), low=band[0] if band else None,
                high=band[1] if band else None, colour=colour, dashed=dashed, sources=tuple(sources), unit=unit,
                band_label=t("charts.band.ci90", lang), note=note, width=2.5)


def demand_vs_supply(demand: Line, supply: Line, lang: str = "en", *, ceiling_year: float | None = None,
                     ceiling_range: tuple[float, float] | None = None, horizon: int | None = None,
                     history: Sequence[Line] = ()) -> go.Figure:
    """The hero chart: compute of the largest run (demand) against compute available to it (supply), in
    FLOP on a log axis, the crossing marked in the accent colour with its 10–90% band."""
    fig = new_figure()
    for line in [*history, supply, demand]:
        add_line(fig, line, lang=lang)
    if ceiling_range is not None and all(v is not None and math.isfinite(v) for v in ceiling_range):
        fig.add_vrect(x0=ceiling_range[0], x1=ceiling_range[1], fillcolor=band_fill(ACCENT, 0.12), line_width=0,
                      layer="below")
    if ceiling_year is not None and math.isfinite(ceiling_year):
        fig.add_vline(x=ceiling_year, line=dict(color=ACCENT, width=2))
        fig.add_annotation(x=ceiling_year, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text=t("charts.forecast.ceiling_mark", lang, year=ceiling_year),
                           font=dict(color=ACCENT, size=13), name="ceiling")
        title = t("charts.forecast.hero.title", lang, year=ceiling_year)
    else:
        title = t("charts.forecast.hero.title_none", lang, horizon=horizon or int(max(demand.x)))
    values = [v for line in [*history, supply, demand] for v in [*line.y, *(line.low or []), *(line.high or [])]]
    log_axis(fig, t("charts.axis.flop_per_run", lang), values)
    year_axis(fig, t("charts.axis.year", lang))
    sources = [s for line in [*history, supply, demand] for s in line.sources]
    return finish(fig, chart_id="forecast-hero", sources=sources, units={"x": "year", "y": "FLOP"}, title=title,
                  subtitle=t("charts.forecast.hero.subtitle", lang))


def monte_carlo_fan(years: Sequence[float], quantiles: Mapping[float, Sequence[float]], lang: str = "en", *,
                    label: str, unit: str = "FLOP", colour: str = DEMAND_COLOUR, sources: Sequence[str] = (),
                    chart_id: str = "forecast-fan", others: Sequence[Line] = ()) -> go.Figure:
    """A fan: 10–90% and 25–75% bands and the median of Monte Carlo samples. `quantiles` maps 0.1, 0.25,
    0.5, 0.75, 0.9 (any present) to arrays over `years`."""
    if 0.5 not in quantiles:
        raise ValueError(f"fan needs the median (0.5) among the quantiles, got {sorted(quantiles)}")
    fig = new_figure()
    for low, high in ((0.1, 0.9), (0.25, 0.75)):
        if low in quantiles and high in quantiles:
            add_line(fig, Line(label=label, x=list(years), y=list(quantiles[0.5]), low=list(quantiles[low]),
                               high=list(quantiles[high]), colour=colour, sources=tuple(sources), unit=unit,
                               band_label=f"{low:.0%}–{high:.0%}"), lang=lang, label_end=False)
            fig.data = fig.data[:-1]  # keep the band only; the median is drawn once below
    add_line(fig, Line(label=label, x=list(years), y=list(quantiles[0.5]), colour=colour, sources=tuple(sources),
                       unit=unit, width=2.5), lang=lang)
    for line in others:
        add_line(fig, line, lang=lang)
    values = [v for q in quantiles.values() for v in q] + [v for line in others for v in line.y]
    log_axis(fig, t("charts.axis.flop_per_run", lang) if unit == "FLOP" else unit, values)
    year_axis(fig, t("charts.axis.year", lang))
    return finish(fig, chart_id=chart_id, sources=[*sources, *[s for line in others for s in line.sources]],
                  units={"x": "year", "y": unit}, title=t("charts.forecast.fan.title", lang),
                  subtitle=t("charts.forecast.fan.subtitle", lang))


def ceiling_probability(years: Sequence[float], probability: Sequence[float], lang: str = "en", *,
                        sources: Sequence[str] = ()) -> go.Figure:
    """P(ceiling reached by year) as a rising step line in %, with the 10/50/90% years marked."""
    years, probability = np.asarray(years, float), np.asarray(probability, float)
    fig = new_figure()
    fig.add_trace(go.Scatter(x=years, y=probability * 100, mode="lines", line=dict(color=ACCENT, width=2.5,
                                                                                   shape="hv"),
                             name=t("charts.forecast.probability.series", lang), meta={"unit": "%"},
                             hovertemplate="%{x:.0f}: %{y:.0f}%<extra></extra>"))
    for level in (0.1, 0.5, 0.9):
        reached = np.nonzero(probability >= level)[0]
        if reached.size:
            year = years[reached[0]]
            fig.add_annotation(x=year, y=level * 100, text=t("charts.forecast.probability.mark", lang,
                                                             level=level * 100, year=year),
                               showarrow=True, arrowhead=0, ax=-40, ay=-20, font=dict(size=11), name="level")
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(yaxis=dict(title=dict(text=t("charts.axis.probability", lang)), range=[0, 100],
                                 ticksuffix="%"))
    median = years[np.nonzero(probability >= 0.5)[0][0]] if (probability >= 0.5).any() else None
    title = (t("charts.forecast.probability.title", lang, year=median) if median is not None
             else t("charts.forecast.probability.title_none", lang, year=years[-1]))
    return finish(fig, chart_id="forecast-probability", sources=sources, units={"x": "year", "y": "%"},
                  title=title, subtitle=t("charts.forecast.probability.subtitle", lang))


def tornado(rows: pd.DataFrame, base_year: float, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """One-at-a-time sensitivity: for each assumption, the ceiling year at its low and high value.

    `rows`: label, low_year, high_year (and optionally low_value, high_value, unit, for hover).
    Bars are sorted with the widest swing on top.
    """
    if rows.empty:
        return empty_figure(lang, "forecast-tornado")
    rows = rows.assign(swing=(rows["high_year"] - rows["low_year"]).abs()).sort_values("swing", ascending=False)
    fig = new_figure()
    for column, colour, key in (("low_year", OKABE_ITO["sky_blue"], "low"), ("high_year", OKABE_ITO["blue"],
                                                                              "high")):
        fig.add_trace(go.Bar(
            y=rows["label"], x=rows[column] - base_year, base=base_year, orientation="h",
            name=t(f"charts.forecast.tornado.{key}", lang), marker_color=colour,
            customdata=rows[column], hovertemplate="<b>%{y}</b><br>%{customdata:.1f}<extra></extra>",
            meta={"unit": "year"},
        ))
    fig.add_vline(x=base_year, line=dict(color=ACCENT, width=2))
    fig.update_layout(barmode="overlay", yaxis=dict(autorange="reversed"),
                      xaxis=dict(title=dict(text=t("charts.axis.ceiling_year", lang)), tickformat="d"),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="forecast-tornado", sources=sources, units={"x": "year", "y": ""},
                  title=t("charts.forecast.tornado.title", lang, parameter=rows["label"].iloc[0]),
                  subtitle=t("charts.forecast.tornado.subtitle", lang, year=base_year))


def claims_check(rows: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Each claim's growth (x/year) beside what the data fit says, with the fit's 90% interval.

    `rows`: label, claimed_growth, data_growth, optionally data_low, data_high, source_id.
    """
    if rows.empty:
        return empty_figure(lang, "claims-check")
    fig = new_figure()
    for _, row in rows.iterrows():  # grey connectors first, drawn under the dots
        fig.add_trace(go.Scatter(x=[row["data_growth"], row["claimed_growth"]], y=[row["label"]] * 2, mode="lines",
                                 line=dict(color=CONTEXT_GREY, width=2), showlegend=False, hoverinfo="skip",
                                 name=f"{row['label']} (gap)"))
    has_band = {"data_low", "data_high"} <= set(rows.columns)
    fig.add_trace(go.Scatter(
        x=rows["data_growth"], y=rows["label"], mode="markers", name=t("charts.claims.data", lang),
        marker=dict(color=ACCENT, size=12),
        error_x=dict(type="data", symmetric=False, array=rows["data_high"] - rows["data_growth"],
                     arrayminus=rows["data_growth"] - rows["data_low"], color=ACCENT) if has_band else None,
        hovertemplate="<b>%{y}</b><br>%{x:.2f}×/yr<extra></extra>", meta={"unit": "x/year"},
    ))
    fig.add_trace(go.Scatter(
        x=rows["claimed_growth"], y=rows["label"], mode="markers", name=t("charts.claims.claimed", lang),
        marker=dict(color=CONTEXT_GREY, size=12, symbol="diamond"), meta={"unit": "x/year"},
        hovertemplate="<b>%{y}</b><br>%{x:.2f}×/yr<extra></extra>",
    ))
    fig.update_layout(xaxis=dict(type="log", title=dict(text=t("charts.axis.growth_per_year", lang))),
                      yaxis=dict(autorange="reversed"), legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="claims-check", sources=sources_of(rows), units={"x": "x/year", "y": ""},
                  title=t("charts.claims.title", lang), subtitle=t("charts.claims.subtitle", lang))


def backtest(actual: pd.DataFrame, forecast: Line, cutoff: float, lang: str = "en", *,
             unit: str = "FLOP") -> go.Figure:
    """Fit through `cutoff`, forecast forward (dashed, with band), and the points that came after.

    `actual`: year, value, name, source_id — the record-holders or notable models.
    """
    fig = new_figure()
    before, after = actual[actual["year"] <= cutoff], actual[actual["year"] > cutoff]
    for part, key, colour in ((before, "before", CONTEXT_GREY), (after, "after", OKABE_ITO["blue"])):
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], mode="markers", marker=dict(color=colour, size=8),
                                 name=t(f"charts.backtest.{key}", lang, year=cutoff), text=part.get("name"),
                                 hovertemplate="<b>%{text}</b><br>%{x:.1f}<extra></extra>",
                                 meta={"sources": sources_of(part), "unit": unit}))
    add_line(fig, forecast, lang=lang)
    fig.add_vline(x=cutoff, line=dict(color=CONTEXT_GREY, width=1, dash="dot"))
    log_axis(fig, t("charts.axis.training_compute", lang), list(actual["value"]) + list(forecast.y))
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="claims-backtest", sources=sources_of(actual) + list(forecast.sources),
                  units={"x": "year", "y": unit}, title=t("charts.backtest.title", lang, year=cutoff),
                  subtitle=t("charts.backtest.subtitle", lang))
