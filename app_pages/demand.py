"""Demand: training compute and parameters of models over time, fitted trends beside the published claims."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import demand as demand_charts
from charts.theme import ACCENT
from models.scenario import POPULATIONS
from ui import data, engine, estimate_gap, frame, lang, state, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("demand.title"))
st.write(tr("demand.intro"))

models = data.read("models")
first, last = views.year_bounds(models)

left, middle, right = st.columns([1, 2, 1])
population = left.selectbox(tr("demand.population"), POPULATIONS, index=POPULATIONS.index("notable"),
                            format_func=lambda p: tr(f"demand.population_{p}"), key="demand_population")
window = middle.slider(tr("demand.window"), first, last, (max(first, 2010), last), key="demand_window")
breaks = right.selectbox(tr("demand.breaks"), (0, 1, 2), key="demand_breaks",
                         format_func=lambda n: tr(f"demand.breaks_{n}"))
since, until = float(window[0]), float(window[1] + 1)


CHARTS = {  # quantity -> (chart id, builder, unit, claim quantity)
    "training_compute_flop": ("demand-compute", demand_charts.training_compute, "FLOP", "training_compute"),
    "parameters": ("demand-parameters", demand_charts.parameters, "parameters", "parameters"),
}


@views.cached_figure
def quantity_figure(quantity: str, population: str, since: float, until: float, breaks: int, lang: str):
    """The models over time with the fitted trend and the published claims (one per widget state)."""
    page_tr = state.tr_for(lang)
    _chart_id, builder, unit, claim_quantity = CHARTS[quantity]
    fit = engine.model_fit(quantity, population, since, until, breaks)
    label = page_tr("demand.fit_label", population=page_tr(f"demand.population_{population}"))
    fit_lines = engine.fit_lines(fit, label, ACCENT, ("epoch-notable-models",), unit, lang)
    claim_lines = views.claim_lines(data.read("trend_claims"), claim_quantity, fit, lang)
    return builder(data.read("models"), lang, fits=fit_lines, claims=claim_lines, events=data.read("events"))


@views.cached_figure
def doubling_chart(population: str, since: float, until: float, breaks: int, lang: str):
    """(rows, figure) of our fitted doubling times beside every published claim."""
    page_tr = state.tr_for(lang)
    fits = [(page_tr(f"demand.fit_{name}"), engine.model_fit(quantity, population, since, until, breaks))
            for name, quantity in (("compute", "training_compute_flop"), ("parameters", "parameters"))]
    rows = views.doubling_rows(fits, data.read("trend_claims"), lang)
    return rows, demand_charts.doubling_times(rows, lang)


def quantity_section(quantity: str) -> object:
    fit = engine.model_fit(quantity, population, since, until, breaks)
    if fit is None:
        st.info(tr("demand.too_few_points"))
        return None
    views.fit_metrics(fit, tr)
    fig = quantity_figure(quantity, population, since, until, breaks, language)
    views.chart(fig, CHARTS[quantity][0], language)
    return fit


compute_tab, parameters_tab = st.tabs([tr("demand.tab_compute"), tr("demand.tab_parameters")])
with compute_tab:
    quantity_section("training_compute_flop")
with parameters_tab:
    quantity_section("parameters")

st.subheader(tr("demand.doubling_heading"))
st.write(tr("demand.doubling_intro"))
rows, doubling_fig = doubling_chart(population, since, until, breaks, language)
views.chart(doubling_fig, "demand-doubling", language)
if not isinstance(rows, pd.DataFrame) or rows.empty:
    st.caption(tr("demand.no_claims"))

estimate_gap.show_estimate_gap(language)
