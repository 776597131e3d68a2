"""Compute Ceiling: the Streamlit entry point. Routes between the pages and draws the shared frame.

Run with `make run` (or `streamlit run app.py`). The database is data/compute.duckdb, or the file
named by COMPUTE_CEILING_DB; it is built on first run when missing, and opened read-only.
"""

from __future__ import annotations

import streamlit as st

from ui import embed, frame, lang, runtime, state

PAGES = (  # (file, url path, icon); titles come from the catalogue under nav.<url path>
    ("app_pages/overview.py", "overview", ":material/home:"),
    ("app_pages/demand.py", "demand", ":material/trending_up:"),
    ("app_pages/supply.py", "supply", ":material/memory:"),
    ("app_pages/forecast.py", "forecast", ":material/tune:"),
    ("app_pages/serving.py", "serving", ":material/forum:"),
    ("app_pages/claims.py", "claims", ":material/fact_check:"),
    ("app_pages/data.py", "data", ":material/table:"),
    ("app_pages/methods.py", "methods", ":material/menu_book:"),
)

tr = state.tr_for(lang.current_language())
# An emoji favicon is drawn locally; a material-icon favicon (also the default: the page's icon) is
# fetched from Google Fonts, which an offline newsroom server cannot reach.
st.set_page_config(page_title=tr("app.title"), page_icon="📈", layout="wide")
embedding = embed.requested()  # the chart-only view for other sites' iframes: no sidebar, no frame
language = embed.prepare() if embedding else frame.draw_frame()
tr = state.tr_for(language)
# The first page is served at "/"; Streamlit answers its own url path with "Page not found", so it is
# registered under a private path and its url path ("/overview", as links and readers type it) is a hidden
# second entry running the same file.
first_path, first_url, first_icon = PAGES[0]
navigation = st.navigation([
    st.Page(first_path, title=tr(f"nav.{first_url}"), icon=first_icon, url_path=f"{first_url}-home", default=True),
    *(st.Page(path, title=tr(f"nav.{url}"), icon=icon, url_path=url) for path, url, icon in PAGES[1:]),
    st.Page(first_path, title=tr(f"nav.{first_url}"), icon=first_icon, url_path=first_url, visibility="hidden"),
    st.Page("app_pages/embed.py", title=tr("embed.page_title"), url_path=embed.EMBED_PATH, visibility="hidden"),
], position="hidden" if embedding else "sidebar")
st.session_state[state.PAGE_KEY] = navigation.url_path or PAGES[0][1]
if not embedding:  # an embed's URL stays as its snippet wrote it
    state.sync_url(language)  # the address bar shows the session's scenario on every page, after every change
with runtime.run_slot():  # at most a few page runs at once: see ui/runtime.py
    navigation.run()
runtime.freeze_startup_objects()  # after the first run has imported and cached what every run needs
