"""The Forecast and Overview pages' figures, built by the same registry builders as `python -m charts export`
(so the screen and the exported file match), over the engine results the pages already hold in cache."""

from __future__ import annotations

import streamlit as st

FORECAST_CHARTS = {"hero": "forecast", "fan": "forecast-fan", "probability": "ceiling-probability",
                   "tornado": "tornado", "constraints": "constraints"}  # page key → registry chart id


@st.cache_resource(max_entries=4, show_spinner=False)
def _sources_memo(version: int) -> dict:
    """The registry's source lists for one database, shared by every context over it (they depend on the
    tables and on the fit population, window and base year only, so a slider move finds them here)."""
    return {}


def chart_context(scenario, lang: str, tornado: bool = True, compare=None):
    """A registry ChartContext whose engine results are the pages' cached ones (no second engine run);
    the tornado's sensitivity runs only when `tornado` (only its chart reads it). `compare` is a pinned
    scenario A, whose forecast and Monte Carlo come from the same caches."""
    from charts.registry import ChartContext
    from ui import data, engine

    fc = engine.forecast(scenario)
    ctx = ChartContext(data.store(), scenario, lang, sources_memo=_sources_memo(data.db_version()))
    ctx.inputs, ctx.resolved, ctx.forecast = engine.inputs(), fc.resolved, fc
    ctx.monte_carlo = engine.monte_carlo(scenario)
    if tornado:
        ctx.tornado = engine.tornado(scenario)
    if compare is not None:
        ctx.compare, ctx.compare_forecast, ctx.compare_monte_carlo = (compare, engine.forecast(compare),
                                                                      engine.monte_carlo(compare))
    return ctx


@st.cache_resource(max_entries=128, show_spinner=False)
def _forecast_figure(version: int, scenario_key: str, lang: str, key: str, compare_key: str | None = None,
                     _scenario=None, _compare=None):
    """The scenarios' reprs (`scenario_key`, `compare_key`) key the cache: Streamlit hashing a Scenario
    itself costs ~0.5 ms a call, a few ms a rerun."""
    from charts import registry

    ctx = chart_context(_scenario, lang, tornado=key == "tornado", compare=_compare)
    return registry.build(FORECAST_CHARTS[key], ctx)


def forecast_figure(scenario, lang: str, key: str, compare=None):
    """One forecast figure ("hero", "fan", "probability" or "tornado") for a scenario, built only when asked
    for and shared read-only between reruns and sessions (nothing mutates it: export works on a copy).
    `compare`: a pinned scenario A that the hero draws in grey beside `scenario` (B); other figures ignore it."""
    from ui import data

    if compare is None or key != "hero":
        return _forecast_figure(data.db_version(), repr(scenario), lang, key, None, scenario)
    return _forecast_figure(data.db_version(), repr(scenario), lang, key, repr(compare), scenario, compare)


@st.cache_resource(max_entries=32, show_spinner=False)
def _binding_figure(version: int, scenario_key: str, lang: str, _scenario=None):
    from charts import registry

    return registry.build("binding-link", chart_context(_scenario, lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def _backtest_figure(version: int, scenario_key: str, lang: str, as_of: int, _scenario=None):
    from charts import registry

    ctx = chart_context(_scenario, lang, tornado=False)
    ctx.backtest_as_of = as_of
    return registry.build("engine-backtest", ctx)


def backtest_figure(scenario, lang: str, as_of: int):
    """The registry's engine backtest as of `as_of` for a scenario."""
    from ui import data

    return _backtest_figure(data.db_version(), repr(scenario), lang, as_of, scenario)


def binding_figure(scenario, lang: str):
    """The registry's binding-link chart for a scenario (run with the weakest-link cap on when it is off)."""
    from ui import data

    return _binding_figure(data.db_version(), repr(scenario), lang, scenario)
