"""The Forecast page's figures (hero, fan, probability, constraints) are built as plain dicts in one pass:
the figure must be the one the incremental Plotly builders made, value for value.

Reference: tests/charts/reference_forecast_figures.py, a frozen copy of the incremental builders (one Plotly
call per trace, label and layout change through charts/common.py), run in-test on the same engine results;
no stored fixtures, so a change of the data or of the engine cannot make the two disagree. Equality is
strict: same keys, same types, floats bit for bit (NumPy arrays compared as the base64 data Plotly sends)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charts import registry
from charts.registry import ChartContext
from models.scenario import Scenario
from tests.charts import reference_forecast_figures as reference
from tests.charts.test_forecast_charts import CROSSING, FakeStore

CHART_IDS = list(reference.BUILDERS)
SAMPLES = 600  # enough for bands and a crossing; keeps the Monte Carlo quick


def assert_same(new, old, path: str = "") -> None:
    """`new` equals `old` exactly (types included); the path of the first difference in the message."""
    if isinstance(old, dict):
        assert isinstance(new, dict), f"{path}: {type(new).__name__} instead of a dict"
        assert new.keys() == old.keys(), f"{path}: keys {sorted(set(new) ^ set(old))} differ"
        for key in old:
            assert_same(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, (list, tuple)):
        assert type(new) is type(old), f"{path}: {type(new).__name__} instead of {type(old).__name__}"
        assert len(new) == len(old), f"{path}: {len(new)} items instead of {len(old)}"
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(old, np.ndarray):
        assert isinstance(new, np.ndarray) and new.dtype == old.dtype and new.shape == old.shape, \
            f"{path}: {getattr(new, 'dtype', type(new))} {getattr(new, 'shape', '')} instead of {old.dtype} {old.shape}"
        assert_same(new.tolist(), old.tolist(), path)
    else:
        assert type(new) is type(old), f"{path}: {new!r} ({type(new).__name__}) instead of {old!r} ({type(old).__name__})"
        if isinstance(old, float) and math.isnan(old):
            assert math.isnan(new), f"{path}: {new!r} instead of nan"
        else:
            assert new == old, f"{path}: {new!r} instead of {old!r}"


def assert_same_figure(ctx: ChartContext, chart_id: str) -> go.Figure:
    fast = registry.build(chart_id, ctx)
    assert_same(fast.to_plotly_json(), reference.build(chart_id, ctx).to_plotly_json(), chart_id)
    return fast


def test_assert_same_sees_a_one_ulp_change():
    with pytest.raises(AssertionError):
        assert_same({"x": [1.0]}, {"x": [np.nextafter(1.0, 2.0)]})
    with pytest.raises(AssertionError):
        assert_same({"x": 1}, {"x": 1.0})


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    """A database built from data/raw (the real data), shared by this module (it only reads it)."""
    from etl.build import build
    from etl.paths import RAW_DIR
    from etl.read import Store

    path = tmp_path_factory.mktemp("fast-figures") / "compute.duckdb"
    build(RAW_DIR, path, log=lambda _message: None)
    return Store(path)


REAL_CASES = {
    "default": (Scenario.from_preset(samples=SAMPLES), "en", None),
    "epoch-2030": (Scenario.from_preset("epoch-2030", samples=SAMPLES), "en", None),
    "article-2023": (Scenario.from_preset("article-2023", samples=SAMPLES), "en", None),
    "zh": (Scenario.from_preset(samples=SAMPLES), "zh", None),
    "compare": (Scenario.from_preset(samples=SAMPLES, demand_growth=3.0),
                "en", Scenario.from_preset("epoch-2030", samples=SAMPLES)),
    "compare-zh": (Scenario.from_preset(samples=SAMPLES), "zh", Scenario.from_preset("article-2023", samples=SAMPLES)),
    "effective-all-ai": (Scenario.from_preset(samples=SAMPLES, algorithmic_efficiency=True, demand_scope="all_ai"),
                         "en", None),
    "no-crossing": (Scenario.from_preset(samples=SAMPLES, demand_growth=1.2, constraints_on=False), "en", None),
    "weakest-link-off": (Scenario.from_preset(samples=SAMPLES, weakest_link=False, money_included=False), "zh", None),
}


@pytest.fixture(scope="module")
def contexts(real_store):
    memo = {}
    return {name: ChartContext(real_store, scenario, lang, sources_memo=memo, compare=compare)
            for name, (scenario, lang, compare) in REAL_CASES.items()}


@pytest.mark.parametrize("chart_id", CHART_IDS)
@pytest.mark.parametrize("case", list(REAL_CASES))
def test_fast_figure_equals_the_incremental_one(contexts, case, chart_id):
    assert_same_figure(contexts[case], chart_id)


@pytest.mark.parametrize("chart_id", CHART_IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fast_figure_equals_the_incremental_one_on_known_numbers(chart_id, lang):
    compare = CROSSING.replace(demand_growth=3.0, samples=SAMPLES)
    ctx = ChartContext(FakeStore(), CROSSING.replace(samples=SAMPLES), lang, compare=compare)
    assert_same_figure(ctx, chart_id)


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_fast_figure_is_valid_plotly_and_stays_editable(contexts, chart_id):
    """Validating the fast figure again changes nothing, and later edits are validated as usual."""
    fig = registry.build(chart_id, contexts["compare"])
    assert_same(go.Figure(fig.to_dict()).to_plotly_json(), fig.to_plotly_json(), chart_id)
    with pytest.raises(ValueError):
        fig.update_layout(margin=dict(t="not a number"))
    with pytest.raises(ValueError):
        fig.data[0].update(mode="not a mode")
    fig.update_layout(title=dict(text="edited"))
    assert fig.layout.title.text == "edited"


@pytest.mark.parametrize("case", ["default", "epoch-2030", "article-2023", "weakest-link-off"])
def test_binding_frame_equals_the_pandas_one(contexts, case):
    from charts.forecast import binding_frame

    fc = contexts[case].forecast
    pd.testing.assert_frame_equal(binding_frame(fc), reference.binding_frame(fc), check_exact=True)


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_fast_figure_in_the_dark_theme_equals_the_incremental_one(contexts, chart_id):
    from charts.theme import use_theme

    ctx = contexts["compare-zh"]
    assert_same(use_theme(registry.build(chart_id, ctx), True).to_plotly_json(),
                use_theme(reference.build(chart_id, ctx), True).to_plotly_json(), chart_id)


def test_validating_the_one_pass_draws_the_same_figure(contexts, monkeypatch):
    """COMPUTE_CEILING_VALIDATE_FIGURES=1 lets Plotly validate the dicts: the figure is the same."""
    from charts import onepass

    ctx = contexts["compare"]
    fast = registry.build("forecast", ctx).to_plotly_json()
    monkeypatch.setattr(onepass, "VALIDATE", True)
    assert_same(registry.build("forecast", ctx).to_plotly_json(), fast, "forecast")


scenarios = st.builds(
    lambda preset, changes: Scenario.from_preset(preset, samples=200, **changes),
    st.sampled_from(["data-trend", "article-2023", "epoch-2030", "low", "high"]),
    st.fixed_dictionaries({}, optional={
        "demand_growth": st.floats(1.0, 30.0), "supply_growth": st.floats(1.0, 6.0),
        "horizon": st.integers(2026, 2060), "base_year": st.integers(2018, 2030),
        "spread_scale": st.sampled_from([0.0, 0.5, 3.0]), "power_gw_2030": st.floats(0.01, 100.0),
        "demand_scope": st.sampled_from(["largest_run", "frontier_labs", "all_ai"]),
        "algorithmic_efficiency": st.booleans(), "weakest_link": st.booleans(), "constraints_on": st.booleans(),
        "money_included": st.booleans()}))


@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios, lang=st.sampled_from(["en", "zh"]), pinned=st.booleans())
def test_fast_figures_equal_the_incremental_ones_for_any_scenario(real_store, scenario, lang, pinned):
    compare = scenario.replace(demand_growth=2.0) if pinned else None
    ctx = ChartContext(real_store, scenario, lang, compare=compare)
    for chart_id in ("forecast", "forecast-fan", "ceiling-probability", "constraints", "binding-link", "allocation-share"):
        assert_same_figure(ctx, chart_id)


def test_record_marks_are_prepared_once_per_frame_and_year():
    from charts import forecast

    frame = pd.DataFrame({"year": [2012.5, 2016.0, 2020.4], "training_compute_flop": [4.7e17, 1.9e21, 3.14e23],
                          "name": ["AlexNet", "AlphaGo", "GPT-3"], "source_id": ["a", "b", "a"]})
    marks = forecast.record_marks(frame, 2015)
    assert marks.x == [2016.0, 2020.4] and marks.y == [1.9e21, 3.14e23] and marks.sources == ["b", "a"]
    assert marks.customdata.tolist() == [["AlphaGo", "1.9×10<sup>21</sup>"], ["GPT-3", "3.1×10<sup>23</sup>"]]
    assert forecast.record_marks(frame, 2015) is marks  # the same frame and year: prepared once
    assert forecast.record_marks(frame.copy(), 2015) is not marks  # another frame: prepared for it
    assert forecast.record_marks(frame, 2030) is None  # nothing from 2030 on
    for _ in range(2 * forecast.RECORD_MARKS_KEPT):
        forecast.record_marks(frame.copy(), 2015)
    assert len(forecast._RECORD_MARKS) <= forecast.RECORD_MARKS_KEPT
