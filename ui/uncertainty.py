"""The Forecast page's uncertainty sections: the Monte Carlo fan, P(ceiling by year), the tornado, the
run-level constraints and the whole-engine backtest.

The tabs track which one is open (a click reruns the page) and only the open tab's figure is built and
drawn: building a Plotly figure is the largest part of a rerun after a slider move.
"""

from __future__ import annotations

import streamlit as st

from ui import allocation, backtest, constraints, figures, views

TAB_KEY = "forecast_tab"  # the tabs widget: holds the open tab's displayed (translated) label
OPEN_KEY = "forecast_tab_open"  # the open section by id, so it survives a language switch
SECTIONS = ("fan", "probability", "tornado", "constraints", "allocation", "backtest")
LABEL_KEYS = {"constraints": "forecast_constraints.tab", "backtest": "forecast_backtest.tab",
              "allocation": "engine.calibration.tab"}  # others: forecast.tab_*


def open_section(labels: dict[str, str]) -> str:
    """The section to open: the tab the reader chose (its label in this language), else the one chosen before
    the labels changed language. The widget is pointed at that section's label before it is drawn."""
    by_label = {label: section for section, label in labels.items()}
    chosen = by_label.get(st.session_state.get(TAB_KEY))
    section = chosen or st.session_state.get(OPEN_KEY)
    section = section if section in labels else SECTIONS[0]
    st.session_state[OPEN_KEY] = section
    st.session_state[TAB_KEY] = labels[section]
    return section


def sections(scenario, mc, tr, lang: str) -> None:
    labels = {section: tr(LABEL_KEYS.get(section, f"forecast.tab_{section}")) for section in SECTIONS}
    open_section(labels)
    fan_tab, probability_tab, tornado_tab, constraints_tab, allocation_tab, backtest_tab = st.tabs(
        list(labels.values()), key=TAB_KEY, on_change="rerun")
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
    if constraints_tab.open:
        with constraints_tab:
            constraints.section(scenario, tr, lang)
    if allocation_tab.open:
        with allocation_tab:
            allocation.section(scenario, tr, lang)
    if backtest_tab.open:
        with backtest_tab:
            backtest.engine_section(scenario, tr, lang)
