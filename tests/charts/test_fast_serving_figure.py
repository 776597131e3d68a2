"""The Serving page's ceiling chart is written in one pass (charts.onepass), as the Forecast figures are:
it must be the figure the incremental builder made, value for value. Reference: the frozen incremental
builder in tests/charts/reference_serving_figures.py, run on the same outlook; strict equality as in
test_fast_figures (same keys, same types, floats bit for bit)."""

from __future__ import annotations

import pytest

from charts import registry, serving
from charts.registry import ChartContext
from models.scenario import Scenario
from models.serving_scenario import ServingScenario
from tests.charts import reference_serving_figures as reference
from tests.charts.test_fast_figures import assert_same, real_store  # noqa: F401  (a module fixture)

CASES = {
    "chatgpt-2023": ("chatgpt-2023", {}, "en"),
    "chatgpt-2023, Chinese": ("chatgpt-2023", {}, "zh"),
    "reasoning-2025": ("reasoning-2025", {}, "en"),
    "llama-70b-h100, a large fleet (no crossing)": ("llama-70b-h100", {"chips": 5_000_000, "users": 1_000}, "en"),
    "chatgpt-2023, few chips (crossing at once)": ("chatgpt-2023", {"chips": 1_000}, "zh"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_one_pass_serving_ceiling_is_the_incremental_one(real_store, case):  # noqa: F811
    preset, overrides, lang = CASES[case]
    ctx = ChartContext(real_store, Scenario(), lang, serving=ServingScenario.from_preset(preset, samples=800,
                                                                                        **overrides))
    view = ctx.serving_outlook
    marks = serving.rate_limit_marks(ctx.events, lang, serving.ceiling_x_range(view))
    sources = registry.serving_sources(ctx)
    old = reference.ceiling_figure(view, lang, sources=sources, horizon=ctx.serving_scenario.horizon, marks=marks)
    new = registry.build("serving-ceiling", ctx)
    assert_same(new.to_plotly_json(), old.to_plotly_json(), case)


def test_without_given_marks_the_events_are_marked_the_same(real_store):  # noqa: F811
    ctx = ChartContext(real_store, Scenario(), "en", serving=ServingScenario.from_preset("chatgpt-2023", samples=800))
    view = ctx.serving_outlook
    old = reference.ceiling_figure(view, "en", events=ctx.events)
    new = serving.ceiling_figure(view, "en", events=ctx.events)
    assert any(trace.get("yaxis") == "y9" for trace in new.to_plotly_json()["data"])  # the rate limits are drawn
    assert_same(new.to_plotly_json(), old.to_plotly_json(), "events")
