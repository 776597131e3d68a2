"""The Forecast page's calibration section: the share of the world's AI compute the largest run needs
against the share it is allowed (today's, calibrated from record runs and clusters, rising to its cap),
and the supply-chain link that binds each year. Built by the registry, like every chart."""

from __future__ import annotations

import streamlit as st

from ui import figures, views


@st.cache_resource(max_entries=32, show_spinner=False)
def _share_figure(version: int, scenario, lang: str):
    from charts import registry

    return registry.build("allocation-share", figures.chart_context(scenario, lang, tornado=False))


def share_figure(scenario, lang: str):
    """The registry's allocation-share chart for a scenario (cached per database version)."""
    from ui import data

    return _share_figure(data.db_version(), scenario, lang)


def section(scenario, tr, lang: str) -> None:
    """Draw the calibration: the largest run's share (needed vs allowed, with the evidence) and the binding
    link per year. A page calls it where the section belongs (e.g. below the hero chart, or in a tab)."""
    st.caption(tr("engine.calibration.section_note"))
    trend_note(scenario, tr)
    views.chart(share_figure(scenario, lang), "allocation-share", lang)
    views.chart(figures.binding_figure(scenario, lang), "binding-link", lang)


def trend_note(scenario, tr) -> None:
    """The supply trend as fitted: growth with its 90% interval, on which vendors and years, and how the
    year-on-year growth has moved (it slows)."""
    from ui import engine

    trend = engine.forecast(scenario).resolved.supply_trend
    if not trend.get("growth") or not trend.get("ci90"):
        return
    low, high = trend["ci90"]
    yoy = " → ".join(f"{value:.1f}" for value in trend["yoy"])
    st.caption(tr("engine.calibration.trend_note", growth=trend["growth"], low=low, high=high,
                  vendors=", ".join(trend["vendors"]), first=trend["years"][0], last=trend["years"][-1], yoy=yoy))
