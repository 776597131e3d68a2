"""Overview: the answer first — the ceiling year with its range, the hero chart, three plain sentences."""

from __future__ import annotations

import streamlit as st

from ui import engine, figures, frame, lang, notes, state, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("app.title"))
st.write(tr("app.tagline"))

scenario = state.scenario()
fc = engine.forecast(scenario)
mc = engine.monte_carlo(scenario)

metric_column, text_column = st.columns([1, 3])
notes.ceiling_metric(fc, mc, tr, metric_column)
metric_column.caption(tr("overview.scenario", preset=tr(f"scenario.preset.{scenario.preset}.label")))
metric_column.page_link("app_pages/forecast.py", label=tr("overview.to_forecast"), icon=":material/tune:",
                        query_params=state.share_query(language))
with text_column:
    for sentence in notes.three_sentences(scenario, fc, mc, engine.tornado(scenario), tr):
        views.markdown(f"- {sentence}")
views.chart(figures.forecast_figure(scenario, language, "hero"), "overview-hero", language)
