"""Comparing scenarios on the Forecast page: pin the current scenario as A, move a control (B), read the
inputs that differ and both ceiling years; the URL carries A, "Unpin" removes it, a link restores it.

Expected ceiling years come from the engine run on Scenarios written down by hand from the values set."""

from __future__ import annotations

import json

from i18n import t
from models.headline import headline_year
from models.montecarlo import monte_carlo
from models.scenario import FIELDS, Scenario
from tests.pages.helpers import as_read, ceiling_metric, expected_headline, missing_keys
from ui.controls import label_for

SAMPLES = "1000"  # every scenario of these tests, A and B: a quicker Monte Carlo
PINNED = "preset=data-trend&samples=1000"  # A, the default scenario at 1,000 samples, as the URL holds it


def url_params(at) -> dict[str, str]:
    return {key: at.query_params[key][-1] if isinstance(at.query_params[key], list) else at.query_params[key]
            for key in at.query_params}


def hero_trace_names(at) -> list[str]:
    (hero,) = [chart for chart in at.get("plotly_chart") if "forecast-hero" in chart.proto.id]
    return [trace.get("name", "") for trace in json.loads(hero.proto.spec)["data"]]


def tables(at, lang: str = "en"):
    """(inputs that differ, ceiling years) as DataFrames; the first is None when no input differs."""
    frames = [table.value for table in at.table]
    if len(frames) == 1:
        return None, frames[0]
    inputs_table, years = frames
    assert list(inputs_table.columns) == [t("compare.column_a", lang), t("compare.column_b", lang)]
    return inputs_table, years


def test_pin_move_a_slider_compare_then_unpin(app, inputs):
    at = app(page="forecast", samples=SAMPLES)
    assert not at.table and "compare" not in url_params(at)
    at.button(key="compare_pin").click().run()
    assert url_params(at)["compare"] == PINNED
    changed, _years = tables(at)
    assert changed is None  # A and B are the same scenario until a control moves
    assert any(caption.value == t("compare.no_difference", "en") for caption in at.caption)

    at.slider(key="utilisation").set_value(0.6).run()
    assert not at.exception
    a, b = Scenario(samples=1000), Scenario(samples=1000, utilisation=0.6)
    changed, years = tables(at)
    assert list(changed.index) == [label_for(FIELDS["utilisation"], lambda key: t(key, "en"))]
    assert changed.iloc[0].tolist() == ["0.40", "0.60"]
    headline = years.loc[t("compare.row_headline", "en")].tolist()
    assert headline == [expected_headline(a, inputs), expected_headline(b, inputs)]
    assert ceiling_metric(at) == expected_headline(b, inputs)
    assert years.loc[t("compare.row_p50", "en")].tolist() == [
        f"{monte_carlo(s, inputs).p50:.1f}" for s in (a, b)]
    assert url_params(at)["compare"] == PINNED and url_params(at)["utilisation"] == "0.6"
    assert any(name.startswith("A: ") for name in hero_trace_names(at))
    assert any("compare=preset%3Ddata-trend%26samples%3D1000" in code.value for code in at.code)  # the share box

    at.button(key="compare_unpin").click().run()
    assert not at.exception and not at.table
    assert "compare" not in url_params(at) and url_params(at)["utilisation"] == "0.6"
    assert not any(name.startswith("A: ") for name in hero_trace_names(at))
    assert not any("compare=" in code.value for code in at.code)


def test_a_link_with_a_pinned_scenario_restores_the_comparison_in_chinese(app, inputs):
    at = app(page="forecast", lang="zh", samples=SAMPLES, utilisation="0.6", compare=PINNED)
    assert not at.exception and not at.warning
    changed, years = tables(at, "zh")
    assert list(changed.index) == [label_for(FIELDS["utilisation"], lambda key: t(key, "zh"))]
    a, b = Scenario(samples=1000), Scenario(samples=1000, utilisation=0.6)
    assert years.loc[t("compare.row_headline", "zh")].tolist() == [
        str(headline_year(None, monte_carlo(s, inputs))) for s in (a, b)]
    assert at.button(key="compare_unpin").label == t("compare.unpin", "zh")
    assert missing_keys(at) == []
    assert url_params(at)["compare"] == PINNED


def test_an_unreadable_pinned_scenario_warns_escaped_and_the_page_works(app, inputs):
    at = app(page="overview", samples=SAMPLES, compare="demand_growth=**99**")  # warned on the run that parses
    (warning,) = [w.value for w in at.warning if "compare.demand_growth" in as_read(w.value)]
    assert "**99**" in as_read(warning) and "**99**" not in warning  # shown as typed, not as bold
    at.switch_page("app_pages/forecast.py").run()
    assert not at.exception and not at.table
    assert "compare" not in url_params(at)  # nothing readable: nothing pinned, and the URL says so
    assert ceiling_metric(at) == expected_headline(Scenario(samples=1000), inputs)
    at.button(key="compare_pin").click().run()
    assert url_params(at)["compare"] == PINNED
