"""The Forecast page's controls, built from `models.scenario.FIELDS`, bound to the URL.

Each widget's key is the Scenario field's name, so the URL parameter is the field name
(`bind="query-params"`); its default is the preset's value, so a link carries only what the user
changed. Choices (the preset, demand mode, …) are synced to the URL by hand instead: a bound
selectbox writes its *displayed* label into the URL, which would make links depend on the language. A nullable field (None = "fitted from the database") is shown at its fitted value; left
there, the scenario keeps None.
"""

from __future__ import annotations

import streamlit as st

from charts.export import source_credit
from i18n import catalogue
from models.scenario import DEFAULT_PRESET, FIELDS, MAIN_FIELDS, PRESETS, FieldSpec, Scenario, ScenarioError
from ui import data, engine, state

PRESET_KEY = "preset"
GROUPS = ("demand", "supply", "allocation", "constraints", "uncertainty", "display")
# Changing these moves the fitted value of a nullable field: its widget is re-seeded to the new fit.
FIT_SETTINGS = ("fit_population", "fit_since", "supply_fit_since", "base_year", "demand_mode", "demand_claim",
                "param_growth", "tokens_per_param")
_FITTED_FLAG = "ui_fitted_{}"
_SLIDER_MAX_STEPS = 5_000


def _has_key(key: str, lang: str) -> bool:
    return key in catalogue(lang)


def _option_label(spec: FieldSpec, option: str, lang: str) -> str:
    key = f"scenario.{spec.name}.options.{option}"
    return catalogue(lang)[key] if _has_key(key, lang) else option


def _unit_label(spec: FieldSpec, tr) -> str:
    if spec.unit == "%":
        return tr("ui.unit.fraction")
    return spec.unit


def label_for(spec: FieldSpec, tr) -> str:
    unit = _unit_label(spec, tr)
    name = tr(spec.label_key)
    return f"{name} ({unit})" if unit else name


@st.cache_resource(max_entries=4, show_spinner=False)
def _field_credits(version: int) -> dict[str, str]:
    """Every field's source by name, once per database (a rerun asks for ~44 of them)."""
    lookup = data.read("sources")
    return {spec.source_id: source_credit(spec.source_id, lookup) for spec in FIELDS.values() if spec.source_id}


def help_for(spec: FieldSpec, tr) -> str:
    """The field's help text and, below it, its source by name ("Epoch AI, Title (licence)")."""
    text = tr(spec.help_key)
    if not spec.source_id:
        return text
    source = _field_credits(data.db_version())[spec.source_id]
    return f"{text}\n\n{tr('ui.help_source', source=source)}"


def sync_url_param(key: str, value: str, default: str) -> None:
    """Keep an unbound choice in the URL: the value when it differs from the default, else nothing."""
    if value != default:
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def _preset_values(name: str) -> dict:
    return Scenario.from_preset(name).values()


def _widget_value(spec: FieldSpec, value, fitted: dict):
    """What a widget shows for a scenario value: the fitted number stands in for None."""
    if value is None:
        return fitted.get(spec.name, spec.min)
    return value


def load_into_widgets(scenario: Scenario) -> None:
    """Set every control to the scenario's values (from a callback: before the widgets are drawn)."""
    fitted = engine.fitted_defaults(scenario)
    st.session_state[PRESET_KEY] = scenario.preset
    for field, value in scenario.values().items():
        spec = FIELDS[field]
        st.session_state[field] = None if value is None and spec.log else _widget_value(spec, value, fitted)
        st.session_state[_FITTED_FLAG.format(field)] = value is None
    state.set_scenario(scenario)


def _apply_preset() -> None:
    """on_change of the preset picker: every field jumps to the new preset's value."""
    load_into_widgets(Scenario.from_preset(st.session_state[PRESET_KEY]))


def _refit() -> None:
    """on_change of a fit setting: nullable fields still at their fitted value follow the new fit."""
    for field, spec in FIELDS.items():
        if spec.nullable and st.session_state.get(_FITTED_FLAG.format(field), True):
            st.session_state.pop(field, None)


def _seed_from_session(baseline: dict, current: Scenario, fitted: dict) -> None:
    """Widgets not yet created this session start from the session's scenario (e.g. a deep link opened on
    another page: plain query parameters do not survive a page change, the session's scenario does).
    A parameter still in the URL seeds its bound widget itself; setting it here too would drop it from the URL."""
    for field, value in current.values().items():
        bound_in_url = FIELDS[field].kind != "choice" and field in st.query_params
        if field not in st.session_state and not bound_in_url and value != baseline[field]:
            st.session_state[field] = _widget_value(FIELDS[field], value, fitted)


def _widget(spec: FieldSpec, default, tr, lang: str, container):
    """One control for one field, keyed and URL-bound by the field's name."""
    common = dict(key=spec.name, bind="query-params", help=help_for(spec, tr))
    label = label_for(spec, tr)
    on_change = _refit if spec.name in FIT_SETTINGS else None
    if spec.kind == "choice":
        value = container.selectbox(label, spec.options, index=spec.options.index(default), key=spec.name,
                                    help=common["help"], format_func=lambda o: _option_label(spec, o, lang),
                                    on_change=on_change)
        sync_url_param(spec.name, value, default)
        return value
    if spec.kind == "bool":
        return container.toggle(label, value=bool(default), **common)
    steps = (spec.max - spec.min) / (spec.step or 1)
    if spec.kind == "int":
        if steps <= _SLIDER_MAX_STEPS:
            return container.slider(label, int(spec.min), int(spec.max), int(default), 1, on_change=on_change,
                                    **common)
        return container.number_input(label, int(spec.min), int(spec.max), int(default), 1, **common)
    if spec.log or steps > _SLIDER_MAX_STEPS:
        return container.number_input(label, float(spec.min), float(spec.max),
                                      None if default is None else float(default), format="%.3g",
                                      on_change=on_change, **common)
    return container.slider(label, float(spec.min), float(spec.max), float(default), float(spec.step),
                            format="%.2f", on_change=on_change, **common)


def _field_default(spec: FieldSpec, baseline: dict, fitted: dict):
    value = baseline[spec.name]
    if value is None and spec.log:
        return None  # an empty number box means "fitted"
    return _widget_value(spec, value, fitted)


def scenario_controls(tr, lang: str) -> Scenario:
    """Preset picker, the five main sliders, the rest under "Advanced"; returns the scenario they set."""
    current = state.scenario()
    if PRESET_KEY not in st.session_state:
        st.session_state[PRESET_KEY] = current.preset
    preset = st.selectbox(tr("forecast.preset"), tuple(PRESETS), key=PRESET_KEY, on_change=_apply_preset,
                          format_func=lambda name: tr(PRESETS[name].label_key), help=tr("forecast.preset_help"))
    sync_url_param(PRESET_KEY, preset, DEFAULT_PRESET)
    st.caption(tr(PRESETS[preset].description_key))
    baseline = _preset_values(preset)
    probe = current if current.preset == preset else Scenario.from_preset(preset)
    fitted = engine.fitted_defaults(probe.replace(**{f: st.session_state[f] for f in FIT_SETTINGS
                                                     if f in st.session_state}))
    _seed_from_session(baseline, current, fitted)

    chosen: dict = {}
    columns = st.columns(len(MAIN_FIELDS))
    for column, name in zip(columns, MAIN_FIELDS, strict=True):
        chosen[name] = _widget(FIELDS[name], _field_default(FIELDS[name], baseline, fitted), tr, lang, column)
    with st.expander(tr("forecast.advanced")):
        for group in GROUPS:
            names = [n for n, s in FIELDS.items() if s.group == group and n not in MAIN_FIELDS]
            if not names:
                continue
            st.markdown(f"**{tr(f'scenario.group.{group}')}**")
            cols = st.columns(3)
            for index, name in enumerate(names):
                spec = FIELDS[name]
                chosen[name] = _widget(spec, _field_default(spec, baseline, fitted), tr, lang, cols[index % 3])
    return _to_scenario(preset, chosen, baseline, fitted)


def _to_scenario(preset: str, chosen: dict, baseline: dict, fitted: dict) -> Scenario:
    """Widget values back to a Scenario: a nullable field left at its fitted value stays None."""
    values = {}
    for name, value in chosen.items():
        spec = FIELDS[name]
        if spec.nullable and baseline[name] is None and (value is None or value == fitted.get(name)):
            value = None
        st.session_state[_FITTED_FLAG.format(name)] = value is None
        values[name] = value
    try:
        scenario = Scenario.from_preset(preset, **values)
    except ScenarioError as error:  # a cross-field rule, e.g. the horizon before the base year
        st.warning(state.tr_for(st.session_state.get("ui_lang", "en"))("ui.scenario_refused", field=error.field,
                                                                       problem=error.message))
        return state.scenario()
    state.set_scenario(scenario)
    return scenario
