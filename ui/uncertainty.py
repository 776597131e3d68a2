"""The Forecast page's uncertainty sections: the Monte Carlo fan, P(ceiling by year), the tornado."""

from __future__ import annotations

import streamlit as st

from ui import views


def sections(charts: dict, mc, tr, lang: str) -> None:
    fan_tab, probability_tab, tornado_tab = st.tabs([tr("forecast.tab_fan"), tr("forecast.tab_probability"),
                                                     tr("forecast.tab_tornado")])
    with fan_tab:
        st.caption(tr("forecast.fan_note", samples=mc.samples, seed=mc.seed))
        views.chart(charts["fan"], "forecast-fan", lang)
    with probability_tab:
        views.chart(charts["probability"], "forecast-probability", lang)
    with tornado_tab:
        st.caption(tr("forecast.tornado_note"))
        views.chart(charts["tornado"], "forecast-tornado", lang)
