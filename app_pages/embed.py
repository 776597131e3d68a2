"""Embed: one registry chart and nothing else, for other sites' iframes (`python -m charts embed CHART`).

Reached at /embed only (hidden from the navigation); app.py draws no sidebar and no frame around it.
"""

from __future__ import annotations

import streamlit as st

from ui import embed, frame, lang, state

tr = frame.page_start()
language = lang.current_language()
view = embed.request()
embed.style(view.theme)
if view.chart is None:
    embed.unknown_chart(view.asked, tr)
else:
    scenario = state.scenario()
    for theme in embed.variants(view.theme):
        with st.container(key=f"cc_embed_{theme}"):
            shown = embed.figure(view.chart, language, scenario, dark=theme == "dark")
            embed.header(shown, theme)
            embed.chart(shown, view.chart, theme)
    embed.footer(shown.figure, view.chart, language, scenario, tr)
embed.report_height()
