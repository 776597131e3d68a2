"""Forecast figures: the hero (demand against available supply, crossing marked), the Monte Carlo fan,
P(ceiling by year), the tornado, claims against data and the backtest.

Builders take plain arrays and Lines, so they do not depend on the engine's result classes;
`line_from_fit` adapts a models.trends.TrendFit."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    Line,
    add_line,
    empty_figure,
    finish,
    sources_of,
    vertical_line,
)
from charts.onepass import FigureDict, data_array, values_of
from charts.theme import (
    ACCENT,
    CONTEXT_GREY,
    OKABE_ITO,
    band_fill,
    format_sci,
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


@dataclass(frozen=True)
class RecordMarks:
    """The record training runs as the hero draws them: years, FLOP, hover rows (name, FLOP) and sources."""

    x: list[float]
    y: list[float]
    customdata: np.ndarray
    sources: list[str]


def record_marks_of(records: pd.DataFrame | None) -> RecordMarks | None:
    """`records` (year, training_compute_flop, name, source_id) prepared for drawing; None when empty."""
    if records is None or records.empty:
        return None
    flop = records["training_compute_flop"].astype(float).tolist()
    return RecordMarks(x=records["year"].astype(float).tolist(), y=flop,
                       customdata=data_array(np.column_stack([records["name"].astype(str),
                                                              [format_sci(v) for v in flop]])),
                       sources=sources_of(records))


_RECORD_MARKS: dict[tuple[int, float], tuple[pd.DataFrame, RecordMarks | None]] = {}
RECORD_MARKS_KEPT = 16
_RECORD_MARKS_LOCK = threading.Lock()


def record_marks(records: pd.DataFrame | None, since: float) -> RecordMarks | None:
    """The records from `since` on, prepared once per records frame and year: the registry hands the hero
    the same (read-only) frame on every slider move, so filtering and formatting it is done once. The frame
    is kept with its result, so an entry is only ever found for that very frame."""
    if records is None:
        return None
    key = (id(records), since)
    with _RECORD_MARKS_LOCK:  # sessions run in threads
        hit = _RECORD_MARKS.get(key)
    if hit is not None and hit[0] is records:
        return hit[1]
    shown = records[records["year"].astype(float) >= since] if not records.empty else records
    marks = record_marks_of(shown)
    with _RECORD_MARKS_LOCK:
        while len(_RECORD_MARKS) >= RECORD_MARKS_KEPT:
            _RECORD_MARKS.pop(next(iter(_RECORD_MARKS)))
        _RECORD_MARKS[key] = (records, marks)
    return marks


def add_record_points(fig: FigureDict, marks: RecordMarks | None, lang: str) -> None:
    """The record training runs as solid grey dots: data, not a trend; named by a label under the latest one."""
    if marks is None:
        return
    fig.scatter(
        x=marks.x, y=marks.y, mode="markers", name=t("charts.polish.record_points", lang), showlegend=False,
        marker={"color": CONTEXT_GREY, "size": 8, "line": {"width": 1, "color": CONTEXT_GREY}},
        customdata=marks.customdata,
        hovertemplate="<b>%{customdata[0]}</b><br>%{x:.1f}: %{customdata[1]} FLOP<extra></extra>",
        meta={"sources": list(marks.sources), "unit": "FLOP"},
    )
    fig.annotation(x=marks.x[-1], y=marks.y[-1], text=t("charts.polish.record_points", lang),
                   showarrow=False, xanchor="left", yanchor="top", xshift=6, yshift=-4,
                   font={"color": CONTEXT_GREY, "size": 12}, name="direct-label")


def _value_at(line: Line, year: float) -> float:
    """A line's value at `year`, interpolated in log space as drawn on a log axis."""
    x, y = np.asarray(line.x, float), np.asarray(line.y, float)
    return float(10 ** np.interp(year, x, np.log10(y)))


def demand_vs_supply(demand: Line, supply: Line, lang: str = "en", **options) -> go.Figure:
    """The hero chart: compute of the largest run (demand) against compute available to it (supply), in
    FLOP on a log axis, the crossing marked in the accent colour with its 10–90% band (see `_demand_vs_supply`
    for the options)."""
    fig = FigureDict()
    _demand_vs_supply(fig, demand, supply, lang, **{**options, "records": record_marks_of(options.get("records"))})
    return fig.figure()


def _demand_vs_supply(fig: FigureDict, demand: Line, supply: Line, lang: str = "en", *,
                      ceiling_year: float | None = None, ceiling_range: tuple[float, float] | None = None,
                      horizon: int | None = None, history: Sequence[Line] = (), bands: Sequence[Line] = (),
                      records: RecordMarks | None = None, subtitle: str | None = None,
                      pinned: Sequence[Line] = (), pinned_ceiling: tuple[float, str] | None = None,
                      ceiling_name: Callable[[str], str] | None = None) -> None:
    """The hero chart written into `fig`.

    `ceiling_year` is the crossing as a decimal year (the line sits there); the title names the calendar
    year it falls in. `bands` are drawn as bands only (e.g. Monte Carlo 10–90% of demand and supply).
    `pinned` are a pinned scenario's lines (supply, then demand), drawn under the others, and `pinned_ceiling`
    its crossing (decimal year, label), marked in grey on its demand line; `ceiling_name` then renames this
    scenario's crossing ("B: Ceiling 2031")."""
    for band in bands:
        fig.band(band)
    for line in [*pinned, *history, supply, demand]:
        fig.line(line, lang=lang)
    if pinned and pinned_ceiling is not None and math.isfinite(pinned_ceiling[0]):
        _mark_pinned_ceiling(fig, pinned[-1], *pinned_ceiling)
    add_record_points(fig, records, lang)
    if ceiling_range is not None and all(v is not None and math.isfinite(v) for v in ceiling_range):
        fig.vertical_band(ceiling_range[0], ceiling_range[1], fillcolor=band_fill(ACCENT, 0.12),
                          line={"width": 0}, layer="below")
    if ceiling_year is not None and math.isfinite(ceiling_year):
        year = math.floor(ceiling_year + 1e-9)
        mark = (ceiling_name or str)(t("charts.forecast.ceiling_mark", lang, year=year))
        fig.vertical_line(ceiling_year, {"color": ACCENT, "width": 2})
        fig.scatter(x=[ceiling_year], y=[_value_at(demand, ceiling_year)], mode="markers", name=mark,
                    showlegend=False, marker={"color": ACCENT, "size": 11, "line": {"color": "white", "width": 1.5}},
                    hovertemplate="%{x:.1f}: %{y:.2s} FLOP<extra></extra>", meta={"unit": "FLOP"})
        fig.annotation(x=ceiling_year, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text=mark, font={"color": ACCENT, "size": 13}, name="ceiling")
        title = t("charts.forecast.hero.title", lang, year=year)
    else:
        title = t("charts.forecast.hero.title_none", lang, horizon=horizon or int(max(demand.x)))
    drawn = [*pinned, *history, supply, demand, *bands]
    values = values_of(drawn)
    if records is not None:
        values += records.y
    fig.log_axis(t("charts.axis.flop_per_run", lang), values)
    fig.year_axis(t("charts.axis.year", lang))
    sources = [s for line in drawn for s in line.sources] + (records.sources if records is not None else [])
    fig.finish(chart_id="forecast-hero", sources=sources, units={"x": "year", "y": "FLOP"}, title=title,
               subtitle=subtitle if subtitle is not None else t("charts.forecast.hero.subtitle", lang))


def _mark_pinned_ceiling(fig: FigureDict, demand: Line, year: float, label: str) -> None:
    """A pinned scenario's crossing: a dotted grey rule, a grey dot on its demand line, and its label at the
    foot of the plot (the current scenario's label sits at the top)."""
    fig.vertical_line(year, {"color": CONTEXT_GREY, "width": 1.5, "dash": "dot"})
    fig.scatter(x=[year], y=[_value_at(demand, year)], mode="markers", name=label, showlegend=False,
                marker={"color": CONTEXT_GREY, "size": 10, "line": {"color": "white", "width": 1.5}},
                hovertemplate="%{x:.1f}: %{y:.2s} FLOP<extra></extra>",
                meta={"unit": "FLOP", "sources": list(demand.sources)})
    fig.annotation(x=year, y=0, xref="x", yref="paper", xanchor="left", yanchor="bottom", xshift=4,
                   showarrow=False, text=label, font={"color": CONTEXT_GREY, "size": 12}, name="pinned-ceiling")


def monte_carlo_fan(years: Sequence[float], quantiles: Mapping[float, Sequence[float]], lang: str = "en",
                    **options) -> go.Figure:
    """A fan: 10–90% and 25–75% bands and the median of Monte Carlo samples. `quantiles` maps 0.1, 0.25,
    0.5, 0.75, 0.9 (any present) to arrays over `years` (see `_monte_carlo_fan` for the options)."""
    fig = FigureDict()
    _monte_carlo_fan(fig, years, quantiles, lang, **options)
    return fig.figure()


def _monte_carlo_fan(fig: FigureDict, years: Sequence[float], quantiles: Mapping[float, Sequence[float]],
                     lang: str = "en", *, label: str, unit: str = "FLOP", colour: str = DEMAND_COLOUR,
                     sources: Sequence[str] = (), chart_id: str = "forecast-fan", others: Sequence[Line] = ()) -> None:
    if 0.5 not in quantiles:
        raise ValueError(f"fan needs the median (0.5) among the quantiles, got {sorted(quantiles)}")
    years = years if isinstance(years, np.ndarray) else list(years)
    for low, high in ((0.1, 0.9), (0.25, 0.75)):
        if low in quantiles and high in quantiles:
            fig.band(Line(label=label, x=years, y=quantiles[0.5], low=quantiles[low], high=quantiles[high],
                          colour=colour, sources=tuple(sources), unit=unit,
                          band_label=t("charts.forecast2.band_10_90", lang) if (low, high) == (0.1, 0.9)
                          else f"{low:.0%}–{high:.0%}"))  # the band only; the median is drawn once below
    fig.line(Line(label=label, x=years, y=quantiles[0.5], colour=colour, sources=tuple(sources), unit=unit,
                  width=2.5), lang=lang)
    for line in others:
        fig.line(line, lang=lang)
    values = [v for q in quantiles.values() for v in q] + [v for line in others for v in line.y]
    fig.log_axis(t("charts.axis.flop_per_run", lang) if unit == "FLOP" else unit, values)
    fig.year_axis(t("charts.axis.year", lang))
    fig.finish(chart_id=chart_id, sources=[*sources, *[s for line in others for s in line.sources]],
               units={"x": "year", "y": unit}, title=t("charts.forecast.fan.title", lang),
               subtitle=t("charts.forecast.fan.subtitle", lang))


def ceiling_probability(years: Sequence[float], probability: Sequence[float], lang: str = "en", *,
                        sources: Sequence[str] = ()) -> go.Figure:
    """P(ceiling reached by year) as a rising step line in %, with the 10/50/90% years marked."""
    years, probability = np.asarray(years, float), np.asarray(probability, float)
    fig = FigureDict()
    fig.scatter(x=years, y=probability * 100, mode="lines", line={"color": ACCENT, "width": 2.5, "shape": "hv"},
                name=t("charts.forecast.probability.series", lang), meta={"unit": "%"},
                hovertemplate="%{x:.0f}: %{y:.0f}%<extra></extra>")
    for level in (0.1, 0.5, 0.9):
        reached = np.nonzero(probability >= level)[0]
        if reached.size:
            year = years[reached[0]]
            fig.annotation(x=year, y=level * 100, text=t("charts.forecast.probability.mark", lang,
                                                         level=level * 100, year=year),
                           showarrow=True, arrowhead=0, ax=-40, ay=-20, font={"size": 11}, name="level")
    fig.year_axis(t("charts.axis.year", lang))
    fig.update_layout({"yaxis": {"title": {"text": t("charts.axis.probability", lang)}, "range": [0, 100],
                                 "ticksuffix": "%"}})
    median = years[np.nonzero(probability >= 0.5)[0][0]] if (probability >= 0.5).any() else None
    title = (t("charts.forecast.probability.title", lang, year=median) if median is not None
             else t("charts.forecast.probability.title_none", lang, year=years[-1]))
    fig.finish(chart_id="forecast-probability", sources=sources, units={"x": "year", "y": "%"},
               title=title, subtitle=t("charts.forecast.probability.subtitle", lang))
    return fig.figure()


def tornado(rows: pd.DataFrame, base_year: float, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """One-at-a-time sensitivity: for each assumption, the ceiling year at its low and high value.

    `rows`: label, low_year, high_year (and optionally low_value, high_value, unit, for hover).
    Bars are sorted with the widest swing on top.
    """
    if rows.empty:
        return empty_figure(lang, "forecast-tornado")
    rows = rows.assign(swing=(rows["high_year"] - rows["low_year"]).abs()).sort_values("swing", ascending=False)
    fig = FigureDict()
    for column, colour, key in (("low_year", OKABE_ITO["sky_blue"], "low"), ("high_year", OKABE_ITO["blue"],
                                                                              "high")):
        fig.bar(y=rows["label"], x=rows[column] - base_year, base=base_year, orientation="h",
                name=t(f"charts.forecast.tornado.{key}", lang), marker={"color": colour},
                customdata=rows[column], hovertemplate="<b>%{y}</b><br>%{customdata:.1f}<extra></extra>",
                meta={"unit": "year"})
    fig.vertical_line(base_year, {"color": ACCENT, "width": 2})
    fig.update_layout({"barmode": "overlay", "yaxis": {"autorange": "reversed"},
                       "xaxis": {"title": {"text": t("charts.axis.ceiling_year", lang)}, "tickformat": "d",
                                 "range": whole_year_range([base_year, *rows["low_year"], *rows["high_year"]])},
                       "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}})
    # The central line is named by its calendar year (floor, as every ceiling year the product quotes):
    # a crossing at 2034.83 happens in 2034, not "2035".
    fig.finish(chart_id="forecast-tornado", sources=sources, units={"x": "year", "y": ""},
               title=t("charts.forecast.tornado.title", lang, parameter=rows["label"].iloc[0]),
               subtitle=t("charts.forecast.tornado.subtitle", lang, year=math.floor(base_year + 1e-9)))
    return fig.figure()


def whole_year_range(years: Sequence[float]) -> list[float]:
    """An axis range from the whole year at or before the first value to the one at or after the last (two
    years at least), a little padded: a year axis over a few months still shows labelled ticks."""
    finite = [float(y) for y in years if y is not None and math.isfinite(float(y))]
    first = math.floor(min(finite) + 1e-9)
    last = max(math.ceil(max(finite) - 1e-9), first + 1)
    return [first - 0.25, last + 0.25]


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
    vertical_line(fig, cutoff, dict(color=CONTEXT_GREY, width=1, dash="dot"))
    log_axis(fig, t("charts.axis.training_compute", lang), list(actual["value"]) + list(forecast.y))
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="claims-backtest", sources=sources_of(actual) + list(forecast.sources),
                  units={"x": "year", "y": unit}, title=t("charts.backtest.title", lang, year=cutoff),
                  subtitle=t("charts.backtest.subtitle", lang))


# --- engine results to figures ----------------------------------------------------------------------
# Duck-typed on models.forecast.Forecast, models.montecarlo.MonteCarlo / TornadoBar and
# models.backtest.Backtest, so this module imports the engine only for its band layout.


def _band_row(percentile: int) -> int:
    from models.montecarlo import BAND_PERCENTILES

    return BAND_PERCENTILES.index(percentile)


def _mc_line(mc, name: str, label: str, colour: str, sources: Sequence[str], lang: str) -> Line:
    """A Monte Carlo quantity ("demand" / "available") as its median with the 10–90% band."""
    band = mc.bands[name]
    return Line(label=label, x=list(mc.years), y=list(band[_band_row(50)]), low=list(band[_band_row(10)]),
                high=list(band[_band_row(90)]), colour=colour, sources=tuple(sources), unit="FLOP",
                band_label=t("charts.forecast2.band_10_90", lang))


def demand_label(scenario, lang: str) -> str:
    return t("charts.forecast2.series_demand", lang, scope=t(f"scenario.demand_scope.options.{scenario.demand_scope}",
                                                            lang))


def _constrained(fc) -> bool:
    """True when the forecast's feasible run differs from the chips' available compute somewhere."""
    feasible = getattr(fc, "feasible_flop", None)
    return feasible is not None and feasible is not fc.available_flop and not np.array_equal(feasible,
                                                                                             fc.available_flop)


HERO_YEARS_BACK = 10  # the hero starts ten years before the base year (2015 for 2025)


@dataclass(frozen=True)
class Comparison:
    """A pinned scenario A drawn in grey on the hero beside the current one (B): its forecast, its Monte Carlo
    (None: the deterministic crossing is marked) and the sources of its two lines."""

    forecast: object  # models.forecast.Forecast
    monte_carlo: object = None  # models.montecarlo.MonteCarlo
    demand_sources: Sequence[str] = ()
    supply_sources: Sequence[str] = ()


def _supply_label(fc, lang: str) -> str:
    """The supply line's name: the largest feasible run when run-level constraints cut it, else the compute
    available to the run."""
    return t("charts.constraints.feasible" if _constrained(fc) else "charts.forecast2.series_available", lang)


def _pinned_lines(compare: Comparison, lang: str) -> tuple[list[Line], tuple[float, str] | None]:
    """The pinned scenario's projected supply and demand as grey dashed Lines named "A: …", and its headline
    crossing (the Monte Carlo median, else the deterministic one) with its label."""
    fc = compare.forecast
    future = fc.t >= fc.scenario.base_year - 1e-9
    supply_y = fc.feasible_flop if _constrained(fc) else fc.available_flop
    lines = [Line(label=t("compare.series_a", lang, name=name), x=list(fc.t[future]), y=list(values[future]),
                  colour=CONTEXT_GREY, dashed=True, sources=tuple(sources), unit="FLOP", width=2.0)
             for name, values, sources in ((_supply_label(fc, lang), supply_y, compare.supply_sources),
                                           (demand_label(fc.scenario, lang), fc.demand_flop, compare.demand_sources))]
    mc = compare.monte_carlo
    crossing = mc.p50 if mc is not None else fc.ceiling_time
    if crossing is None or not math.isfinite(crossing):
        return lines, None
    return lines, (crossing, t("compare.ceiling_a", lang, year=math.floor(crossing + 1e-9)))


def hero_figure(fc, mc, lang: str = "en", *, demand_sources: Sequence[str] = (), supply_sources: Sequence[str] = (),
                record: Line | None = None, records: pd.DataFrame | None = None,
                supply_history_since: float | None = None, compare: Comparison | None = None) -> go.Figure:
    """Demand against available supply: history as history (the record training runs as dots, the compute
    available from chip sales since `supply_history_since` solid), projections dashed from the base year,
    each with its Monte Carlo 10–90% band, the crossing at fc.ceiling_time and the 10–90% range of the
    ceiling year. `record` (a line of the record by year) is the older form of `records`.

    With `compare`, a pinned scenario A is drawn in grey (its demand and supply lines and its crossing) and
    every series of this scenario is named "B: …", so the CSV tells the two apart; the title stays B's."""
    scenario = fc.scenario
    start = scenario.base_year - HERO_YEARS_BACK
    future = fc.t >= scenario.base_year - 1e-9
    own = (lambda name: t("compare.series_b", lang, name=name)) if compare is not None else (lambda name: name)
    d_label, s_label = own(demand_label(scenario, lang)), own(_supply_label(fc, lang))
    constrained = _constrained(fc)  # the run-level constraints cut the compute available to the run
    supply_y = fc.feasible_flop if constrained else fc.available_flop
    t_future = fc.t[future]
    demand = Line(label=d_label, x=t_future, y=fc.demand_flop[future], colour=DEMAND_COLOUR,
                  dashed=True, sources=tuple(demand_sources), unit="FLOP", width=2.5)
    supply = Line(label=s_label, x=t_future, y=supply_y[future], colour=SUPPLY_COLOUR,
                  dashed=True, sources=tuple(supply_sources), unit="FLOP", width=2.5)
    bands = []
    if mc is not None:
        supply_band = "feasible" if constrained and "feasible" in mc.bands else "available"
        bands = [_mc_line(mc, supply_band, s_label, SUPPLY_COLOUR, supply_sources, lang),
                 _mc_line(mc, "demand", d_label, DEMAND_COLOUR, demand_sources, lang)]
    history = [record] if record else []
    if supply_history_since is not None and supply_history_since < scenario.base_year:
        past = (fc.t >= max(supply_history_since, start) - 1e-9) & (fc.t <= scenario.base_year + 1e-9)
        history.append(Line(label=own(t("charts.polish.supply_history", lang)), x=fc.t[past],
                            y=fc.available_flop[past], colour=SUPPLY_COLOUR, sources=tuple(supply_sources),
                            unit="FLOP", width=2.5, direct_label=False))
    if scenario.algorithmic_efficiency:  # effective compute beside the physical compute that meets supply
        history.append(Line(label=own(t("charts.forecast2.series_effective", lang)), x=t_future,
                            y=fc.effective_demand_flop[future], colour=OKABE_ITO["sky_blue"], dashed=True,
                            sources=tuple(demand_sources), unit="FLOP"))
    marks = record_marks(records, start)
    p10, p50, p90 = (mc.p10, mc.p50, mc.p90) if mc is not None else (None, None, None)  # each a quantile: read once
    span = (p10, p90) if p10 is not None and p90 is not None else None
    # The crossing drawn and named is the headline one (models.headline): the Monte Carlo median when there
    # is one, so the title, the marker, the page's metric and the CLI's headline_year say the same year.
    crossing = p50 if mc is not None else fc.ceiling_time
    pinned, pinned_ceiling = _pinned_lines(compare, lang) if compare is not None else ([], None)
    subtitle = t("charts.polish.hero_subtitle", lang)
    if compare is not None:
        subtitle = t("compare.hero_subtitle", lang, subtitle=subtitle)
    fig = FigureDict()
    _demand_vs_supply(fig, demand, supply, lang, ceiling_year=crossing, ceiling_range=span,
                      horizon=scenario.horizon, history=history, bands=bands, records=marks,
                      subtitle=subtitle, pinned=pinned, pinned_ceiling=pinned_ceiling,
                      ceiling_name=own if compare is not None else None)
    horizon = max(scenario.horizon, compare.forecast.scenario.horizon) if compare is not None else scenario.horizon
    first = min([start, *[min(line.x) for line in history if len(line.x)]])
    last = max([horizon, *demand.x, *supply.x])
    fig.update_layout({"xaxis": {"range": [float(max(first, start) - 0.5), float(last + HERO_AXIS_PAD_YEARS)]}})
    _labels_in_right_margin(fig)
    if compare is not None:
        fig.layout["meta"] = {**fig.layout["meta"], "compare": _compare_meta(compare)}
    return fig.figure()


def _compare_meta(compare: Comparison) -> dict:
    """What the data package records of the pinned scenario A: its link parameters and ceiling years."""
    from models.headline import headline_year

    fc, mc = compare.forecast, compare.monte_carlo
    return {"params": {"preset": fc.scenario.preset, **fc.scenario.to_params()},
            "headline_year": headline_year(fc, mc), "ceiling_p10": getattr(mc, "p10", None),
            "ceiling_p50": getattr(mc, "p50", None), "ceiling_p90": getattr(mc, "p90", None)}


HERO_AXIS_PAD_YEARS = 0.3  # the year axis ends just after the projection: no empty years drawn past the data
LABEL_LINE_UNITS = 20  # a direct label longer than this wraps onto a second line
LABEL_FONT_PX = 12


def _labels_in_right_margin(fig: FigureDict) -> None:
    """Direct labels sit right of the lines' ends, in the right margin (wrapped onto two lines when long),
    and the margin is made as wide as the widest line of them, instead of years of empty axis."""
    from charts.common import CHAR_WIDTH
    from charts.text import display_width, wrap_line

    widest = 0
    for note in fig.annotations:
        if note.get("name") != "direct-label" or not note.get("text"):
            continue
        lines = wrap_line(str(note["text"]), LABEL_LINE_UNITS)
        note["text"], note["align"] = "<br>".join(lines), "left"
        widest = max(widest, *(display_width(line) for line in lines))
    if widest:
        margin = fig.layout.get("margin", {}).get("r", 0)
        fig.update_layout({"margin": {"r": max(margin, round(widest * LABEL_FONT_PX * CHAR_WIDTH) + 16)}})


def fan_figure(mc, scenario, lang: str = "en", *, demand_sources: Sequence[str] = (),
               supply_sources: Sequence[str] = ()) -> go.Figure:
    """The Monte Carlo fan of demand (median, 10–90%) with available compute's band beside it; the title
    states the 10–90% range of demand in the last year."""
    band = mc.bands["demand"]
    quantiles = {q: band[_band_row(round(q * 100))] for q in (0.1, 0.5, 0.9)}
    supply = _mc_line(mc, "available", t("charts.forecast2.series_available", lang), SUPPLY_COLOUR,
                      supply_sources, lang)
    fig = FigureDict()
    _monte_carlo_fan(fig, mc.years, quantiles, lang, label=demand_label(scenario, lang), sources=demand_sources,
                     others=[supply], chart_id="forecast-fan")
    title = t("charts.forecast2.fan_title", lang, year=int(mc.years[-1]), low=format_sci(quantiles[0.1][-1]),
              high=format_sci(quantiles[0.9][-1]))
    fig.update_layout({"title": {"text": title, "subtitle": {"text": t("charts.forecast2.fan_subtitle", lang,
                                                                       samples=mc.samples)}}})
    return fig.figure()


def probability_figure(mc, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    return ceiling_probability(mc.years, mc.p_by_year, lang, sources=sources)


def tornado_figure(base_time, bars, scenario, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """Tornado of the ceiling year; "no ceiling before the horizon" is drawn at horizon + 1."""
    beyond = scenario.horizon + 1
    rows = pd.DataFrame([
        {"label": t(f"scenario.{bar.field}.label", lang),
         "low_year": beyond if bar.ceiling_at_low is None else bar.ceiling_at_low,
         "high_year": beyond if bar.ceiling_at_high is None else bar.ceiling_at_high,
         "low_value": bar.low_value, "high_value": bar.high_value}
        for bar in bars
    ], columns=["label", "low_year", "high_year", "low_value", "high_value"])
    return tornado(rows, beyond if base_time is None else base_time, lang, sources=sources)


def binding_frame(fc) -> pd.DataFrame:
    """Per year from the year before the base year: what each supply-chain link allows (H100e/year, at
    mid-year), the uncapped shipment trend ("trend", projected years only), and whether it binds, from
    fc.annual()'s `binding` column (up to the base year: the tightest link the data cover). Links not
    modelled (infinite) are left out."""
    annual = fc.annual()
    annual = annual[(annual["year"] >= fc.scenario.base_year - 1) & (annual["binding"] != "history")]
    columns = ["year", "link", "capacity_h100e", "binding"]
    if not fc.caps_h100e or annual.empty:
        return pd.DataFrame(columns=columns)
    year = annual["year"].to_numpy()
    at = np.searchsorted(fc.t, year.astype(float) + 0.5 - 1e-9)
    binds = annual["binding"].to_numpy(dtype=object)
    projected = annual["projected"].to_numpy(dtype=bool)
    # each link's rows, then the trend's (projected years only), stacked as plain arrays: one frame at the end
    parts = [(link, np.ones(len(year), dtype=bool), caps[at]) for link, caps in fc.caps_h100e.items()]
    parts.append(("trend", projected, fc.trend_h100e[at]))
    links = np.concatenate([np.full(int(rows.sum()), link, dtype=object) for link, rows, _ in parts])
    capacity = np.concatenate([np.asarray(values, dtype=float)[rows] for _, rows, values in parts])
    keep = np.isfinite(capacity)
    return pd.DataFrame({
        "year": np.concatenate([year[rows] for _, rows, _ in parts])[keep],
        "link": pd.array(links[keep].tolist(), dtype="str"),  # the string dtype pandas infers for the labels
        "capacity_h100e": capacity[keep],
        "binding": np.concatenate([binds[rows] == link for link, rows, _ in parts])[keep],
    }, columns=columns)


def binding_figure(fc, lang: str = "en", *, sources: Sequence[str] = (), cap_switched_on: bool = False) -> go.Figure:
    """Which link binds each year; the title names the link that binds in the first projected year and since
    when (the present is what the data can check; later years follow from the assumed growth rates).
    `cap_switched_on`: the user's scenario had the cap off and `fc` was run with it on (the subtitle says so)."""
    from charts.supply import _binding_link, binding_link

    frame = binding_frame(fc)
    if frame.empty:
        return binding_link(frame, lang, sources=sources)
    fig = FigureDict()
    _binding_link(fig, frame, lang, sources=sources)
    binding = frame[frame["binding"]].sort_values("year")
    links, years = binding["link"].tolist(), binding["year"].tolist()
    start = next((i for i, year in enumerate(years) if year > fc.scenario.base_year), len(links) - 1)
    last = links[start]
    while start > 0 and links[start - 1] == last:  # back to the first year of this unbroken run
        start -= 1
    first_year = int(years[start])
    if last == "trend":
        title = t("charts.forecast2.binding_title_none", lang, horizon=fc.scenario.horizon)
    else:
        title = t("charts.forecast2.binding_title", lang, link=t(f"charts.link.{last}", lang), year=first_year)
    subtitle = t("charts.supply.binding.subtitle", lang)
    if cap_switched_on:
        subtitle += t("charts.forecast2.binding_cap_off", lang)
    fig.update_layout({"title": {"text": title, "subtitle": {"text": subtitle}}})
    return fig.figure()


def claims_figure(rows: pd.DataFrame, lang: str = "en") -> go.Figure:
    """claims_check with a title that counts the claims running faster than the data's 90% interval."""
    fig = claims_check(rows, lang)
    if rows.empty:
        return fig
    faster = int((rows["claimed_growth"] > rows.get("data_high", rows["data_growth"])).sum())
    fig.update_layout(title=dict(text=t("charts.forecast2.claims_title", lang, faster=faster, total=len(rows))))
    return fig


def backtest_figure(bt, actual: pd.DataFrame, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """The backtest: points before and after the cut-off, the projection from the record at the cut-off
    (dashed, with the 90% growth interval when bootstrapped); the title gives the mean error."""
    table = bt.table
    x = [bt.fit_through, *table["year"].tolist()]
    band = {}
    if {"predicted_low", "predicted_high"} <= set(table.columns):
        band = dict(low=[bt.start_flop, *table["predicted_low"]], high=[bt.start_flop, *table["predicted_high"]],
                    band_label=t("charts.band.ci90", lang))
    line = Line(label=t("charts.forecast2.backtest_line", lang, year=bt.fit_through), x=x,
                y=[bt.start_flop, *table["predicted_flop"]], colour=ACCENT, dashed=True, sources=tuple(sources),
                unit="FLOP", **band)
    fig = backtest(actual, line, bt.fit_through, lang)
    error = bt.mean_abs_error_oom
    if math.isfinite(error):
        fig.update_layout(title=dict(text=t("charts.forecast3.backtest_title", lang, year=bt.fit_through,
                                            error=error)))
    return fig


SHARE_SHOWN_UP_TO = 10.0  # the needed share is drawn until it reaches ten times the world's stock


def share_figure(annual: pd.DataFrame, points: pd.DataFrame, base_year: int, lang: str = "en", *,
                 sources: Sequence[str] = ()) -> go.Figure:
    """The calibration of the allocation: the share of the world's installed AI compute that the demand
    (the largest run) needs each year, against the share the scenario allows (today's value rising to its
    cap) and the cap, with the record runs and record clusters as points (each ÷ the stock at its date).

    `annual`: year, implied_share, share, share_cap (models.forecast.Forecast.annual());
    `points`: kind (record | cluster), t, name, share (models.forecast.calibration_points)."""
    annual = annual[annual["implied_share"] <= SHARE_SHOWN_UP_TO]  # past 10x the whole stock, the line says nothing
    if annual.empty:
        return empty_figure(lang, "allocation-share")
    fig = FigureDict()
    x = annual["year"].to_numpy(dtype=float) + 0.5  # annual values sit at mid-year
    history = annual["year"].to_numpy() <= base_year
    needed = annual["implied_share"].to_numpy(dtype=float) * 100
    label = t("engine.calibration.needed", lang)
    fig.line(Line(label=label, x=x[history].tolist(), y=needed[history].tolist(), colour=DEMAND_COLOUR,
                  unit="%", sources=tuple(sources), direct_label=False), lang=lang)
    join = max(int(history.sum()) - 1, 0)  # the projection starts from the base year's point
    fig.line(Line(label=label, x=x[join:].tolist(), y=needed[join:].tolist(), colour=DEMAND_COLOUR,
                  dashed=True, unit="%", sources=tuple(sources)), lang=lang)
    fig.line(Line(label=t("engine.calibration.allowed", lang), x=x.tolist(),
                  y=(annual["share"].to_numpy(dtype=float) * 100).tolist(), colour=SUPPLY_COLOUR, dashed=True,
                  unit="%", sources=tuple(sources)), lang=lang)
    cap = float(annual["share_cap"].iloc[-1]) * 100
    fig.scatter(x=[x[0], x[-1]], y=[cap, cap], mode="lines", name=t("engine.calibration.cap", lang),
                line={"color": CONTEXT_GREY, "width": 1.5, "dash": "dot"}, meta={"unit": "%"},
                hovertemplate=f"{t('engine.calibration.cap', lang)}: {cap:.0f}%<extra></extra>")
    for kind, symbol, colour in (("record", "circle", DEMAND_COLOUR), ("cluster", "square", SUPPLY_COLOUR)):
        part = points[points["kind"] == kind] if not points.empty else points
        if part.empty:
            continue
        fig.scatter(
            x=part["t"], y=part["share"] * 100, mode="markers", name=t(f"engine.calibration.{kind}", lang),
            marker={"color": colour, "size": 9, "symbol": symbol, "line": {"color": "white", "width": 1}},
            customdata=part["name"], meta={"unit": "%"},
            hovertemplate="<b>%{customdata}</b><br>%{x:.2f}: %{y:.2g}%<extra></extra>")
    values = [*needed, cap, *(points["share"] * 100 if not points.empty else [])]
    fig.log_axis(t("engine.calibration.yaxis", lang) + " (%)", values)
    fig.year_axis(t("charts.axis.year", lang))
    fig.update_layout({"legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}})
    today = annual[annual["year"] == base_year]
    share = float(today["implied_share"].iloc[0]) if len(today) else float(annual["implied_share"].iloc[0])
    fig.finish(chart_id="allocation-share", sources=sources, units={"x": "year", "y": "%"},
               title=t("engine.calibration.title", lang, share=share, year=base_year, cap=cap / 100),
               subtitle=t("engine.calibration.subtitle", lang))
    return fig.figure()


# --- run-level constraints and the engine backtest ---------------------------------------------------

CONSTRAINT_COLOURS = {"chips": OKABE_ITO["green"], "power": OKABE_ITO["orange"], "money": OKABE_ITO["purple"],
                      "data": OKABE_ITO["sky_blue"], "latency": CONTEXT_GREY}


def binding_spans(frame: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(constraint, first year, last year) for each unbroken run of the same binding constraint."""
    return _binding_spans(frame["year"].astype(int).tolist(), frame["binding"].astype(str).tolist())


def _binding_spans(years: Sequence[int], binding: Sequence[str]) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    for year, name in zip(years, binding, strict=True):
        if spans and spans[-1][0] == name and spans[-1][2] == year - 1:
            spans[-1] = (name, spans[-1][1], year)
        else:
            spans.append((name, year, year))
    return spans


def constraints_figure(frame: pd.DataFrame, in_use: Sequence[str], lang: str = "en", *,
                       ceiling_year: int | None = None, sources: Sequence[str] = (),
                       demand_label_text: str | None = None) -> go.Figure:
    """Every run-level constraint's largest feasible run by year (dashed; a constraint not in use is thin and
    grey), the feasible run (their minimum, thick), and demand; hover on the feasible run names the binding
    constraint. The title names what binds in the ceiling year (or at the horizon) and since when.

    `frame`: models.constraints.table rows (year, demand_flop, <name>_flop, feasible_flop, binding)."""
    if frame.empty:
        return empty_figure(lang, "forecast-constraints")
    fig = FigureDict()
    columns = {c: values.tolist() for c, values in frame.items()}  # one pass over the frame, then plain lists
    whole_years = [int(y) for y in columns.pop("year")]
    binding = [str(b) for b in columns.pop("binding")]
    years = [float(y) for y in whole_years]
    for name, colour in CONSTRAINT_COLOURS.items():
        used = name in in_use
        label = t(f"charts.constraints.{name}", lang) + ("" if used else t("charts.constraints.not_in_use", lang))
        fig.line(Line(label=label, x=years, y=columns[f"{name}_flop"], colour=colour if used else CONTEXT_GREY,
                      dashed=True, width=2.0 if used else 1.0, sources=tuple(sources), unit="FLOP"), lang=lang)
    names = [t(f"charts.constraints.{b}", lang) for b in binding]
    feasible = columns["feasible_flop"]
    fig.scatter(
        x=years, y=feasible, name=t("charts.constraints.feasible", lang), mode="lines",
        line={"color": OKABE_ITO["vermillion"], "width": 4},
        customdata=list(zip([format_sci(v) for v in feasible], names, strict=True)),
        meta={"sources": list(sources), "unit": "FLOP"},
        hovertemplate=(f"<b>{t('charts.constraints.feasible', lang)}</b><br>%{{x:.0f}}: %{{customdata[0]}} FLOP"
                       f"<br>{t('charts.constraints.binding', lang)}: %{{customdata[1]}}<extra></extra>"))
    fig.line(Line(label=demand_label_text or t("charts.constraints.demand", lang), x=years,
                  y=columns["demand_flop"], colour=DEMAND_COLOUR, width=2.5, sources=tuple(sources),
                  unit="FLOP"), lang=lang)
    fig.log_axis(t("charts.axis.training_compute", lang),
                 [v for c, values in columns.items() if c.endswith("_flop") for v in values])
    fig.year_axis(t("charts.axis.year", lang))
    fig.update_layout({"legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}})
    spans = _binding_spans(whole_years, binding)
    year = ceiling_year if ceiling_year is not None and ceiling_year in set(whole_years) else int(years[-1])
    span = next(s for s in spans if s[1] <= year <= s[2])
    key = "charts.constraints.title_ceiling" if ceiling_year is not None else "charts.constraints.title_none"
    title = t(key, lang, binding=t(f"charts.constraints.{span[0]}", lang), since=span[1], year=year)
    changes = "; ".join(t("charts.constraints.span", lang, binding=t(f"charts.constraints.{n}", lang), start=a, end=b)
                        for n, a, b in spans)
    fig.finish(chart_id="forecast-constraints", sources=sources, units={"x": "year", "y": "FLOP"},
               title=title, subtitle=t("charts.constraints.subtitle", lang, spans=changes))
    return fig.figure()


def engine_backtest_figure(bt, records: pd.DataFrame, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    """The engine run as of bt.as_of: its 10–90% band and median of the largest run per later year against
    the records that came (`records`: year, value, name, source_id); the title gives coverage and error."""
    rows = bt.rows
    if rows.empty:
        return empty_figure(lang, "forecast-backtest")
    line = Line(label=t("charts.engine_backtest.forecast", lang, year=bt.as_of), x=rows["year"].astype(float).tolist(),
                y=rows["p50"].tolist(), low=rows["p10"].tolist(), high=rows["p90"].tolist(), colour=ACCENT,
                dashed=True, sources=tuple(sources), unit="FLOP", band_label=t("charts.forecast2.band_10_90", lang))
    fig = new_figure()
    add_line(fig, line, lang=lang)
    before = records[records["year"] < bt.as_of + 1]
    after = records[records["year"] >= bt.as_of + 1]
    for part, key, colour in ((before, "before", CONTEXT_GREY), (after, "after", OKABE_ITO["blue"])):
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], mode="markers", marker=dict(color=colour, size=8),
                                 name=t(f"charts.engine_backtest.{key}", lang, year=bt.as_of), text=part.get("name"),
                                 hovertemplate="<b>%{text}</b><br>%{x:.1f}: %{y:.2e} FLOP<extra></extra>",
                                 meta={"sources": sources_of(part), "unit": "FLOP"}))
    vertical_line(fig, bt.as_of + 1, dict(color=CONTEXT_GREY, width=1, dash="dot"))
    log_axis(fig, t("charts.axis.training_compute", lang), list(records["value"]) + list(rows["p10"])
             + list(rows["p90"]))
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    title = t("charts.engine_backtest.title", lang, year=bt.as_of, coverage=round(100 * bt.coverage_80),
              error=bt.mean_abs_error_oom)
    return finish(fig, chart_id="forecast-backtest", sources=[*sources_of(records), *sources],
                  units={"x": "year", "y": "FLOP"}, title=title,
                  subtitle=t("charts.engine_backtest.subtitle", lang, date=bt.latest_input_date))
