"""Demand: training compute and parameters of models over time, fitted trends beside the published claims."""

from __future__ import annotations

import streamlit as st

from charts.prepare import claims_about
from ui import data, estimate_gap, frame, lang, views
from ui.registry_figures import chart_options, registry_figure, registry_fit

QUANTITY_CHARTS = ("demand-compute", "demand-parameters")  # the tabs, in order

tr = frame.page_start()
language = lang.current_language()
st.title(tr("demand.title"))
st.write(tr("demand.intro"))

choices = chart_options("demand-compute")  # the three demand charts share these options
populations, population_default = choices["population"]
years, since_default = choices["since"]
breaks_choices, breaks_default = choices["breaks"]

left, middle, right = st.columns([1, 2, 1])
population = left.selectbox(tr("demand.population"), populations, index=populations.index(population_default),
                            format_func=lambda p: tr(f"demand.population_{p}"), key="demand_population")
window = middle.slider(tr("demand.window"), years[0], years[-1], (since_default, choices["until"][1]),
                       key="demand_window")
breaks = right.selectbox(tr("demand.breaks"), breaks_choices, index=breaks_choices.index(breaks_default),
                         key="demand_breaks", format_func=lambda n: tr(f"demand.breaks_{n}"))
options = dict(population=population, since=int(window[0]), until=int(window[1]), breaks=int(breaks))


def quantity_section(chart_id: str) -> None:
    fit = registry_fit(chart_id, **options)
    if fit is None:
        st.info(tr("demand.too_few_points"))
        return
    views.fit_metrics(fit, tr)
    views.chart(registry_figure(chart_id, language, **options), chart_id, language)


for tab, chart_id in zip(st.tabs([tr("demand.tab_compute"), tr("demand.tab_parameters")]), QUANTITY_CHARTS,
                         strict=True):
    with tab:
        quantity_section(chart_id)

st.subheader(tr("demand.doubling_heading"))
st.write(tr("demand.doubling_intro"))
views.chart(registry_figure("demand-doubling", language, **options), "demand-doubling", language)
if claims_about(data.read("trend_claims"), "training_compute").empty:
    st.caption(tr("demand.no_claims"))

estimate_gap.show_estimate_gap(language)
