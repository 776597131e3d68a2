"""The frame around every page: language switch, database check, the scenario, URL warnings.

`app.py` draws the frame, then runs the page through `st.navigation`. The page files live in
`app_pages/`, not `pages/`: with a folder named `pages/` beside the entry point, Streamlit's legacy
multipage mode runs a page file without app.py when a fresh server's first request is a deep link.
"""

from __future__ import annotations

import streamlit as st

from ui import data, lang, state

# Chart headers are laid out for a column of about 800 px (charts.common.LAYOUT_WIDTH_PX): on a narrower
# screen a chart keeps that width inside a box that scrolls sideways, instead of cutting its title off.
PHONE_CSS = """<style>
@media (max-width: 820px) {
  [class*="st-key-chartbox_"] { overflow-x: auto; overflow-y: hidden; }
  [class*="st-key-chartbox_"] > * { min-width: 800px; }
}
</style>"""


def draw_frame() -> str:
    """Sidebar language switch, database built if missing, scenario parsed; returns the language."""
    language = lang.current_language()
    tr = state.tr_for(language)
    language = lang.language_switch(tr("ui.language"))
    tr = state.tr_for(language)
    st.html(PHONE_CSS)
    data.ensure_database(tr)
    data.show_overlay_notice(tr)
    state.scenario()
    state.show_param_warnings(language)
    return language


def page_start():
    """Called at the top of each page: returns the translator of the session's language."""
    return state.tr_for(lang.current_language())
