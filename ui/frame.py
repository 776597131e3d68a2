"""The frame around every page: language switch, database check, the scenario, URL warnings.

`app.py` draws the frame before running the page. A page calls `page_start()` first thing. When app.py
did not run, Streamlit is in its legacy "pages/ folder" mode: with a `pages/` folder beside the entry
point, a server whose *first* request is a deep link (/forecast) runs that page file directly and never
calls `st.navigation`, which is what switches the legacy mode off — for every later session too.
`page_start()` then switches it off itself and reruns, so app.py routes from then on.
"""

from __future__ import annotations

import streamlit as st

from ui import data, lang, state

_FRAME_DRAWN = "ui_frame_drawn"
_LEGACY_RERUN = "ui_legacy_rerun"


def draw_frame() -> str:
    """Sidebar language switch, database built if missing, scenario parsed; returns the language."""
    language = lang.current_language()
    tr = state.tr_for(language)
    language = lang.language_switch(tr("ui.language"))
    tr = state.tr_for(language)
    data.ensure_database(tr)
    state.scenario()
    state.show_param_warnings(language)
    st.session_state[_FRAME_DRAWN] = True
    return language


def _leave_legacy_pages_mode() -> None:
    """Switch off Streamlit's legacy pages-folder mode (what st.navigation does) and rerun through app.py."""
    from streamlit.runtime.pages_manager import PagesManager  # internal; pinned streamlit 1.67

    if PagesManager.uses_pages_directory and not st.session_state.get(_LEGACY_RERUN):
        st.session_state[_LEGACY_RERUN] = True  # once per session: never loop
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_start():
    """Called at the top of each page: returns the translator of the session's language."""
    if not st.session_state.pop(_FRAME_DRAWN, False):
        _leave_legacy_pages_mode()
        draw_frame()  # still no app.py: draw the frame here rather than fail
        st.session_state.pop(_FRAME_DRAWN, None)
    return state.tr_for(lang.current_language())
