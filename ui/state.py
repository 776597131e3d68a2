"""The one scenario state of a session, the URL that mirrors it, and the share link.

A session's scenario is a pure `Scenario` value kept in session state. It is parsed once, from the URL,
on the session's first run (`Scenario.from_params`: unknown, invalid or repeated parameters are dropped
or resolved with a visible, escaped warning). After that it changes only through `set_scenario`: the
Forecast page's widget callbacks, the preset picker and the scenario file all call it, before the script
runs. Every run then writes the URL from the scenario (`sync_url`), so the address bar, the share box,
the export footer and `python -m models forecast --link` all read the same value.

A session may also hold a *pinned* scenario A (`pinned()`), which the Forecast page draws in grey beside
the current one (B). It is part of the same state: parsed from the URL's `compare` parameter on the same
first run by the same parser, changed only by `pin` (the page's buttons, from callbacks), and written back
into the URL, the share box and the export footer with the scenario.
"""

from __future__ import annotations

import os

import streamlit as st

from i18n import t, translator
from models.scenario import (
    COMPARE_PARAM,
    FIELDS,
    ParamWarning,
    Scenario,
    compare_from_pairs,
    compare_params,
    params_from_pairs,
)
from models.scenario import share_link as scenario_link
from ui.text import escape_markdown

SCENARIO_KEY = "ui_scenario"
PINNED_KEY = "ui_pinned_scenario"  # the pinned scenario A (a Scenario) or None
_WARNINGS_KEY = "ui_param_warnings"
PAGE_KEY = "ui_page"  # url path of the page being run (set by app.py), for share links
APP_PARAMS = ("lang",)  # URL parameters that are not scenario fields
PUBLIC_URL_ENV = "COMPUTE_CEILING_PUBLIC_URL"  # where readers open shared links, e.g. https://ceiling.example.org/
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501/"
MAX_WARNINGS = 5  # boxes; the rest are named in one more box
MAX_NAMES_LISTED = 20


def tr_for(lang: str):
    return translator(lang)


SERVING_PREFIX = "serve_"  # the Serving page's own parameters (ui/serving_state.py), not training fields


def _url_pairs() -> list[tuple[str, str]]:
    """The address bar's (key, value) pairs; the Serving page's own `serve_*` parameters are not
    training-scenario fields."""
    return [(key, value) for key in st.query_params.keys() if not key.startswith(SERVING_PREFIX)
            for value in st.query_params.get_all(key)]


def _url_params() -> tuple[dict[str, str], list[ParamWarning]]:
    """The address bar's scenario parameters, read as every CLI reads a link (models.scenario)."""
    return params_from_pairs(_url_pairs())


def scenario() -> Scenario:
    """The session's scenario: from the URL on the session's first run, then as the user left it."""
    if SCENARIO_KEY not in st.session_state:
        params, repeated = _url_params()
        parsed, warnings = Scenario.from_params(params)
        pinned_value, pinned_warnings = compare_from_pairs(_url_pairs())
        st.session_state[SCENARIO_KEY] = parsed
        st.session_state[PINNED_KEY] = pinned_value
        st.session_state[_WARNINGS_KEY] = repeated + warnings + pinned_warnings
    return st.session_state[SCENARIO_KEY]


def set_scenario(value: Scenario) -> None:
    st.session_state[SCENARIO_KEY] = value


def pinned() -> Scenario | None:
    """The session's pinned scenario A (None: no comparison): from the URL's `compare` on the first run."""
    scenario()  # parses the URL on the session's first run
    return st.session_state.get(PINNED_KEY)


def pin(value: Scenario | None) -> None:
    """Pin a scenario as A (None unpins it); called from the Forecast page's button callbacks."""
    st.session_state[PINNED_KEY] = value


def show_param_warnings(lang: str) -> None:
    """The URL's refused parameters, once, on the run that parsed them: every echoed key and value is
    escaped and cut short, and a flood of them draws MAX_WARNINGS boxes and one more naming the rest."""
    every = st.session_state.pop(_WARNINGS_KEY, [])
    warnings, more = every[:MAX_WARNINGS], every[MAX_WARNINGS:]
    for warning in warnings:
        st.warning(t(f"ui.param_warning.{warning.code}", lang, field=escape_markdown(warning.field, 60),
                     value=escape_markdown(warning.value, 80),
                     allowed=escape_markdown(allowed_values(warning.field, warning.allowed), 200)),
                   icon=":material/link_off:")
    if more:
        names = [escape_markdown(warning.field, 40) for warning in more[:MAX_NAMES_LISTED]]
        st.warning(t("ui.param_warning.more", lang, count=len(more),
                     names=", ".join(names) + (" …" if len(more) > MAX_NAMES_LISTED else "")),
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
    """The URL parameters that reproduce the current view: scenario fields that differ, preset, the pinned
    scenario A (`compare`, when one is pinned), lang."""
    return {**(value or scenario()).to_params(), **compare_params(pinned()), "lang": lang}


def sync_url(lang: str) -> None:
    """Write the session's scenario into the address bar (every run, on every page): scenario parameters
    that no longer apply are removed, parameters the app does not own (e.g. an embed's `theme`) are kept.
    Streamlit drops plain parameters on a page change, so this is also what keeps a copied URL whole."""
    wanted = share_query(lang)
    current = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    for key in current:
        if (key in FIELDS or key in ("preset", COMPARE_PARAM)) and key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if current.get(key) != [value]:
            st.query_params[key] = value


def public_base_url() -> str:
    """The address readers open shared links on: COMPUTE_CEILING_PUBLIC_URL, else the local server."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip() or DEFAULT_PUBLIC_URL
    return base if base.endswith("/") else base + "/"


def share_link(lang: str | None = None, value: Scenario | None = None, page: str | None = None) -> str:
    """The public link of a page (the current one by default) with the scenario (the session's by default)
    and the session's pinned scenario A, if any."""
    lang = lang or st.session_state.get("ui_lang", "en")
    page = st.session_state.get(PAGE_KEY, "forecast") if page is None else page
    return scenario_link(value or scenario(), lang, public_base_url(), page, compare=pinned())
