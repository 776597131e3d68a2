"""Demand: training compute and parameters of models over time, fitted trends beside the published claims."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import demand as demand_charts
from charts.theme import ACCENT
from models.scenario import POPULATIONS
from ui import data, engine, frame, lang, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("demand.title"))
st.write(tr("demand.intro"))

models = data.read("models")
claims = data.read("trend_claims")
events = data.read("events")
first, last = views.year_bounds(models)

left, middle, right = st.columns([1, 2, 1])
population = left.selectbox(tr("demand.population"), POPULATIONS, index=POPULATIONS.index("notable"),
                            format_func=lambda p: tr(f"demand.population_{p}"), key="demand_population")
window = middle.slider(tr("demand.window"), first, last, (max(first, 2010), last), key="demand_window")
breaks = right.selectbox(tr("demand.breaks"), (0, 1, 2), key="demand_breaks",
                         format_func=lambda n: tr(f"demand.breaks_{n}"))
since, until = float(window[0]), float(window[1] + 1)


def quantity_section(quantity: str, chart_id: str, builder, unit: str, claim_quantity: str) -> object:
    fit = engine.model_fit(quantity, population, since, until, breaks)
    if fit is None:
        st.info(tr("demand.too_few_points"))
        return None
    views.fit_metrics(fit, tr)
    label = tr("demand.fit_label", population=tr(f"demand.population_{population}"))
    fit_lines = engine.fit_lines(fit, label, ACCENT, ("epoch-notable-models",), unit, language)
    claim_lines = views.claim_lines(claims, claim_quantity, fit, language)
    fig = builder(models, language, fits=fit_lines, claims=claim_lines, events=events)
    views.chart(fig, chart_id, language)
    return fit


compute_tab, parameters_tab = st.tabs([tr("demand.tab_compute"), tr("demand.tab_parameters")])
with compute_tab:
    compute_fit = quantity_section("training_compute_flop", "demand-compute", demand_charts.training_compute,
                                   "FLOP", "training_compute")
with parameters_tab:
    parameters_fit = quantity_section("parameters", "demand-parameters", demand_charts.parameters,
                                      "parameters", "parameters")

st.subheader(tr("demand.doubling_heading"))
st.write(tr("demand.doubling_intro"))
rows = views.doubling_rows(
    [(tr("demand.fit_compute"), compute_fit), (tr("demand.fit_parameters"), parameters_fit)],
    claims, language,
)
views.chart(demand_charts.doubling_times(rows, language), "demand-doubling", language)
if not isinstance(rows, pd.DataFrame) or rows.empty:
    st.caption(tr("demand.no_claims"))
