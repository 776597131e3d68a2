"""The Forecast and Overview pages' figures, built by the same registry builders as `python -m charts export`
(so the screen and the exported file match), over the engine results the pages already hold in cache."""

from __future__ import annotations

import pandas as pd
import streamlit as st

FORECAST_CHARTS = {"hero": "forecast", "fan": "forecast-fan", "probability": "ceiling-probability",
                   "tornado": "tornado"}  # page key → registry chart id


def chart_context(scenario, lang: str):
    """A registry ChartContext whose engine results are the pages' cached ones (no second engine run)."""
    from charts.registry import ChartContext
    from ui import data, engine

    fc = engine.forecast(scenario)
    ctx = ChartContext(data.store(), scenario, lang)
    ctx.inputs, ctx.resolved, ctx.forecast = engine.inputs(), fc.resolved, fc
    ctx.monte_carlo, ctx.tornado = engine.monte_carlo(scenario), engine.tornado(scenario)
    return ctx


def binding_links(fc) -> pd.DataFrame:
    """Capacity of each supply-chain link per projected year (H100e/year) and whether it binds, for the
    binding-link chart: the frame the registry's chart draws."""
    from charts.forecast import binding_frame

    return binding_frame(fc)


@st.cache_resource(max_entries=64, show_spinner=False)
def _forecast_figures(version: int, scenario, lang: str) -> dict:
    from charts import registry

    ctx = chart_context(scenario, lang)
    return {key: registry.build(chart_id, ctx) for key, chart_id in FORECAST_CHARTS.items()}


def forecast_figures(scenario, lang: str) -> dict:
    """The forecast figures (hero, fan, probability, tornado) for a scenario, shared read-only between
    reruns and sessions (nothing mutates them: export works on a copy)."""
    from ui import data

    return _forecast_figures(data.db_version(), scenario, lang)


@st.cache_resource(max_entries=32, show_spinner=False)
def _binding_figure(version: int, scenario, lang: str):
    from charts import registry

    return registry.build("binding-link", chart_context(scenario, lang))


def binding_figure(scenario, lang: str):
    """The registry's binding-link chart for a scenario (run with the weakest-link cap on when it is off)."""
    from ui import data

    return _binding_figure(data.db_version(), scenario, lang)
