"""The Forecast page's uncertainty sections: the Monte Carlo fan, P(ceiling by year), the tornado.

The tabs track which one is open (a click reruns the page) and only the open tab's figure is built and
drawn: building a Plotly figure is the largest part of a rerun after a slider move.
"""

from __future__ import annotations

import streamlit as st

from ui import figures, views

TAB_KEY = "forecast_tab"


def sections(scenario, mc, tr, lang: str) -> None:
    fan_tab, probability_tab, tornado_tab = st.tabs(
        [tr("forecast.tab_fan"), tr("forecast.tab_probability"), tr("forecast.tab_tornado")],
        key=TAB_KEY, on_change="rerun")
    if fan_tab.open:
        with fan_tab:
            st.caption(tr("forecast.fan_note", samples=mc.samples, seed=mc.seed))
            views.chart(figures.forecast_figure(scenario, lang, "fan"), "forecast-fan", lang)
    if probability_tab.open:
        with probability_tab:
            views.chart(figures.forecast_figure(scenario, lang, "probability"), "forecast-probability", lang)
    if tornado_tab.open:
        with tornado_tab:
            st.caption(tr("forecast.tornado_note"))
            views.chart(figures.forecast_figure(scenario, lang, "tornado"), "forecast-tornado", lang)
