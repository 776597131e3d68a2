"""The language of the session: `?lang=en|zh` in the URL, else the browser's language, else English."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, normalise_language

LANG_PARAM = "lang"
_STATE_KEY = "ui_lang"
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}  # each in its own language, as switches show them


def browser_language() -> str:
    """The browser's language (navigator.language, else the Accept-Language header), normalised."""
    locale = None
    try:
        locale = st.context.locale
    except Exception:  # no browser context (bare mode)
        locale = None
    if not locale:
        header = (st.context.headers or {}).get("Accept-Language", "") if hasattr(st, "context") else ""
        locale = header.split(",")[0] if header else ""
    return normalise_language(locale)


def current_language() -> str:
    """The session's language: a valid URL parameter wins, then the last choice, then the browser."""
    url_value = st.query_params.get(LANG_PARAM)
    if url_value in LANGUAGES:
        st.session_state[_STATE_KEY] = url_value
    elif _STATE_KEY not in st.session_state:
        st.session_state[_STATE_KEY] = browser_language()
    return st.session_state[_STATE_KEY]


def _on_switch() -> None:
    st.session_state[_STATE_KEY] = st.session_state["ui_lang_switch"]
    st.query_params[LANG_PARAM] = st.session_state[_STATE_KEY]


def language_switch(label: str) -> str:
    """The sidebar switch (English / 简体中文); keeps `lang=` in the URL on every page and returns it."""
    lang = current_language()
    st.sidebar.radio(
        label, LANGUAGES, index=LANGUAGES.index(lang), format_func=LANGUAGE_NAMES.__getitem__,
        key="ui_lang_switch", horizontal=True, on_change=_on_switch,
    )
    # Written on every run: plain query parameters are cleared when the user changes page.
    if st.query_params.get(LANG_PARAM) != lang:
        st.query_params[LANG_PARAM] = lang
    return lang
