"""The Serving page's state: its own scenario in session state, its controls, and its part of the URL.

The serving settings live in `st.session_state[SERVING_KEY]` (apart from the training scenario) and in the
URL as `serve_<field>` parameters (parsed leniently: a bad one is dropped with a visible warning). Widgets
are keyed `serve_<field>` and synced to the URL by hand after each run, so a link carries only the values
that differ from the preset, in a notation that reads the same in every language.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import streamlit as st

from i18n import t
from models.scenario import ParamWarning, ScenarioError
from models.serving_scenario import (
    GROUPS,
    PARAM_PREFIX,
    SERVING_FIELDS,
    SERVING_MAIN,
    SERVING_PRESETS,
    ServingFieldSpec,
    ServingScenario,
)
from ui import data, state

SERVING_KEY = "ui_serving"
_WARNINGS_KEY = "ui_serving_warnings"
PRESET_KEY = PARAM_PREFIX + "preset"


def _url_params() -> dict:
    return {k: v for k, v in st.query_params.to_dict().items() if k.startswith(PARAM_PREFIX)}


def scenario() -> ServingScenario:
    """The session's serving scenario: from the URL on the first visit, then as the user left it."""
    if SERVING_KEY not in st.session_state:
        parsed, warnings = ServingScenario.from_params(_url_params())
        parsed = _known_chip(parsed, warnings)
        for warning in warnings:
            if warning.field in st.query_params:
                del st.query_params[warning.field]
        st.session_state[SERVING_KEY] = parsed
        st.session_state[_WARNINGS_KEY] = warnings
    return st.session_state[SERVING_KEY]


def chip_id(value: str) -> str | None:
    """The accelerator id a chip setting names (by id or by name, any case); None when the table has none."""
    table = data.read("accelerators")
    wanted = str(value).strip().casefold()
    for accelerator_id, name in zip(table["accelerator_id"].astype(str), table["name"].astype(str), strict=True):
        if wanted in (accelerator_id.casefold(), name.casefold()):
            return accelerator_id
    return None


def _known_chip(parsed: ServingScenario, warnings: list) -> ServingScenario:
    """A chip the accelerators table does not hold is refused like any bad parameter (the preset's chip stays)."""
    found = chip_id(parsed.chip)
    if found == parsed.chip:
        return parsed
    if found is None:
        spec = SERVING_FIELDS["chip"]
        warnings.append(ParamWarning(spec.param, parsed.chip, "invalid", spec.allowed()))
        return parsed.replace(chip=ServingScenario.from_preset(parsed.preset).chip)
    return parsed.replace(chip=found)


def show_warnings(lang: str) -> None:
    """One warning per dropped serve_* parameter, on the run that parsed it."""
    scenario()  # parses the URL on the session's first visit
    for warning in st.session_state.pop(_WARNINGS_KEY, []):
        st.warning(t(f"ui.param_warning.{warning.code}", lang, field=warning.field, value=warning.value,
                     allowed=warning.allowed), icon=":material/link_off:")


# --- widgets ----------------------------------------------------------------------------------------

LOG_STEPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)  # the 1-1.5-2-3-5-7 grid of the main sliders per decade


def _key(name: str) -> str:
    return PARAM_PREFIX + name


def slider_options(spec: ServingFieldSpec, *extra: float) -> list[float]:
    """Values a main slider offers: a 1-1.5-2-3-5-7 grid per decade over the field's range, plus `extra`."""
    low, high = spec.min, spec.max
    grid = {m * 10 ** e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
            for m in LOG_STEPS}
    values = {v for v in grid if low <= v <= high} | {float(v) for v in extra if v is not None}
    if spec.kind == "int":
        values = {float(round(v)) for v in values if round(v) >= low}
    return sorted(values)


def short_number(value: float) -> str:
    """1.8e12 → "1.8T", 30000 → "30k", 0.5 → "0.5": compact slider labels, the same in every language."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _label(spec: ServingFieldSpec, tr) -> str:
    unit, name = (tr(f"serving.unit.{spec.name}") if spec.unit else ""), tr(spec.label_key)
    return f"{name} ({unit})" if unit and unit.casefold() not in name.casefold() else name


def _help(spec: ServingFieldSpec, tr) -> str:
    how = tr(f"serving.uncertainty.{spec.uncertainty}")
    return f"{tr(spec.help_key)}\n\n{tr('serving.how_known', how=how)}"


def load_into_widgets(value: ServingScenario) -> None:
    """Every serving control set to the scenario's values (from a callback, before the widgets draw)."""
    st.session_state[PRESET_KEY] = value.preset
    for name, field_value in value.values().items():
        st.session_state[_key(name)] = field_value
    st.session_state[SERVING_KEY] = value


def _apply_preset() -> None:
    load_into_widgets(ServingScenario.from_preset(st.session_state[PRESET_KEY]))


ADVANCED_KEY = "serving_advanced"  # the "Advanced" expander: True while open (its controls are drawn only then)


def advanced_open() -> bool:
    """True while the reader has the "Advanced" expander open (it reruns the page when opened or closed)."""
    return bool(st.session_state.get(ADVANCED_KEY))


def _seed(current: ServingScenario, advanced: bool) -> None:
    """Controls not yet created this session start from the session's scenario. While "Advanced" is closed
    its controls are not drawn and their keys are dropped, so opening it shows the scenario's values."""
    if PRESET_KEY not in st.session_state:
        st.session_state[PRESET_KEY] = current.preset
    for name, value in current.values().items():
        if name not in SERVING_MAIN and not advanced:
            st.session_state.pop(_key(name), None)
        elif _key(name) not in st.session_state:
            st.session_state[_key(name)] = value


def _chip_widget(spec, tr, container):
    table = data.read("accelerators")
    names = dict(zip(table["accelerator_id"].astype(str), table["name"].astype(str), strict=True))
    current = st.session_state.get(_key(spec.name))
    if current not in names:  # a chip given by name: show its id
        st.session_state[_key(spec.name)] = chip_id(current) or spec.default
    return container.selectbox(_label(spec, tr), list(names), key=_key(spec.name), help=_help(spec, tr),
                               format_func=lambda i: names.get(i, i))


def _widget(spec: ServingFieldSpec, tr, container):
    key = _key(spec.name)
    if spec.kind == "text":
        return _chip_widget(spec, tr, container)
    if spec.name in SERVING_MAIN:
        options = slider_options(spec, st.session_state.get(key), spec.default)
        if spec.kind == "int":
            st.session_state[key] = float(st.session_state[key])
        value = container.select_slider(_label(spec, tr), options=options, key=key, help=_help(spec, tr),
                                        format_func=short_number)
        return int(value) if spec.kind == "int" else float(value)
    if spec.kind == "int":
        return container.number_input(_label(spec, tr), int(spec.min), int(spec.max), step=1, key=key,
                                      help=_help(spec, tr))
    return container.number_input(_label(spec, tr), float(spec.min), float(spec.max), step=float(spec.step),
                                  format="%.4g", key=key, help=_help(spec, tr),
                                  placeholder=tr("serving.fitted") if spec.nullable else None)


def controls(tr) -> ServingScenario:
    """The preset, the five main settings as sliders, the rest under Advanced; returns the scenario set."""
    current = scenario()
    advanced = advanced_open()
    _seed(current, advanced)
    preset = st.selectbox(tr("serving.preset_label"), tuple(SERVING_PRESETS), key=PRESET_KEY, on_change=_apply_preset,
                          format_func=lambda name: tr(SERVING_PRESETS[name].label_key), help=tr("serving.preset_help"))
    st.caption(tr(SERVING_PRESETS[preset].description_key))
    chosen = {}
    columns = st.columns(len(SERVING_MAIN))
    for column, name in zip(columns, SERVING_MAIN, strict=True):
        chosen[name] = _widget(SERVING_FIELDS[name], tr, column)
    chosen.update(_advanced(tr, current, advanced))
    try:
        value = ServingScenario.from_preset(preset, **chosen)
    except ScenarioError as error:  # a cross-field rule (the horizon after the year)
        st.warning(tr("ui.scenario_refused", field=error.field, problem=error.message))
        value = current
    st.session_state[SERVING_KEY] = value
    sync_url(value)
    return value


def _advanced(tr, current: ServingScenario, advanced: bool) -> dict:
    """The rest of the settings in an expander whose controls are drawn only while it is open (some thirty
    widgets on every slider move were a third of the page's messages); closed, they keep the scenario's values."""
    expander = st.expander(tr("serving.advanced"), key=ADVANCED_KEY, on_change="rerun")
    rest = [name for name in SERVING_FIELDS if name not in SERVING_MAIN]
    if not (advanced and expander.open):
        return {name: getattr(current, name) for name in rest}
    chosen = {}
    with expander:
        for group in GROUPS:
            names = [n for n in rest if SERVING_FIELDS[n].group == group]
            st.markdown(f"**{tr(f'serving.group.{group}')}**")
            cols = st.columns(3)
            for index, name in enumerate(names):
                chosen[name] = _widget(SERVING_FIELDS[name], tr, cols[index % 3])
    return chosen


def sync_url(value: ServingScenario) -> None:
    """The address bar holds the serving settings that differ from the preset (and the preset)."""
    wanted = value.to_params()
    for key in [k for k in st.query_params.to_dict() if k.startswith(PARAM_PREFIX) and k not in wanted]:
        del st.query_params[key]
    for key, text in wanted.items():
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def share_link(lang: str, value: ServingScenario) -> str:
    """The page's link: the training scenario (its stock curve), the serving settings and the language."""
    try:
        base = st.context.url or ""
    except Exception:  # bare mode
        base = ""
    base = base or "http://127.0.0.1:8501/serving"
    return f"{base.split('?')[0]}?{urlencode({**state.share_query(lang), **value.to_params()})}"

