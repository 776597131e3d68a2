"""Any registry chart for the pages: the figure `python -m charts export CHART --option ...` writes, the trend
it draws (for the numbers a page quotes beside it) and the choices its options offer, each built once per
database version, chart, language, scenario (for the charts that read one) and options, then shared
read-only between reruns and sessions (a cache hit costs microseconds; building a figure, tens of ms).

Nothing here shapes data or draws: `charts.registry.build` does both, for the screen and the export alike.
"""

from __future__ import annotations

import streamlit as st

from charts import registry

NO_SCENARIO = ""  # the cache key of a chart that does not read the scenario


def _data_version() -> int:
    """What every cache here is keyed on besides its arguments: the database file's version."""
    from ui import data

    return data.db_version()


@st.cache_resource(max_entries=4, show_spinner=False)
def _sources_memo(version: int) -> dict:
    """The registry's source lists for one database, shared by every context over it."""
    return {}


def _context(chart_id: str, scenario, lang: str, options: tuple) -> registry.ChartContext:
    from models.scenario import Scenario
    from ui import data, engine

    ctx = registry.ChartContext(data.store(), scenario if scenario is not None else Scenario(), lang,
                                sources_memo=_sources_memo(_data_version()), options=dict(options))
    if registry.CHARTS[chart_id].uses_scenario:  # only scenario charts run the engine
        ctx.inputs = engine.inputs()  # the app's cached engine inputs: the same builder as the CLIs'
    return ctx


def _keys(chart_id: str, scenario, options: dict) -> tuple[str, str, tuple]:
    """(registered id, scenario key, options key): the scenario counts only for a chart that reads it, and an
    option left at None takes its default."""
    chart_id = registry.resolve_id(chart_id)
    if not registry.CHARTS[chart_id].uses_scenario:
        return chart_id, NO_SCENARIO, tuple(sorted((k, v) for k, v in options.items() if v is not None))
    if scenario is None:
        raise ValueError(f"chart {chart_id!r} reads the scenario: pass the page's scenario")
    return chart_id, repr(scenario), tuple(sorted((k, v) for k, v in options.items() if v is not None))


@st.cache_resource(max_entries=256, show_spinner=False)
def _figure(version: int, chart_id: str, lang: str, scenario_key: str, options: tuple, _scenario):
    return registry.build(chart_id, _context(chart_id, _scenario, lang, options))


def registry_figure(chart_id: str, lang: str, scenario=None, **options):
    """The registry's figure `chart_id` for this language, scenario and options (the chart's page controls);
    pass the scenario for a chart that reads it. Shared read-only: export works on a copy."""
    chart_id, scenario_key, option_key = _keys(chart_id, scenario, options)
    return _figure(_data_version(), chart_id, lang, scenario_key, option_key,
                   scenario if scenario_key else None)


@st.cache_resource(max_entries=128, show_spinner=False)
def _fitted(version: int, chart_id: str, scenario_key: str, options: tuple, _scenario):
    return registry.fitted(chart_id, _context(chart_id, _scenario, "en", options))


def registry_fit(chart_id: str, scenario=None, **options):
    """The trend (or backtest) the chart draws with these options, computed as `registry_figure`'s is: what a
    page quotes beside the chart. None when the chart has none or too few points."""
    chart_id, scenario_key, option_key = _keys(chart_id, scenario, options)
    return _fitted(_data_version(), chart_id, scenario_key, option_key, scenario if scenario_key else None)


@st.cache_resource(max_entries=64, show_spinner=False)
def _choices(version: int, chart_id: str, scenario_key: str, _scenario) -> dict:
    return registry.option_choices(chart_id, _context(chart_id, _scenario, "en", ()))


def chart_options(chart_id: str, scenario=None) -> dict[str, tuple[list, object]]:
    """(choices, default) of each of the chart's options, by name: what its page control offers."""
    chart_id, scenario_key, _ = _keys(chart_id, scenario, {})
    return _choices(_data_version(), chart_id, scenario_key, scenario if scenario_key else None)
