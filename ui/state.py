"""Session and URL state: the translator, the shared scenario, and the share link.

The scenario is parsed once per session from the URL (`Scenario.from_params`: unknown or invalid
parameters are dropped, each with a visible warning) and then kept in session state; the Forecast
page updates it from its widgets, which are bound to the URL (`bind="query-params"`), so every view
is a shareable link.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from i18n import t, translator
from models.scenario import FIELDS, ParamWarning, Scenario

SCENARIO_KEY = "ui_scenario"
_WARNINGS_KEY = "ui_param_warnings"
APP_PARAMS = ("lang",)  # URL parameters that are not scenario fields


def tr_for(lang: str):
    return translator(lang)


SERVING_PREFIX = "serve_"  # the Serving page's own parameters (ui/serving_state.py), not training fields


def _scenario_params() -> dict[str, str]:
    return {key: value for key, value in st.query_params.to_dict().items()
            if key not in APP_PARAMS and not key.startswith(SERVING_PREFIX)}


def drop_invalid_params(warnings: list[ParamWarning]) -> None:
    """Remove refused parameters from the URL, so that bound widgets start from valid values."""
    for warning in warnings:
        if warning.field in st.query_params:
            del st.query_params[warning.field]


def scenario() -> Scenario:
    """The session's scenario: from the URL on the session's first run, then as the user left it."""
    if SCENARIO_KEY not in st.session_state:
        parsed, warnings = Scenario.from_params(_scenario_params())
        drop_invalid_params(warnings)
        st.session_state[SCENARIO_KEY] = parsed
        st.session_state[_WARNINGS_KEY] = warnings
    return st.session_state[SCENARIO_KEY]


def set_scenario(value: Scenario) -> None:
    st.session_state[SCENARIO_KEY] = value


def show_param_warnings(lang: str) -> None:
    """One visible warning per dropped URL parameter (shown on the run that parsed them)."""
    for warning in st.session_state.pop(_WARNINGS_KEY, []):
        st.warning(t(f"ui.param_warning.{warning.code}", lang, field=warning.field, value=warning.value,
                     allowed=allowed_values(warning.field, warning.allowed)),
                   icon=":material/link_off:")


def allowed_values(field: str, fallback: str) -> str:
    """What a field accepts, in notation that reads the same in every language ("0.05–0.8", "a, b, c")."""
    spec = FIELDS.get(field)
    if spec is None:
        return fallback
    if spec.kind == "choice":
        return ", ".join(spec.options)
    if spec.kind == "bool":
        return "true, false"
    return f"{spec.min:g}–{spec.max:g}" + (", fit" if spec.nullable else "")


def share_query(lang: str, value: Scenario | None = None) -> dict[str, str]:
    """The URL parameters that reproduce the current view: scenario fields that differ, preset, lang."""
    return {**(value or scenario()).to_params(), "lang": lang}


def keep_scenario_in_url() -> None:
    """On pages without the scenario's controls, write the session's scenario into the address bar, so the
    URL a user copies from any page reproduces the view. (Plain parameters do not survive a page change.)"""
    # Written even when the server's copy already matches: on a page change the browser drops plain
    # parameters after the server saw them.
    for key, value in share_query(st.session_state.get("ui_lang", "en")).items():
        try:
            st.query_params[key] = value
        except StreamlitAPIException:  # still bound to a Forecast control: Streamlit keeps it in the URL itself
            continue


def share_link(lang: str | None = None, value: Scenario | None = None) -> str:
    """The full link of the current page with the current scenario (works in AppTest too)."""
    lang = lang or st.session_state.get("ui_lang", "en")
    try:
        base = st.context.url or ""
    except Exception:  # bare mode
        base = ""
    base = base or "http://127.0.0.1:8501/"
    return f"{base}?{urlencode(share_query(lang, value))}"

