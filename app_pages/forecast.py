"""Forecast: every assumption as a control (bound to the URL), supply against demand with its
uncertainty, P(ceiling by year), the tornado, what moved when a control moved the ceiling, and a pinned
scenario A compared with the current one."""

from __future__ import annotations

import streamlit as st

from ui import compare, controls, engine, figures, frame, lang, notes, scenario_io, state, uncertainty, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("forecast.title"))
st.write(tr("forecast.intro"))

# On screen the controls, then the metric, the notes and the comparison stand above the hero; the hero is
# sent first (its message is the one a reader waits for after a slider move) and these slots are filled after.
# The controls show the session's scenario (callbacks ran before this script), so it is known before them.
controls_slot = st.container()
scenario = state.scenario()
fc = engine.forecast(scenario)
mc = engine.monte_carlo(scenario)
above_hero = st.container()
views.chart(figures.forecast_figure(scenario, language, "hero", compare=state.pinned()), "forecast-hero", language)
with controls_slot:
    controls.scenario_controls(tr, language)
with above_hero:
    notes.ceiling_metric(fc, mc, tr)
    notes.what_moved(scenario, fc, mc, tr)
    notes.engine_notes(fc, tr)
    compare.pin_controls(tr)
    compare.comparison(scenario, tr, language)
uncertainty.sections(scenario, mc, tr, language)
scenario_io.scenario_files(scenario, tr, language)
