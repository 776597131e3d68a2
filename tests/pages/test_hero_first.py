"""The Forecast page sends its hero before the controls, the metric, the notes and the comparison, and still
shows them above it: a slider move's redraw waits only for what the hero needs."""

from __future__ import annotations

import pytest

from ui import compare, controls, notes, views

HERO_KEY = "chart_forecast-hero"


def screen_order(at) -> list[str]:
    """What the page shows, top to bottom: widgets by key, charts by key, other elements by type."""
    order: list[str] = []

    def walk(node) -> None:
        key = getattr(node, "key", None)
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) == "plotly_chart" and proto is not None:
            order.append(f"chart:{proto.id.rsplit('-', 1)[-1] if HERO_KEY not in proto.id else HERO_KEY}")
        elif key is not None:
            order.append(f"widget:{key}")
        elif getattr(node, "type", None) in ("metric", "info"):
            order.append(node.type)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for index in sorted(children):
                walk(children[index])

    walk(at.main)
    return order


@pytest.fixture
def calls(monkeypatch):
    """The order in which the page calls the controls, the notes, the comparison and the hero's chart."""
    made: list[str] = []

    def record(module, name, label=None):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            made.append(label or name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    record(controls, "scenario_controls")
    record(notes, "ceiling_metric")
    record(notes, "what_moved")
    record(compare, "pin_controls")
    original_chart = views.chart

    def chart(fig, chart_id, lang):
        made.append(f"chart:{chart_id}")
        return original_chart(fig, chart_id, lang)

    monkeypatch.setattr(views, "chart", chart)
    return made


def test_the_hero_is_sent_before_what_stands_above_it(app, calls):
    at = app(page="forecast")
    calls.clear()
    at.slider(key="demand_growth").set_value(2.5).run()
    assert calls.index("chart:forecast-hero") == 0  # before the controls, the metric, the notes, the pin
    assert {"scenario_controls", "ceiling_metric", "what_moved", "pin_controls"} <= set(calls)


def test_on_screen_the_controls_metric_note_and_pin_stay_above_the_hero(app):
    at = app(page="forecast")
    at.slider(key="demand_growth").set_value(2.5).run()
    order = screen_order(at)
    assert any("Demand growth" in info.value for info in at.info)  # the "what moved" note is drawn
    positions = [order.index(item) for item in ("widget:preset", "widget:demand_growth", "widget:run_length_days",
                                                "metric", "info", "widget:compare_pin", f"chart:{HERO_KEY}")]
    assert positions == sorted(positions), order
