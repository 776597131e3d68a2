"""Forecast: every assumption as a control (bound to the URL), supply against demand with its
uncertainty, P(ceiling by year), the tornado, what moved when a control moved the ceiling, and a pinned
scenario A compared with the current one."""

from __future__ import annotations

import streamlit as st

from ui import compare, controls, engine, figures, frame, lang, notes, scenario_io, uncertainty, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("forecast.title"))
st.write(tr("forecast.intro"))

scenario = controls.scenario_controls(tr, language)
fc = engine.forecast(scenario)
mc = engine.monte_carlo(scenario)

notes.ceiling_metric(fc, mc, tr)
notes.what_moved(scenario, fc, mc, tr)
notes.engine_notes(fc, tr)
pinned = compare.pin_controls(tr)
compare.comparison(scenario, tr, language)
views.chart(figures.forecast_figure(scenario, language, "hero", compare=pinned), "forecast-hero", language)
uncertainty.sections(scenario, mc, tr, language)
scenario_io.scenario_files(scenario, tr, language)
