"""Scenario files: export the current scenario as JSON, import one (validated: a bad file names the field
and the problem, and changes nothing), and the share link of the current view."""

from __future__ import annotations

import streamlit as st

from etl.guards import UploadError, check_upload
from models.scenario import Scenario, ScenarioError
from ui import state, uploader
from ui.text import escape_markdown

UPLOAD_KEY = "scenario_upload"
_ERROR_KEY = "ui_scenario_error"
_LOADED_KEY = "ui_scenario_loaded"
MAX_SCENARIO_BYTES = 64 * 1024


def parse_upload(file_name: str, data: bytes) -> Scenario:
    """A Scenario from an uploaded file; UploadError or ScenarioError says what is wrong."""
    text = check_upload(file_name, data, max_bytes=MAX_SCENARIO_BYTES, allowed_suffixes=(".json",))
    return Scenario.from_json(str(text))


def _on_upload() -> None:
    upload = st.session_state.get(UPLOAD_KEY)
    st.session_state.pop(_ERROR_KEY, None)
    if upload is None:
        return
    lang = st.session_state.get("ui_lang", "en")
    try:
        scenario = parse_upload(upload.name, upload.getvalue())
    except UploadError as error:
        st.session_state[_ERROR_KEY] = escape_markdown(error.message(lang), 300)
        return
    except ScenarioError as error:
        st.session_state[_ERROR_KEY] = state.tr_for(lang)("ui.scenario_refused", field=escape_markdown(error.field, 60),
                                                         problem=escape_markdown(error.message))
        return
    except (RecursionError, OverflowError, ValueError, TypeError):  # hostile JSON: say so, never a traceback
        st.session_state[_ERROR_KEY] = state.tr_for(lang)("ui.scenario_refused", field="json",
                                                         problem=state.tr_for(lang)("ui.scenario_unreadable"))
        return
    state.set_scenario(scenario)  # every control shows it on the run that follows (ui.controls.seed_widgets)
    st.session_state[_LOADED_KEY] = escape_markdown(upload.name, 80)


def scenario_files(scenario: Scenario, tr, lang: str) -> None:
    """Download the scenario as JSON, load one, copy the share link."""
    st.subheader(tr("forecast.share_heading"))
    st.caption(tr("ui.export.share_link"))
    st.code(state.share_link(lang, scenario, page="forecast"), language=None)
    left, right = st.columns(2)
    left.download_button(tr("forecast.scenario_download"), data=scenario.to_json(), file_name="scenario.json",
                         mime="application/json", on_click="ignore", key="scenario_download",
                         icon=":material/download:")
    right.file_uploader(tr("forecast.scenario_upload"), type=["json"], key=UPLOAD_KEY, on_change=_on_upload,
                        help=tr("forecast.scenario_upload_help"))
    uploader.localise(UPLOAD_KEY, ["json"], lang)
    if _ERROR_KEY in st.session_state:
        st.error(st.session_state[_ERROR_KEY], icon=":material/error:")
    elif _LOADED_KEY in st.session_state:
        st.success(tr("forecast.scenario_loaded", file=st.session_state.pop(_LOADED_KEY)))
