"""Hostile input to the Scenario parsers and the engine behind them (issue 8: URL and slider values).

from_params is what a shared link goes through: it must never raise and never let a non-finite or
out-of-range value in. from_json is what an uploaded scenario file goes through: it must refuse bad
input with a ScenarioError that names the field.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.scenario import FIELDS, PRESETS, Scenario, ScenarioError
from tests.hardening.garbage import NASTY_TEXT, json_value, non_finite_in_json, url_params

QUICK = settings(max_examples=300, deadline=None)
ENGINE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_valid(scenario: Scenario) -> None:
    """Every field within its spec: finite numbers inside the range, choices among the options."""
    for name, spec in FIELDS.items():
        value = getattr(scenario, name)
        if value is None:
            assert spec.nullable, name
        elif spec.kind in ("float", "int"):
            assert not isinstance(value, bool) and math.isfinite(value), (name, value)
            assert spec.min <= value <= spec.max, (name, value)
        elif spec.kind == "choice":
            assert value in spec.options, (name, value)
        else:
            assert isinstance(value, bool), (name, value)
    assert scenario.preset in PRESETS
    assert scenario.horizon > scenario.base_year


@QUICK
@given(url_params(max_keys=10))
def test_from_params_never_raises_and_keeps_values_valid(params):
    scenario, warnings = Scenario.from_params(params)
    assert_valid(scenario)
    for warning in warnings:
        assert warning.field and warning.message  # each refusal is explained to the user


@QUICK
@given(st.sampled_from([n for n, s in FIELDS.items() if s.kind in ("float", "int")]), st.sampled_from(NASTY_TEXT))
def test_a_refused_number_is_named_and_the_preset_value_kept(name, text):
    scenario, warnings = Scenario.from_params({name: text})
    default = Scenario().values()[name]
    if getattr(scenario, name) == default and text.strip().lower() not in ("fit", "null", "none", ""):
        # Not accepted (or accepted as the default itself): when refused, the warning names the field.
        assert all(w.field == name for w in warnings)
    if warnings:
        assert getattr(scenario, name) == default
        assert [w.field for w in warnings] == [name]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e309", "Infinity", "NaN"])
def test_non_finite_numbers_are_refused_with_a_warning(text):
    scenario, warnings = Scenario.from_params({"utilisation": text, "run_length_days": text})
    assert scenario.utilisation == 0.4 and scenario.run_length_days == 100.0
    assert sorted(w.field for w in warnings) == ["run_length_days", "utilisation"]


def test_repeated_key_takes_the_last_value():
    scenario, warnings = Scenario.from_params({"run_length_days": ["30", "45"]})
    assert scenario.run_length_days == 45.0 and warnings == []


def test_horizon_before_base_year_is_refused_not_raised():
    scenario, warnings = Scenario.from_params({"horizon": "2026", "base_year": "2030"})
    assert (scenario.base_year, scenario.horizon) == (2025, 2040)
    assert warnings and warnings[0].field in ("horizon", "base_year")


@QUICK
@given(st.dictionaries(st.sampled_from(tuple(FIELDS) + ("preset",)), json_value(), min_size=1, max_size=4))
def test_from_json_accepts_valid_or_raises_scenario_error_naming_the_field(data):
    text = json.dumps(data)  # may contain NaN / Infinity, as a hand-edited file might
    try:
        scenario = Scenario.from_json(text)
    except ScenarioError as error:
        assert error.field in data, (error.field, data)
        assert error.field in str(error)
    else:
        assert_valid(scenario)


@QUICK
@given(st.one_of(st.text(max_size=60), json_value().map(json.dumps), st.sampled_from(NASTY_TEXT)))
def test_from_json_on_any_text_raises_only_scenario_error(text):
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    named = ["json"] + (list(parsed) if isinstance(parsed, dict) else [])
    try:
        scenario = Scenario.from_json(text)
    except ScenarioError as error:
        assert error.field in named and str(error).startswith(error.field)
    else:
        assert_valid(scenario)


def test_from_json_names_the_bad_field():
    with pytest.raises(ScenarioError, match="^utilisation: .*NaN|^utilisation: .*nan"):
        Scenario.from_json('{"utilisation": NaN}')
    with pytest.raises(ScenarioError, match="^no_such_field: unknown field"):
        Scenario.from_json('{"no_such_field": 1}')


# ---------------------------------------------------------------- the engine behind a hostile link


def _finite(values, label: str) -> None:
    array = np.asarray(values, dtype=float)
    assert np.isfinite(array).all(), f"{label}: {int((~np.isfinite(array)).sum())} non-finite values"


@ENGINE
@given(url_params(max_keys=8), st.sampled_from(list(PRESETS)))
def test_forecast_of_any_link_is_finite(engine_inputs, params, preset):
    from models.forecast import forecast
    from models.montecarlo import monte_carlo

    scenario, _ = Scenario.from_params({"preset": preset, **params})
    fc = forecast(scenario, engine_inputs)
    for label in ("t", "demand_flop", "available_flop", "shipments_h100e", "stock_h100e"):
        _finite(getattr(fc, label), label)
    for link, values in (fc.caps_h100e or {}).items():
        # +inf is the engine's "link not modelled" (its capacity set to 0): whole row, never NaN or -inf.
        assert np.isfinite(values).all() or np.isposinf(values).all(), f"caps[{link}]"
    annual = fc.annual()
    _finite(annual[["demand_flop", "available_flop", "shipments_h100e", "stock_h100e"]], "annual")
    # the gap is demand ÷ available: +inf exactly where a link chokes shipments to nothing, never NaN
    gap, nothing = annual["gap"].to_numpy(), annual["available_flop"].to_numpy() == 0
    assert (np.isfinite(gap) | (np.isposinf(gap) & nothing)).all(), "annual gap"
    assert fc.ceiling_time is None or scenario.base_year <= fc.ceiling_time <= scenario.horizon

    mc = monte_carlo(scenario, engine_inputs, samples=200)
    _finite(mc.p_by_year, "p_by_year")
    assert ((0 <= mc.p_by_year) & (mc.p_by_year <= 1)).all()
    for name, band in mc.bands.items():
        _finite(band, f"bands[{name}]")
    for q in (mc.p10, mc.p50, mc.p90):
        assert q is None or math.isfinite(q)


@ENGINE
@given(url_params(max_keys=8), st.sampled_from(list(PRESETS)))
def test_forecast_figures_of_any_link_hold_no_nan(engine_inputs, params, preset):
    from charts import forecast as forecast_charts
    from models.forecast import forecast
    from models.montecarlo import monte_carlo

    scenario, _ = Scenario.from_params({"preset": preset, **params})
    fc = forecast(scenario, engine_inputs)
    mc = monte_carlo(scenario, engine_inputs, samples=200)
    capped = forecast(scenario.replace(weakest_link=True), engine_inputs)
    # The builders the pages and the export both use (charts.registry feeds them the same results).
    for fig in (forecast_charts.hero_figure(fc, mc, "en"), forecast_charts.fan_figure(mc, scenario, "en"),
                forecast_charts.probability_figure(mc, "en"),
                forecast_charts.binding_figure(capped, "en", sources=(), cap_switched_on=False)):
        assert non_finite_in_json(fig.to_json()) == []
