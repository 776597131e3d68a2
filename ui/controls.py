"""The Forecast page's controls: views of the session's one scenario (`ui.state`), built from `FIELDS`.

Every widget is keyed by its field's name and is *controlled*: before it is drawn, its session-state
value is set from the scenario; when the user moves it, its callback writes the new value into the
scenario (callbacks run before the script). So a rerun always computes from exactly the values on
screen, whatever changed the scenario (a slider, a preset, a file, a link, a language switch).

A nullable field (None = "follows the data") has a visible "fitted" checkbox beside its control. The
choice is the user's and is stored (None or a number), never inferred from a value that happens to
equal the fit: ticking it makes the field follow the data, moving the control sets a number.
"""

from __future__ import annotations

import math

import streamlit as st

from charts.export import source_credit
from i18n import catalogue
from models.scenario import FIELDS, MAIN_FIELDS, PRESETS, FieldSpec, Scenario, ScenarioError, check_value
from ui import data, engine, state
from ui.text import escape_markdown

PRESET_KEY = "preset"
ADVANCED_KEY = "forecast_advanced"  # the "Advanced" expander: True while open (its controls are drawn only then)
GROUPS = ("demand", "supply", "allocation", "constraints", "uncertainty", "display")
_FITTED_SUFFIX = "__fitted"
_REFUSED_KEY = "ui_scenario_refused"
_SLIDER_MAX_STEPS = 5_000


def fitted_key(field: str) -> str:
    """The session-state key of a nullable field's "fitted" checkbox."""
    return field + _FITTED_SUFFIX


def _option_label(spec: FieldSpec, option: str, lang: str) -> str:
    key = f"scenario.{spec.name}.options.{option}"
    return catalogue(lang).get(key, option)


def label_for(spec: FieldSpec, tr) -> str:
    unit = tr("ui.unit.fraction") if spec.unit == "%" else spec.unit
    name = tr(spec.label_key)
    return f"{name} ({unit})" if unit else name


@st.cache_resource(max_entries=4, show_spinner=False)
def _field_credits(version) -> dict[str, str]:
    """Every field's source by name, once per database (a rerun asks for ~44 of them)."""
    lookup = data.read("sources")
    return {spec.source_id: source_credit(spec.source_id, lookup) for spec in FIELDS.values() if spec.source_id}


def help_for(spec: FieldSpec, tr, version=None) -> str:
    """The field's help text and, below it, its source by name ("Epoch AI, Title (licence)")."""
    text = tr(spec.help_key)
    if not spec.source_id:
        return text
    source = _field_credits(data.db_version() if version is None else version)[spec.source_id]
    return f"{text}\n\n{tr('ui.help_source', source=source)}"


@st.cache_resource(max_entries=8, show_spinner=False)
def _widget_texts(version, lang: str) -> dict[str, tuple[str, str]]:
    """Every field's (label, help) in one language over one database, built once: a rerun draws a dozen
    controls, and formatting their texts (catalogue look-ups, source credits) was a third of their cost."""
    from ui.state import tr_for

    tr = tr_for(lang)
    return {name: (label_for(spec, tr), help_for(spec, tr, version)) for name, spec in FIELDS.items()}


def step_format(spec: FieldSpec) -> str:
    """A slider's number format with every digit its step can set (0.001 → "%.3f"), at least two."""
    decimals = max(2, -math.floor(math.log10(spec.step) + 1e-9)) if spec.step and spec.step < 1 else 2
    return f"%.{decimals}f"


# --- scenario → widgets ---------------------------------------------------------------------------
def _slider_value(spec: FieldSpec, value: float) -> float | int:
    """A value as its control can hold it: inside the control's range, of the control's type."""
    value = min(max(float(value), spec.min), spec.max)
    return int(round(value)) if spec.kind == "int" else value


def _shown_value(spec: FieldSpec, value, fitted: dict):
    """What a field's control shows: its number, or for a fitted field the fit the engine is using."""
    if value is None:
        fit = fitted.get(spec.name)
        return None if fit is None else _slider_value(spec, fit)
    return value


def seed_widgets(scenario: Scenario, fitted: dict, names=None) -> None:
    """Point every control to be drawn (`names`; all by default) at the scenario before it is drawn (the
    scenario is the truth, the widget a view)."""
    st.session_state[PRESET_KEY] = scenario.preset
    values = scenario.values()
    for name in FIELDS if names is None else names:
        spec, value = FIELDS[name], values[name]
        st.session_state[name] = _shown_value(spec, value, fitted)
        if spec.nullable:
            st.session_state[fitted_key(name)] = value is None


# --- widgets → scenario (callbacks: they run before the script) -------------------------------------
def _apply(**changes) -> None:
    """Replace fields of the session's scenario; a cross-field refusal keeps the old scenario and says why."""
    try:
        state.set_scenario(state.scenario().replace(**changes))
    except ScenarioError as error:  # e.g. the horizon before the base year
        st.session_state[_REFUSED_KEY] = (error.field, error.message)


def _on_field(name: str) -> None:
    """A control moved: its value becomes the field's value (a number: the field no longer follows the data)."""
    spec, raw = FIELDS[name], st.session_state.get(name)
    if raw is None:
        if spec.nullable:
            _apply(**{name: None})
        return
    try:
        value = check_value(spec, raw)
    except ScenarioError:  # e.g. a stale label sent by the browser after a language switch
        return
    _apply(**{name: value})


def _on_fitted(name: str) -> None:
    """The "fitted" checkbox: ticked, the field follows the data; unticked, it keeps today's fit as a number
    rounded to the control's step, so the number on screen is the number the engine uses."""
    if st.session_state.get(fitted_key(name)):
        _apply(**{name: None})
        return
    spec = FIELDS[name]
    fit = engine.fitted_defaults(state.scenario()).get(name)
    if fit is None:
        return
    value = _slider_value(spec, fit)
    if not spec.log and spec.step:  # onto the control's grid, which starts at its minimum
        value = _slider_value(spec, round(spec.min + round((value - spec.min) / spec.step) * spec.step, 10))
    _apply(**{name: value})


def _on_preset() -> None:
    """The preset picker: every field jumps to the new preset's value."""
    name = st.session_state.get(PRESET_KEY)
    if name in PRESETS:
        state.set_scenario(Scenario.from_preset(name))


# --- drawing --------------------------------------------------------------------------------------
def _widget(spec: FieldSpec, tr, lang: str, container, fitted: dict, texts: dict) -> None:
    """One control for one field, keyed by the field's name, its value set by `seed_widgets`; `texts` holds
    every field's (label, help) in the page's language (`_widget_texts`)."""
    label, help_text = texts[spec.name]
    common = dict(key=spec.name, help=help_text, on_change=_on_field, args=(spec.name,))
    steps = (spec.max - spec.min) / (spec.step or 1) if spec.kind in ("float", "int") else 0
    if spec.kind == "choice":
        container.selectbox(label, spec.options, format_func=lambda o: _option_label(spec, o, lang), **common)
    elif spec.kind == "bool":
        container.toggle(label, **common)
    elif spec.kind == "int" and steps <= _SLIDER_MAX_STEPS:
        container.slider(label, int(spec.min), int(spec.max), step=1, **common)
    elif spec.kind == "int":
        container.number_input(label, int(spec.min), int(spec.max), step=1, **common)
    elif spec.log or steps > _SLIDER_MAX_STEPS:
        container.number_input(label, float(spec.min), float(spec.max), format="%.3g", **common)
    else:
        container.slider(label, float(spec.min), float(spec.max), step=float(spec.step), format=step_format(spec),
                         **common)
    if spec.name == "supply_growth":
        note = supply_growth_effect(state.scenario(), tr)
        if note:
            container.caption(note)
    if spec.nullable:
        fit = fitted.get(spec.name)
        shown = "–" if fit is None else (f"{fit:.3g}" if spec.log else f"{fit:.2f}")
        container.checkbox(tr("scenario.fitted_toggle", value=shown), key=fitted_key(spec.name),
                           on_change=_on_fitted, args=(spec.name,), help=tr("scenario.fitted_toggle_help"))


def supply_growth_effect(scenario: Scenario, tr) -> str | None:
    """A note under "Supply growth" when a supply-chain link, not the growth trend, sets chip output in
    most projected years of the central forecast: the control then does little or nothing, and says so."""
    fc = engine.forecast(scenario)
    projected = fc.projected_years()
    if not len(projected):
        return None
    binding = fc.binding_in(projected)  # its `binding` column for those years, without building the table
    trend_years = [year for year, link in zip(projected, binding, strict=True) if link == "trend"]
    if not trend_years:
        return tr("ui.control_effect.supply_growth_none")
    if len(trend_years) < len(projected):
        return tr("ui.control_effect.supply_growth_some", years=", ".join(str(y) for y in trend_years),
                  n=len(projected) - len(trend_years))
    return None

def advanced_open() -> bool:
    """True while the reader has the "Advanced" expander open (it reruns the page when opened or closed)."""
    return bool(st.session_state.get(ADVANCED_KEY))


def drawn_fields() -> tuple[str, ...]:
    """The fields whose controls this run draws: the main ones, and the rest while "Advanced" is open."""
    return tuple(FIELDS) if advanced_open() else MAIN_FIELDS


def _advanced(tr, lang: str, fitted: dict, texts: dict) -> None:
    """The rest of the fields in an expander whose controls are drawn only while it is open: some seventy
    widgets on every slider move were most of a cached rerun (each one reads the whole session state)."""
    expander = st.expander(tr("forecast.advanced"), key=ADVANCED_KEY, on_change="rerun")
    if not expander.open:
        return
    with expander:
        for group in GROUPS:
            names = [n for n, s in FIELDS.items() if s.group == group and n not in MAIN_FIELDS]
            if not names:
                continue
            st.markdown(f"**{tr(f'scenario.group.{group}')}**")
            cols = st.columns(3)
            for index, name in enumerate(names):
                _widget(FIELDS[name], tr, lang, cols[index % 3], fitted, texts)


def _show_refusal(tr) -> None:
    refused = st.session_state.pop(_REFUSED_KEY, None)
    if refused:
        field, problem = refused
        st.warning(tr("ui.scenario_refused", field=escape_markdown(field, 60), problem=escape_markdown(problem)))


def scenario_controls(tr, lang: str) -> Scenario:
    """Preset picker, the main sliders, the rest under "Advanced", all showing the session's scenario;
    returns that scenario (the one every figure and number of the page is computed from)."""
    current = state.scenario()
    fitted = engine.fitted_defaults(current)
    seed_widgets(current, fitted, drawn_fields())
    st.selectbox(tr("forecast.preset"), tuple(PRESETS), key=PRESET_KEY, on_change=_on_preset,
                 format_func=lambda name: tr(PRESETS[name].label_key), help=tr("forecast.preset_help"))
    st.caption(tr(PRESETS[current.preset].description_key))
    _show_refusal(tr)
    texts = _widget_texts(data.db_version(), getattr(tr, "lang", lang))
    columns = st.columns(len(MAIN_FIELDS))
    for column, name in zip(columns, MAIN_FIELDS, strict=True):
        _widget(FIELDS[name], tr, lang, column, fitted, texts)
    _advanced(tr, lang, fitted, texts)
    return current
