"""Demand figures: training compute and parameters of models over time, claims beside fits, doubling times."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    Line,
    add_events,
    add_line,
    clip_line,
    confidence_label,
    decimal_year,
    empty_figure,
    finish,
    sources_of,
)
from charts.theme import ACCENT, CONTEXT_GREY, OKABE_ITO, format_sci, log_axis, new_figure, year_axis
from i18n import t

CONFIDENCE_MARKERS = {"confirmed": "circle", "estimate": "circle-open", "speculative": "x-thin-open"}
POINT_COLOUR = OKABE_ITO["blue"]
CLAIM_COLOURS = [OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["green"], OKABE_ITO["sky_blue"]]


def _join(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return "" if value is None or value != value else str(value)


def _model_years(models: pd.DataFrame) -> pd.Series:
    return models["year"].astype(float) if "year" in models else decimal_year(models["publication_date"])


def _hover(lang: str, unit: str) -> str:
    return (
        "<b>%{customdata[0]}</b><br>"
        f"{t('charts.hover.organisation', lang)}: %{{customdata[1]}}<br>"
        f"{t('charts.hover.value', lang)}: %{{customdata[2]}} {unit}<br>"
        f"{t('charts.hover.confidence', lang)}: %{{customdata[3]}}<br>"
        f"{t('charts.hover.source', lang)}: %{{customdata[4]}}<extra></extra>"
    )


def add_model_points(fig: go.Figure, models: pd.DataFrame, column: str, unit: str, lang: str) -> None:
    """One marker trace per confidence level: filled = confirmed, open = estimate, cross = speculative."""
    years = _model_years(models)
    confidence = models.get("confidence", pd.Series("estimate", index=models.index)).fillna("estimate")
    for level, symbol in CONFIDENCE_MARKERS.items():
        rows = models[confidence == level]
        if rows.empty:
            continue
        custom = np.column_stack([
            rows["name"].astype(str),
            rows["organisation"].map(_join) if "organisation" in rows else [""] * len(rows),
            [format_sci(v) for v in rows[column]],
            [confidence_label(level, lang)] * len(rows),
            rows["source_id"].astype(str) if "source_id" in rows else [""] * len(rows),
        ])
        fig.add_trace(go.Scatter(
            x=years[rows.index], y=rows[column].astype(float), mode="markers",
            name=t("charts.demand.points", lang, confidence=confidence_label(level, lang)),
            marker=dict(symbol=symbol, color=POINT_COLOUR, size=7, opacity=0.75, line=dict(width=1.2)),
            customdata=custom, hovertemplate=_hover(lang, unit),
            meta={"sources": sources_of(rows), "unit": unit},
        ))


def claim_line(claim: pd.Series, *, anchor_year: float, anchor_value: float, end_year: float, lang: str,
               colour: str = OKABE_ITO["orange"], unit: str = "FLOP") -> Line:
    """A published growth claim drawn from an anchor point (usually the fit at the claim's start year)."""
    label = claim.get("label_zh") if lang == "zh" and claim.get("label_zh") else claim.get("label")
    years = np.linspace(anchor_year, end_year, 25)
    values = anchor_value * float(claim["growth_per_year"]) ** (years - anchor_year)
    note = t("charts.demand.claim_note", lang, growth=float(claim["growth_per_year"]),
             months=float(claim["doubling_months"]) if claim.get("doubling_months") == claim.get("doubling_months")
             else 12 * np.log(2) / np.log(float(claim["growth_per_year"])))
    return Line(label=str(label), x=years, y=values, colour=colour, dashed=True, unit=unit,
                sources=(str(claim.get("source_id", "")),), note=note)


CLAIM_GREY = "#9A9A9A"  # claims are context: one grey, the fit in the accent colour is what to look at
Y_MARGIN_DECADES = 0.5  # room above and below the data on the log axis
X_MARGIN_YEARS = 0.3


def data_window(years: pd.Series, values: pd.Series) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plotted window: the models' years and their value range, half a decade wider each way."""
    x_range = (float(years.min()) - X_MARGIN_YEARS, float(years.max()) + X_MARGIN_YEARS)
    low, high = float(values.min()), float(values.max())
    return x_range, (low / 10**Y_MARGIN_DECADES, high * 10**Y_MARGIN_DECADES)


def add_claims(fig: go.Figure, claims: Sequence[Line], lang: str) -> None:
    """Claims as grey dashed lines under one legend entry (a dozen long names would crowd out the plot);
    each line's hover names its claim, and its trace keeps the claim's name for the CSV."""
    if not claims:
        return
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t("charts.polish_legend.claims", lang),
                             line=dict(color=CLAIM_GREY, width=1.5, dash="dash"), hoverinfo="skip",
                             meta={"legend_only": True}))  # the CSV leaves it out
    for line in claims:
        add_line(fig, line, lang=lang, label_end=False)
        fig.data[-1].update(showlegend=False, meta={**fig.data[-1].meta, "claim": True})  # lettered in static exports


def _models_over_time(models: pd.DataFrame, lang: str, *, chart_id: str, column: str, unit: str,
                      fits: Sequence[Line], claims: Sequence[Line], events: pd.DataFrame | None,
                      title: str, subtitle: str, y_title: str) -> go.Figure:
    """Points of the models, then claims and fits clipped to the data's window and named in the legend
    (a dozen lines ending in the same corner leave no room for direct labels), events as ticks below."""
    rows = models.dropna(subset=[column]).loc[lambda f: f[column] > 0]
    if rows.empty:
        return empty_figure(lang, chart_id)
    years = _model_years(rows)
    x_range, y_range = data_window(years, rows[column].astype(float))
    fig = new_figure()
    add_model_points(fig, rows, column, unit, lang)
    claims = [replace(c, colour=CLAIM_GREY, width=1.5) for line in claims
              if (c := clip_line(line, x_range, y_range)) is not None]
    fits = [f for line in fits if (f := clip_line(line, x_range, y_range)) is not None]
    add_claims(fig, claims, lang)
    for line in fits:  # fits last: drawn on top
        add_line(fig, line, lang=lang, label_end=False)
    shown = [*claims, *fits]
    log_axis(fig, y_title, y_range)
    fig.update_yaxes(range=[math.log10(y_range[0]), math.log10(y_range[1])])
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_xaxes(range=list(x_range))
    add_events(fig, events, lang, x_range)
    fig.update_layout(showlegend=True, margin=dict(r=30))
    sources = sources_of(rows) + [s for line in shown for s in line.sources]
    return finish(fig, chart_id=chart_id, sources=sources, units={"x": "year", "y": unit}, title=title,
                  subtitle=subtitle)


def training_compute(models: pd.DataFrame, lang: str = "en", *, fits: Sequence[Line] = (),
                     claims: Sequence[Line] = (), events: pd.DataFrame | None = None,
                     growth_per_year: float | None = None) -> go.Figure:
    """Training compute (FLOP, log axis) of models by publication date, fitted trends and claims beside them."""
    title = (t("charts.demand.compute.title_growth", lang, growth=growth_per_year) if growth_per_year
             else t("charts.demand.compute.title", lang))
    return _models_over_time(models, lang, chart_id="demand-compute", column="training_compute_flop", unit="FLOP",
                             fits=fits, claims=claims, events=events, title=title,
                             subtitle=t("charts.demand.compute.subtitle", lang),
                             y_title=t("charts.axis.training_compute", lang))


def parameters(models: pd.DataFrame, lang: str = "en", *, fits: Sequence[Line] = (), claims: Sequence[Line] = (),
               events: pd.DataFrame | None = None) -> go.Figure:
    """Parameter counts of models over time (log axis), with the article's 10x-per-18-months claim beside."""
    return _models_over_time(models, lang, chart_id="demand-parameters", column="parameters",
                             unit="parameters", fits=fits, claims=claims, events=events,
                             title=t("charts.demand.parameters.title", lang),
                             subtitle=t("charts.demand.parameters.subtitle", lang),
                             y_title=t("charts.axis.parameters", lang))


def doubling_times(rows: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Doubling times side by side: fits from data (accent, with interval) and published claims (grey).

    `rows`: label, doubling_months, and optionally low, high (months), kind ("fit" or "claim"), source_id.
    """
    if rows.empty:
        return empty_figure(lang, "demand-doubling")
    rows = rows.reset_index(drop=True)
    kinds = rows.get("kind", pd.Series("claim", index=rows.index)).fillna("claim")
    fig = new_figure()
    for kind, colour in (("claim", CONTEXT_GREY), ("fit", ACCENT)):
        part = rows[kinds == kind]
        if part.empty:
            continue
        has_band = {"low", "high"} <= set(part.columns)
        error = dict(type="data", symmetric=False, array=(part["high"] - part["doubling_months"]).tolist(),
                     arrayminus=(part["doubling_months"] - part["low"]).tolist(), color=colour) if has_band else None
        fig.add_trace(go.Scatter(
            x=part["doubling_months"].astype(float), y=part["label"].astype(str), mode="markers+text",
            orientation="h", name=t(f"charts.demand.doubling.{kind}", lang), error_x=error,
            marker=dict(color=colour, size=11), text=[f"{v:.1f}" for v in part["doubling_months"]],
            textposition="top center", textfont=dict(color=colour),
            hovertemplate="<b>%{y}</b><br>%{x:.2f} " + t("charts.unit.months", lang) + "<extra></extra>",
            meta={"sources": sources_of(part), "unit": "months"},
        ))
    fig.update_layout(
        xaxis=dict(title=dict(text=t("charts.axis.doubling_months", lang)), rangemode="tozero"),
        yaxis=dict(title=dict(text=""), autorange="reversed"),
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
    )
    return finish(fig, chart_id="demand-doubling", sources=sources_of(rows), units={"x": "months", "y": ""},
                  title=t("charts.demand.doubling.title", lang), subtitle=t("charts.demand.doubling.subtitle", lang))
