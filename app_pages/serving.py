"""Serving: how many messages a fleet can answer per user, which bound binds, and when serving demand
outruns the inference fleet; the caps actually set beside the cap the settings imply; the memory wall."""

from __future__ import annotations

import streamlit as st

from ui import frame, lang, serving_state, serving_view, state, views

tr = frame.page_start()
language = lang.current_language()
st.title(tr("serving.title"))
st.write(tr("serving.intro"))
serving_state.show_warnings(language)

serving = serving_state.controls(tr)
scenario = state.scenario()
chip, answer, outlook = serving_view.results(serving, scenario)
# The answers and the caps chart sit above the ceiling chart but are filled after it, the caps chart last: the
# browser redraws the ceiling chart first, and the caps chart (redrawn from scratch too) in a task of its own.
answers, caps = st.container(), st.container()
st.subheader(tr("serving.ceiling_heading"))
st.write(tr("serving.ceiling_intro"))
views.chart(serving_view.figure("serving-ceiling", serving, scenario, language), "serving-ceiling", language)
with answers:
    serving_view.metrics(serving, chip, answer, outlook, tr)
st.caption(serving_view.fleet_share_note(serving, chip, scenario, tr))

serving_view.inputs_table(serving, tr, language)

st.subheader(tr("serving.wall_heading"))
st.write(tr("serving.wall_intro"))
serving_view.wall_tabs(serving, scenario, tr, language)

st.subheader(tr("serving.share_heading"))
st.caption(tr("ui.export.share_link"))
st.code(serving_state.share_link(language, serving), language=None)

with caps:
    st.subheader(tr("serving.caps_heading"))
    views.chart(serving_view.figure("serving-caps", serving, scenario, language), "serving-caps", language)
