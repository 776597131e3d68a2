"""Adapters from engine results to the chart builders' Lines and rows (labels and colours, no math)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.common import Line
from charts.forecast import DEMAND_COLOUR, SUPPLY_COLOUR, demand_vs_supply

DEMAND_SOURCES = ("epoch-notable-models",)
SUPPLY_SOURCES = ("epoch-chip-sales",)


def ceiling_range(mc) -> tuple[float, float] | None:
    """The 10–90% range of the ceiling year from a Monte Carlo result, when it has one."""
    if mc is None:
        return None
    low, high = mc.p10, mc.p90
    return (low, high) if low is not None and high is not None else None


def hero(fc, mc, tr, lang: str):
    """Demand of the largest run against the compute available to it, crossing marked."""
    demand = Line(label=tr("ui.series.demand"), x=fc.t, y=fc.demand_flop, colour=DEMAND_COLOUR, dashed=True,
                  sources=DEMAND_SOURCES, unit="FLOP")
    supply = Line(label=tr("ui.series.available"), x=fc.t, y=fc.available_flop, colour=SUPPLY_COLOUR,
                  dashed=True, sources=SUPPLY_SOURCES, unit="FLOP")
    return demand_vs_supply(demand, supply, lang, ceiling_year=fc.ceiling_time, ceiling_range=ceiling_range(mc),
                            horizon=fc.scenario.horizon)


def fan(mc, tr, lang: str):
    """The Monte Carlo fan of demand (10–90%) with the available compute's band beside it."""
    from charts.forecast import monte_carlo_fan
    from models.montecarlo import BAND_PERCENTILES

    rows = {p: i for i, p in enumerate(BAND_PERCENTILES)}
    demand = mc.bands["demand"]
    available = mc.bands["available"]
    quantiles = {0.1: demand[rows[10]], 0.5: demand[rows[50]], 0.9: demand[rows[90]]}
    supply = Line(label=tr("ui.series.available"), x=mc.years, y=available[rows[50]], low=available[rows[10]],
                  high=available[rows[90]], colour=SUPPLY_COLOUR, sources=SUPPLY_SOURCES, unit="FLOP",
                  band_label="10%–90%")
    return monte_carlo_fan(mc.years, quantiles, lang, label=tr("ui.series.demand"), sources=DEMAND_SOURCES,
                           others=[supply])


def probability(mc, lang: str):
    from charts.forecast import ceiling_probability

    return ceiling_probability(mc.years, mc.p_by_year, lang, sources=DEMAND_SOURCES + SUPPLY_SOURCES)


def tornado(base_time, bars, scenario, tr, lang: str):
    """Tornado of the ceiling year; "no ceiling before the horizon" is drawn at horizon + 1."""
    from charts.forecast import tornado as tornado_chart

    beyond = scenario.horizon + 1
    rows = pd.DataFrame([
        {"label": tr(f"scenario.{bar.field}.label"), "low_year": beyond if bar.ceiling_at_low is None
         else bar.ceiling_at_low, "high_year": beyond if bar.ceiling_at_high is None else bar.ceiling_at_high,
         "low_value": bar.low_value, "high_value": bar.high_value}
        for bar in bars
    ])
    return tornado_chart(rows, beyond if base_time is None else base_time, lang,
                         sources=DEMAND_SOURCES + SUPPLY_SOURCES)


def binding_links(fc) -> pd.DataFrame:
    """Capacity of each supply-chain link per year (H100e/year), for the binding-link chart."""
    if not fc.caps_h100e:
        return pd.DataFrame(columns=["year", "link", "capacity_h100e"])
    annual = fc.annual()
    frame = pd.DataFrame({"t": fc.t, **{link: values for link, values in fc.caps_h100e.items()}})
    frame = frame[frame["t"].round(6).isin(annual["year"].astype(float))]
    long = frame.melt(id_vars="t", var_name="link", value_name="capacity_h100e").rename(columns={"t": "year"})
    long["year"] = long["year"].round().astype(int)
    return long[long["year"] > fc.scenario.base_year]


@st.cache_resource(max_entries=64, show_spinner=False)
def _forecast_figures(version: int, scenario, lang: str) -> dict:
    from i18n import translator
    from ui import engine

    tr = translator(lang)
    fc, mc = engine.forecast(scenario), engine.monte_carlo(scenario)
    base_time, bars = engine.tornado(scenario)
    return {"hero": hero(fc, mc, tr, lang), "fan": fan(mc, tr, lang), "probability": probability(mc, lang),
            "tornado": tornado(base_time, bars, scenario, tr, lang)}


def forecast_figures(scenario, lang: str) -> dict:
    """The Forecast page's four figures for a scenario, shared read-only between reruns and sessions
    (nothing mutates them: export works on a copy)."""
    from ui import data

    return _forecast_figures(data.db_version(), scenario, lang)
