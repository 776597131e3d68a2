"""The Forecast page's figures as they were built before the fast path: one Plotly call per trace, label,
shape and layout change, through the shared helpers of charts/common.py and charts/theme.py (pure helpers
that draw nothing, such as `whole_year_range`, are imported from charts/forecast.py, not copied).

A frozen copy of charts/forecast.py's builders (hero, fan, probability, constraints, tornado,
allocation share, binding link) as of the commit that
replaced them with plain-dict figures built in one pass. tests/charts/test_fast_figures.py builds every
figure both ways from the same engine results and asserts that `to_plotly_json()` is equal; this module is
the "reference" implementation and should change only when the figures are meant to change (then the fast
builders change the same way, and the test shows they still agree).
"""

# ruff: noqa
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import registry
from charts.common import Line, add_band, add_line, empty_figure, finish, sources_of, vertical_band, vertical_line
from charts.forecast import (
    DEMAND_COLOUR,
    HERO_AXIS_PAD_YEARS,
    HERO_YEARS_BACK,
    LABEL_FONT_PX,
    LABEL_LINE_UNITS,
    SUPPLY_COLOUR,
    CONSTRAINT_COLOURS,
    Comparison,
    _band_row,
    _compare_meta,
    _constrained,
    _mc_line,
    _pinned_lines,
    _supply_label,
    _value_at,
    SHARE_SHOWN_UP_TO,
    demand_label,
    whole_year_range,
)
from charts.theme import (
    ACCENT,
    CONTEXT_GREY,
    OKABE_ITO,
    band_fill,
    colour_for,
    format_sci,
    log_axis,
    new_figure,
    year_axis,
)
from i18n import t


def add_record_points(fig: go.Figure, records: pd.DataFrame, lang: str) -> None:
    """The record training runs (year, training_compute_flop, name, source_id) as solid grey dots: data,
    not a trend; named by a label under the latest one."""
    if records is None or records.empty:
        return
    fig.add_trace(go.Scatter(
        x=records["year"].astype(float).tolist(), y=records["training_compute_flop"].astype(float).tolist(),
        mode="markers", name=t("charts.polish.record_points", lang), showlegend=False,
        marker=dict(color=CONTEXT_GREY, size=8, line=dict(width=1, color=CONTEXT_GREY)),
        customdata=np.column_stack([records["name"].astype(str),
                                    [format_sci(v) for v in records["training_compute_flop"]]]),
        hovertemplate="<b>%{customdata[0]}</b><br>%{x:.1f}: %{customdata[1]} FLOP<extra></extra>",
        meta={"sources": sources_of(records), "unit": "FLOP"},
    ))
    last = records.iloc[-1]
    fig.add_annotation(x=float(last["year"]), y=float(last["training_compute_flop"]), text=t(
        "charts.polish.record_points", lang), showarrow=False, xanchor="left", yanchor="top", xshift=6,
        yshift=-4, font=dict(color=CONTEXT_GREY, size=12), name="direct-label")


def demand_vs_supply(demand: Line, supply: Line, lang: str = "en", *, ceiling_year: float | None = None,
                     ceiling_range: tuple[float, float] | None = None, horizon: int | None = None,
                     history: Sequence[Line] = (), bands: Sequence[Line] = (),
                     records: pd.DataFrame | None = None, subtitle: str | None = None,
                     pinned: Sequence[Line] = (), pinned_ceiling: tuple[float, str] | None = None,
                     ceiling_name: Callable[[str], str] | None = None) -> go.Figure:
    """The hero chart: compute of the largest run (demand) against compute available to it (supply), in
    FLOP on a log axis, the crossing marked in the accent colour with its 10–90% band.

    `ceiling_year` is the crossing as a decimal year (the line sits there); the title names the calendar
    year it falls in. `bands` are drawn as bands only (e.g. Monte Carlo 10–90% of demand and supply).
    `pinned` are a pinned scenario's lines (supply, then demand), drawn under the others, and `pinned_ceiling`
    its crossing (decimal year, label), marked in grey on its demand line; `ceiling_name` then renames this
    scenario's crossing ("B: Ceiling 2031")."""
    fig = new_figure()
    for band in bands:
        add_band(fig, band)
    for line in [*pinned, *history, supply, demand]:
        add_line(fig, line, lang=lang)
    if pinned and pinned_ceiling is not None and math.isfinite(pinned_ceiling[0]):
        _mark_pinned_ceiling(fig, pinned[-1], *pinned_ceiling)
    add_record_points(fig, records, lang)
    if ceiling_range is not None and all(v is not None and math.isfinite(v) for v in ceiling_range):
        vertical_band(fig, ceiling_range[0], ceiling_range[1], fillcolor=band_fill(ACCENT, 0.12),
                      line=dict(width=0), layer="below")
    if ceiling_year is not None and math.isfinite(ceiling_year):
        year = math.floor(ceiling_year + 1e-9)
        mark = (ceiling_name or str)(t("charts.forecast.ceiling_mark", lang, year=year))
        vertical_line(fig, ceiling_year, dict(color=ACCENT, width=2))
        fig.add_trace(go.Scatter(x=[ceiling_year], y=[_value_at(demand, ceiling_year)], mode="markers",
                                 name=mark, showlegend=False,
                                 marker=dict(color=ACCENT, size=11, line=dict(color="white", width=1.5)),
                                 hovertemplate="%{x:.1f}: %{y:.2s} FLOP<extra></extra>", meta={"unit": "FLOP"}))
        fig.add_annotation(x=ceiling_year, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text=mark, font=dict(color=ACCENT, size=13), name="ceiling")
        title = t("charts.forecast.hero.title", lang, year=year)
    else:
        title = t("charts.forecast.hero.title_none", lang, horizon=horizon or int(max(demand.x)))
    drawn = [*pinned, *history, supply, demand, *bands]
    values = [v for line in drawn for v in [*line.y, *(line.low or []), *(line.high or [])]]
    if records is not None and not records.empty:
        values += records["training_compute_flop"].astype(float).tolist()
    log_axis(fig, t("charts.axis.flop_per_run", lang), values)
    year_axis(fig, t("charts.axis.year", lang))
    sources = [s for line in drawn for s in line.sources] + sources_of(records)
    return finish(fig, chart_id="forecast-hero", sources=sources, units={"x": "year", "y": "FLOP"}, title=title,
                  subtitle=subtitle if subtitle is not None else t("charts.forecast.hero.subtitle", lang))


def _mark_pinned_ceiling(fig: go.Figure, demand: Line, year: float, label: str) -> None:
    """A pinned scenario's crossing: a dotted grey rule, a grey dot on its demand line, and its label at the
    foot of the plot (the current scenario's label sits at the top)."""
    vertical_line(fig, year, dict(color=CONTEXT_GREY, width=1.5, dash="dot"))
    fig.add_trace(go.Scatter(x=[year], y=[_value_at(demand, year)], mode="markers", name=label, showlegend=False,
                             marker=dict(color=CONTEXT_GREY, size=10, line=dict(color="white", width=1.5)),
                             hovertemplate="%{x:.1f}: %{y:.2s} FLOP<extra></extra>",
                             meta={"unit": "FLOP", "sources": list(demand.sources)}))
    fig.add_annotation(x=year, y=0, xref="x", yref="paper", xanchor="left", yanchor="bottom", xshift=4,
                       showarrow=False, text=label, font=dict(color=CONTEXT_GREY, size=12), name="pinned-ceiling")


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
            add_band(fig, Line(label=label, x=list(years), y=list(quantiles[0.5]), low=list(quantiles[low]),
                               high=list(quantiles[high]), colour=colour, sources=tuple(sources), unit=unit,
                               band_label=t("charts.forecast2.band_10_90", lang) if (low, high) == (0.1, 0.9)
                               else f"{low:.0%}–{high:.0%}"))  # the band only; the median is drawn once below
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
    demand = Line(label=d_label, x=list(fc.t[future]), y=list(fc.demand_flop[future]), colour=DEMAND_COLOUR,
                  dashed=True, sources=tuple(demand_sources), unit="FLOP", width=2.5)
    supply = Line(label=s_label, x=list(fc.t[future]), y=list(supply_y[future]), colour=SUPPLY_COLOUR,
                  dashed=True, sources=tuple(supply_sources), unit="FLOP", width=2.5)
    bands = []
    if mc is not None:
        supply_band = "feasible" if constrained and "feasible" in mc.bands else "available"
        bands = [_mc_line(mc, supply_band, s_label, SUPPLY_COLOUR, supply_sources, lang),
                 _mc_line(mc, "demand", d_label, DEMAND_COLOUR, demand_sources, lang)]
    history = [record] if record else []
    if supply_history_since is not None and supply_history_since < scenario.base_year:
        past = (fc.t >= max(supply_history_since, start) - 1e-9) & (fc.t <= scenario.base_year + 1e-9)
        history.append(Line(label=own(t("charts.polish.supply_history", lang)), x=list(fc.t[past]),
                            y=list(fc.available_flop[past]), colour=SUPPLY_COLOUR, sources=tuple(supply_sources),
                            unit="FLOP", width=2.5, direct_label=False))
    if scenario.algorithmic_efficiency:  # effective compute beside the physical compute that meets supply
        effective = fc.effective_demand_flop[future]
        history.append(Line(label=own(t("charts.forecast2.series_effective", lang)), x=list(fc.t[future]),
                            y=list(effective), colour=OKABE_ITO["sky_blue"], dashed=True,
                            sources=tuple(demand_sources), unit="FLOP"))
    if records is not None and not records.empty:
        records = records[records["year"].astype(float) >= start]
    span = (mc.p10, mc.p90) if mc is not None and mc.p10 is not None and mc.p90 is not None else None
    # The crossing drawn and named is the headline one (models.headline): the Monte Carlo median when there
    # is one, so the title, the marker, the page's metric and the CLI's headline_year say the same year.
    crossing = mc.p50 if mc is not None else fc.ceiling_time
    pinned, pinned_ceiling = _pinned_lines(compare, lang) if compare is not None else ([], None)
    subtitle = t("charts.polish.hero_subtitle", lang)
    if compare is not None:
        subtitle = t("compare.hero_subtitle", lang, subtitle=subtitle)
    fig = demand_vs_supply(demand, supply, lang, ceiling_year=crossing, ceiling_range=span,
                           horizon=scenario.horizon, history=history, bands=bands, records=records,
                           subtitle=subtitle, pinned=pinned, pinned_ceiling=pinned_ceiling,
                           ceiling_name=own if compare is not None else None)
    horizon = max(scenario.horizon, compare.forecast.scenario.horizon) if compare is not None else scenario.horizon
    first = min([start, *[min(line.x) for line in history if len(line.x)]])
    last = max([horizon, *demand.x, *supply.x])
    fig.update_xaxes(range=[max(first, start) - 0.5, last + HERO_AXIS_PAD_YEARS])
    _labels_in_right_margin(fig)
    if compare is not None:
        fig.update_layout(meta={**dict(fig.layout.meta or {}), "compare": _compare_meta(compare)})
    return fig


def _labels_in_right_margin(fig: go.Figure) -> None:
    """Direct labels sit right of the lines' ends, in the right margin (wrapped onto two lines when long),
    and the margin is made as wide as the widest line of them, instead of years of empty axis."""
    from charts.common import CHAR_WIDTH
    from charts.text import display_width, wrap_line

    widest = 0
    for note in fig.layout.annotations:
        if note.name != "direct-label" or not note.text:
            continue
        lines = wrap_line(str(note.text), LABEL_LINE_UNITS)
        note.text, note.align = "<br>".join(lines), "left"
        widest = max(widest, *(display_width(line) for line in lines))
    if widest:
        margin = fig.layout.margin.r if fig.layout.margin.r is not None else 0
        fig.update_layout(margin=dict(r=max(margin, round(widest * LABEL_FONT_PX * CHAR_WIDTH) + 16)))


def fan_figure(mc, scenario, lang: str = "en", *, demand_sources: Sequence[str] = (),
               supply_sources: Sequence[str] = ()) -> go.Figure:
    """The Monte Carlo fan of demand (median, 10–90%) with available compute's band beside it; the title
    states the 10–90% range of demand in the last year."""
    band = mc.bands["demand"]
    quantiles = {q: band[_band_row(round(q * 100))] for q in (0.1, 0.5, 0.9)}
    supply = _mc_line(mc, "available", t("charts.forecast2.series_available", lang), SUPPLY_COLOUR,
                      supply_sources, lang)
    fig = monte_carlo_fan(mc.years, quantiles, lang, label=demand_label(scenario, lang), sources=demand_sources,
                          others=[supply], chart_id="forecast-fan")
    title = t("charts.forecast2.fan_title", lang, year=int(mc.years[-1]), low=format_sci(quantiles[0.1][-1]),
              high=format_sci(quantiles[0.9][-1]))
    fig.update_layout(title=dict(text=title, subtitle=dict(text=t("charts.forecast2.fan_subtitle", lang,
                                                                  samples=mc.samples))))
    return fig


def probability_figure(mc, lang: str = "en", *, sources: Sequence[str] = ()) -> go.Figure:
    return ceiling_probability(mc.years, mc.p_by_year, lang, sources=sources)


def constraints_figure(frame: pd.DataFrame, in_use: Sequence[str], lang: str = "en", *,
                       ceiling_year: int | None = None, sources: Sequence[str] = (),
                       demand_label_text: str | None = None) -> go.Figure:
    """Every run-level constraint's largest feasible run by year (dashed; a constraint not in use is thin and
    grey), the feasible run (their minimum, thick), and demand; hover on the feasible run names the binding
    constraint. The title names what binds in the ceiling year (or at the horizon) and since when.

    `frame`: models.constraints.table rows (year, demand_flop, <name>_flop, feasible_flop, binding)."""
    if frame.empty:
        return empty_figure(lang, "forecast-constraints")
    fig = new_figure()
    years = frame["year"].astype(float).tolist()
    for name, colour in CONSTRAINT_COLOURS.items():
        used = name in in_use
        label = t(f"charts.constraints.{name}", lang) + ("" if used else t("charts.constraints.not_in_use", lang))
        add_line(fig, Line(label=label, x=years, y=frame[f"{name}_flop"].tolist(),
                           colour=colour if used else CONTEXT_GREY, dashed=True, width=2.0 if used else 1.0,
                           sources=tuple(sources), unit="FLOP"), lang=lang)
    names = [t(f"charts.constraints.{b}", lang) for b in frame["binding"]]
    feasible = frame["feasible_flop"].tolist()
    fig.add_trace(go.Scatter(
        x=years, y=feasible, name=t("charts.constraints.feasible", lang), mode="lines",
        line=dict(color=OKABE_ITO["vermillion"], width=4), customdata=list(zip([format_sci(v) for v in feasible],
                                                                                names, strict=True)),
        meta={"sources": list(sources), "unit": "FLOP"},
        hovertemplate=(f"<b>{t('charts.constraints.feasible', lang)}</b><br>%{{x:.0f}}: %{{customdata[0]}} FLOP"
                       f"<br>{t('charts.constraints.binding', lang)}: %{{customdata[1]}}<extra></extra>")))
    add_line(fig, Line(label=demand_label_text or t("charts.constraints.demand", lang), x=years,
                       y=frame["demand_flop"].tolist(), colour=DEMAND_COLOUR, width=2.5, sources=tuple(sources),
                       unit="FLOP"), lang=lang)
    values = [v for c in frame.columns if c.endswith("_flop") for v in frame[c].tolist()]
    log_axis(fig, t("charts.axis.training_compute", lang), values)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    spans = binding_spans(frame)
    year = ceiling_year if ceiling_year is not None and ceiling_year in set(frame["year"]) else int(years[-1])
    span = next(s for s in spans if s[1] <= year <= s[2])
    key = "charts.constraints.title_ceiling" if ceiling_year is not None else "charts.constraints.title_none"
    title = t(key, lang, binding=t(f"charts.constraints.{span[0]}", lang), since=span[1], year=year)
    changes = "; ".join(t("charts.constraints.span", lang, binding=t(f"charts.constraints.{n}", lang), start=a, end=b)
                        for n, a, b in spans)
    return finish(fig, chart_id="forecast-constraints", sources=sources, units={"x": "year", "y": "FLOP"},
                  title=title, subtitle=t("charts.constraints.subtitle", lang, spans=changes))

def binding_spans(frame: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(constraint, first year, last year) for each unbroken run of the same binding constraint."""
    spans: list[tuple[str, int, int]] = []
    for year, name in zip(frame["year"].astype(int), frame["binding"].astype(str), strict=True):
        if spans and spans[-1][0] == name and spans[-1][2] == year - 1:
            spans[-1] = (name, spans[-1][1], year)
        else:
            spans.append((name, year, year))
    return spans


# --- tornado, allocation share, binding link -----------------------------------------------------


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
    at = np.searchsorted(fc.t, annual["year"].to_numpy(dtype=float) + 0.5 - 1e-9)
    parts = [pd.DataFrame({"year": annual["year"], "link": link, "capacity_h100e": caps[at],
                           "binding": annual["binding"].eq(link)})
             for link, caps in fc.caps_h100e.items()]
    projected = annual["projected"].to_numpy()
    parts.append(pd.DataFrame({"year": annual["year"][projected], "link": "trend",
                               "capacity_h100e": fc.trend_h100e[at][projected],
                               "binding": annual["binding"][projected].eq("trend")}))
    frame = pd.concat(parts, ignore_index=True)
    return frame[np.isfinite(frame["capacity_h100e"].to_numpy(dtype=float))].reset_index(drop=True)[columns]


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
    vertical_line(fig, base_year, dict(color=ACCENT, width=2))
    fig.update_layout(barmode="overlay", yaxis=dict(autorange="reversed"),
                      xaxis=dict(title=dict(text=t("charts.axis.ceiling_year", lang)), tickformat="d",
                                 range=whole_year_range([base_year, *rows["low_year"], *rows["high_year"]])),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    # The central line is named by its calendar year (floor, as every ceiling year the product quotes):
    # a crossing at 2034.83 happens in 2034, not "2035".
    return finish(fig, chart_id="forecast-tornado", sources=sources, units={"x": "year", "y": ""},
                  title=t("charts.forecast.tornado.title", lang, parameter=rows["label"].iloc[0]),
                  subtitle=t("charts.forecast.tornado.subtitle", lang, year=math.floor(base_year + 1e-9)))


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
    fig = new_figure()
    x = annual["year"].to_numpy(dtype=float) + 0.5  # annual values sit at mid-year
    history = annual["year"].to_numpy() <= base_year
    needed = annual["implied_share"].to_numpy(dtype=float) * 100
    label = t("engine.calibration.needed", lang)
    add_line(fig, Line(label=label, x=x[history].tolist(), y=needed[history].tolist(), colour=DEMAND_COLOUR,
                       unit="%", sources=tuple(sources), direct_label=False), lang=lang)
    join = max(int(history.sum()) - 1, 0)  # the projection starts from the base year's point
    add_line(fig, Line(label=label, x=x[join:].tolist(), y=needed[join:].tolist(), colour=DEMAND_COLOUR,
                       dashed=True, unit="%", sources=tuple(sources)), lang=lang)
    add_line(fig, Line(label=t("engine.calibration.allowed", lang), x=x.tolist(),
                       y=(annual["share"].to_numpy(dtype=float) * 100).tolist(), colour=SUPPLY_COLOUR, dashed=True,
                       unit="%", sources=tuple(sources)), lang=lang)
    cap = float(annual["share_cap"].iloc[-1]) * 100
    fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[cap, cap], mode="lines", name=t("engine.calibration.cap", lang),
                             line=dict(color=CONTEXT_GREY, width=1.5, dash="dot"), meta={"unit": "%"},
                             hovertemplate=f"{t('engine.calibration.cap', lang)}: {cap:.0f}%<extra></extra>"))
    for kind, symbol, colour in (("record", "circle", DEMAND_COLOUR), ("cluster", "square", SUPPLY_COLOUR)):
        part = points[points["kind"] == kind] if not points.empty else points
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["t"], y=part["share"] * 100, mode="markers", name=t(f"engine.calibration.{kind}", lang),
            marker=dict(color=colour, size=9, symbol=symbol, line=dict(color="white", width=1)),
            customdata=part["name"], meta={"unit": "%"},
            hovertemplate="<b>%{customdata}</b><br>%{x:.2f}: %{y:.2g}%<extra></extra>"))
    values = [*needed, cap, *(points["share"] * 100 if not points.empty else [])]
    log_axis(fig, t("engine.calibration.yaxis", lang) + " (%)", values)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    today = annual[annual["year"] == base_year]
    share = float(today["implied_share"].iloc[0]) if len(today) else float(annual["implied_share"].iloc[0])
    return finish(fig, chart_id="allocation-share", sources=sources, units={"x": "year", "y": "%"},
                  title=t("engine.calibration.title", lang, share=share, year=base_year, cap=cap / 100),
                  subtitle=t("engine.calibration.subtitle", lang))


def binding_figure(fc, lang: str = "en", *, sources: Sequence[str] = (), cap_switched_on: bool = False) -> go.Figure:
    """Which link binds each year; the title names the link that binds in the first projected year and since
    when (the present is what the data can check; later years follow from the assumed growth rates).
    `cap_switched_on`: the user's scenario had the cap off and `fc` was run with it on (the subtitle says so)."""
    frame = binding_frame(fc)
    fig = binding_link(frame, lang, sources=sources)
    if frame.empty:
        return fig
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
    fig.update_layout(title=dict(text=title, subtitle=dict(text=subtitle)))
    return fig


def binding_link(frame: pd.DataFrame, lang: str = "en", sources: Sequence[str] = ()) -> go.Figure:
    """Capacity of each link of the chain (chips/year it allows, in H100e) and, per year, the one that binds.

    `frame`: year, link (logic, cowos, hbm, power, ...), capacity_h100e; optional `binding` (bool).
    Without a `binding` column the smallest capacity in a year is the binding link.
    """
    if frame.empty:
        return empty_figure(lang, "supply-binding-link")
    rows = frame.dropna(subset=["capacity_h100e"]).copy()
    if "binding" not in rows:
        rows["binding"] = rows["capacity_h100e"] == rows.groupby("year")["capacity_h100e"].transform("min")
    fig = new_figure()
    for index, (link, part) in enumerate(rows.groupby("link", sort=True)):
        part = part.sort_values("year")
        add_line(fig, Line(label=t(f"charts.link.{link}", lang), x=part["year"].tolist(),
                           y=part["capacity_h100e"].tolist(), colour=colour_for(index), unit="H100e/year",
                           sources=tuple(sources)), lang=lang)
    binding = rows[rows["binding"].astype(bool)].sort_values("year")
    fig.add_trace(go.Scatter(
        x=binding["year"], y=binding["capacity_h100e"], mode="markers", name=t("charts.supply.binding.marker", lang),
        marker=dict(color=ACCENT, size=11, symbol="diamond", line=dict(color="white", width=1)),
        customdata=[t(f"charts.link.{link}", lang) for link in binding["link"]],
        hovertemplate="%{x}: <b>%{customdata}</b><extra></extra>", meta={"unit": "H100e/year"},
    ))
    log_axis(fig, t("charts.axis.h100e_per_year", lang), rows["capacity_h100e"])
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="supply-binding-link", sources=sources, units={"x": "year", "y": "H100e/year"},
                  title=t("charts.supply.binding.title", lang), subtitle=t("charts.supply.binding.subtitle", lang))


# --- the registry's four builders, calling the reference figures ---------------------------------------


def _build_forecast(ctx):
    compare = None
    if ctx.compare is not None:
        pinned = registry._compare_context(ctx)
        compare = Comparison(ctx.compare_forecast, ctx.compare_monte_carlo,
                             demand_sources=registry.demand_sources(pinned),
                             supply_sources=registry.supply_sources(pinned))
    return hero_figure(ctx.forecast, ctx.monte_carlo, ctx.lang, demand_sources=registry.demand_sources(ctx),
                       supply_sources=registry.supply_sources(ctx), records=registry._record_points(ctx),
                       supply_history_since=registry._supply_history_since(ctx), compare=compare)


def _build_fan(ctx):
    return fan_figure(ctx.monte_carlo, ctx.scenario, ctx.lang, demand_sources=registry.demand_sources(ctx),
                      supply_sources=registry.supply_sources(ctx))


def _build_probability(ctx):
    return probability_figure(ctx.monte_carlo, ctx.lang,
                              sources=[*registry.demand_sources(ctx), *registry.supply_sources(ctx)])


def _build_constraints(ctx):
    from models import constraints as con

    fc = ctx.forecast
    frame = con.table(fc, ctx.inputs)
    return constraints_figure(frame, con.in_use(ctx.scenario), ctx.lang, ceiling_year=fc.ceiling_year,
                              sources=registry.scenario_sources(ctx, ("constraints",)),
                              demand_label_text=demand_label(ctx.scenario, ctx.lang))


def _build_tornado(ctx):
    base, bars = ctx.tornado
    return tornado_figure(base, bars, ctx.scenario, ctx.lang,
                          sources=[*registry.demand_sources(ctx), *registry.supply_sources(ctx)])


def _build_binding_link(ctx):
    fc = ctx.forecast
    if not ctx.scenario.weakest_link:
        from models.forecast import forecast as run_forecast

        fc = run_forecast(ctx.scenario.replace(weakest_link=True), ctx.inputs)
    from models.scenario import FIELDS, fields_in_use

    link_sources = [FIELDS[name].source_id for name in fields_in_use(fc.scenario) if FIELDS[name].group == "supply"]
    return binding_figure(fc, ctx.lang, sources=registry._unique([*registry.supply_sources(ctx), *link_sources]),
                          cap_switched_on=not ctx.scenario.weakest_link)


def _build_allocation_share(ctx):
    from models.forecast import calibration_points

    fc = ctx.forecast
    points = calibration_points(ctx.scenario, ctx.inputs, fc.resolved)
    point_sources = registry._unique(ctx.models.loc[ctx.models["name"].isin(points.loc[points["kind"] == "record", "name"]),
                                                    "source_id"].dropna().tolist()) if "name" in ctx.models else []
    sources = registry._unique([*point_sources, *registry.supply_sources(ctx)])
    return share_figure(fc.annual(), points, ctx.scenario.base_year, ctx.lang, sources=sources)


BUILDERS = {"forecast": _build_forecast, "forecast-fan": _build_fan, "ceiling-probability": _build_probability,
            "constraints": _build_constraints, "tornado": _build_tornado, "binding-link": _build_binding_link,
            "allocation-share": _build_allocation_share}


def build(chart_id: str, ctx) -> go.Figure:
    """What `charts.registry.build(chart_id, ctx)` returned before the fast path."""
    fig = BUILDERS[chart_id](ctx)
    fig.update_layout(meta={**dict(fig.layout.meta or {}), "chart_id": chart_id})
    return fig
