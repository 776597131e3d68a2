"""The frame around every page: language switch, database check, the scenario, URL warnings.

`app.py` draws the frame, then runs the page through `st.navigation`. The page files live in
`app_pages/`, not `pages/`: with a folder named `pages/` beside the entry point, Streamlit's legacy
multipage mode runs a page file without app.py when a fresh server's first request is a deep link.
"""

from __future__ import annotations

from ui import data, lang, state


def draw_frame() -> str:
    """Sidebar language switch, database built if missing, scenario parsed; returns the language."""
    language = lang.current_language()
    tr = state.tr_for(language)
    language = lang.language_switch(tr("ui.language"))
    tr = state.tr_for(language)
    data.ensure_database(tr)
    data.show_overlay_notice(tr)
    state.scenario()
    state.show_param_warnings(language)
    return language


def page_start():
    """Called at the top of each page: returns the translator of the session's language."""
    return state.tr_for(lang.current_language())
