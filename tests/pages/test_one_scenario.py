"""One scenario, one truth: what the Forecast page shows is what the engine computed for the values on
screen, whatever sequence of moves, links, files, presets and language switches led there.

Each "seen" test replays a sequence that broke before the scenario became one state. The expected
ceiling comes from the engine run on the Scenario the test writes down by hand from the values it set.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from urllib.parse import parse_qsl, urlsplit

import pytest

from etl.read import Store
from models.__main__ import main as models_cli
from models.scenario import Scenario
from tests.pages.helpers import ceiling_metric, expected_headline, open_exports
from tests.pages.test_scenario_files import upload
from ui.controls import fitted_key


def share_params(at) -> dict[str, str]:
    (link,) = [c.value for c in at.code if "?" in c.value and "lang=" in c.value][:1]
    return dict(parse_qsl(urlsplit(link).query))


def url_params(at) -> dict[str, str]:
    return {key: at.query_params[key][-1] if isinstance(at.query_params[key], list) else at.query_params[key]
            for key in at.query_params}


@pytest.mark.parametrize("field", ["demand_growth", "supply_growth"])
def test_seen_a_set_growth_rate_holds_while_another_slider_steps(app, inputs, field):
    """Seen: demand growth at 6.70, then → on run length five times: the ceiling alternated 2029/2034."""
    value = 6.7 if field == "demand_growth" else 2.5
    at = app(page="forecast")
    at.slider(key=field).set_value(value).run()
    for days in range(101, 106):
        at.slider(key="run_length_days").set_value(float(days)).run()
        assert not at.exception
        scenario = Scenario(**{field: value, "run_length_days": float(days)})
        assert ceiling_metric(at) == expected_headline(scenario, inputs), f"after run length {days}"
        assert at.slider(key=field).value == pytest.approx(value)
        assert at.checkbox(key=fitted_key(field)).value is False
        assert float(url_params(at)[field]) == pytest.approx(value)
        assert any("Run length" in note.value for note in at.info), "the note credits the control that moved"


@pytest.mark.parametrize("params", [{"demand_growth": "8.0"}, {"demand_growth": "3.0"}, {"supply_growth": "5.0"},
                                    {"preset": "high", "demand_growth": "4.0"}])
def test_seen_a_link_with_growth_rates_opens_on_their_ceiling(app, inputs, params):
    """Seen: /forecast?demand_growth=8.0 opened with the slider at 8 and the default scenario's ceiling,
    and the URL was rewritten to ?lang=en. A link's value also wins over its preset's."""
    at = app(page="forecast", **params)
    fields = {k: float(v) for k, v in params.items() if k != "preset"}
    scenario = Scenario.from_preset(params.get("preset", "data-trend"), **fields)
    assert ceiling_metric(at) == expected_headline(scenario, inputs)
    for field, value in fields.items():
        assert at.slider(key=field).value == pytest.approx(value)
        assert float(url_params(at)[field]) == pytest.approx(value)
        assert float(share_params(at)[field]) == pytest.approx(value)


def test_seen_a_scenario_file_loads_with_its_own_ceiling(app, inputs):
    """Seen: a file saved at demand 7.2 (ceiling 2029) loaded with 7.2 on the slider and a ceiling of 2032."""
    saved = Scenario(demand_growth=7.2)
    at = upload(app(page="forecast"), "mine.json", saved.to_json().encode())
    assert ceiling_metric(at) == expected_headline(saved, inputs)
    assert at.slider(key="demand_growth").value == pytest.approx(7.2)
    at.slider(key="utilisation").set_value(0.3).run()  # and it stays loaded on the next move
    assert ceiling_metric(at) == expected_headline(saved.replace(utilisation=0.3), inputs)


def test_seen_switching_language_twice_keeps_the_page_and_the_scenario(app, inputs):
    """Seen: English → 简体中文 → English crashed with `ScenarioError: preset: got 'Data trend'`."""
    at = app(page="forecast")
    at.selectbox(key="preset").set_value("epoch-2030").run()
    at.slider(key="utilisation").set_value(0.3).run()
    scenario = Scenario.from_preset("epoch-2030", utilisation=0.3)
    for lang in ("zh", "en", "zh", "en"):
        at.radio(key="ui_lang_switch").set_value(lang).run()
        assert not at.exception, lang
        assert at.selectbox(key="preset").value == "epoch-2030"
        assert ceiling_metric(at).replace(" 年以后", "").replace("after ", "") == \
            expected_headline(scenario, inputs).replace("after ", "")


def test_seen_the_export_says_what_the_screen_says(app, inputs, monkeypatch):
    """Seen: with the screen at 2028 the PNG's title said "by 2032" and its footer link was `?lang=en`."""
    monkeypatch.setenv("COMPUTE_CEILING_PUBLIC_URL", "https://ceiling.example.org/")
    at = app(page="forecast")
    at.slider(key="demand_growth").set_value(9.0).run()
    at = open_exports(at)
    year = ceiling_metric(at)
    title = at.text_input(key="export_forecast-hero_title").value
    assert year in title
    at.slider(key="demand_growth").set_value(3.0).run()  # the finding changes: so does the export's title
    new_year = ceiling_metric(at)
    assert new_year != year
    title = at.text_input(key="export_forecast-hero_title").value
    assert (new_year in title) if new_year.isdigit() else ("through" in title)
    links = [c.value for c in at.code if c.value.startswith("https://ceiling.example.org/forecast?")]
    assert links and all("demand_growth=3.0" in link for link in links)


def test_ticking_fitted_makes_a_field_follow_the_data_again(app, inputs):
    at = app(page="forecast", demand_growth="8.0")
    assert at.checkbox(key=fitted_key("demand_growth")).value is False
    at.checkbox(key=fitted_key("demand_growth")).check().run()
    assert "demand_growth" not in url_params(at)
    assert ceiling_metric(at) == expected_headline(Scenario(), inputs)
    at.checkbox(key=fitted_key("demand_growth")).uncheck().run()  # keeps today's fit, as a number on screen
    shown = at.slider(key="demand_growth").value
    assert float(url_params(at)["demand_growth"]) == pytest.approx(shown)
    assert ceiling_metric(at) == expected_headline(Scenario(demand_growth=shown), inputs)


def cli_forecast(db, link: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = models_cli(["forecast", "--db", str(db), "--link", link, "--json", "--samples", "10000"])
    assert code == 0
    return json.loads(out.getvalue())


def random_link(rng: random.Random) -> dict[str, str]:
    """A link as a user could make it: a preset and a few moved sliders, values on each slider's steps."""
    params = {"preset": rng.choice(["data-trend", "epoch-2030", "low", "high", "article-2023"])}
    choices = {"demand_growth": [f"{v / 10:.1f}" for v in range(20, 120, 3)],
               "supply_growth": [f"{v / 100:.2f}" for v in range(120, 400, 15)],
               "utilisation": [f"{v / 100:.2f}" for v in range(10, 70, 7)],
               "largest_run_share": [f"{v / 1000:.3f}" for v in range(5, 400, 35)],
               "run_length_days": [str(v) for v in range(30, 300, 23)]}
    for field in rng.sample(sorted(choices), rng.randint(1, 3)):
        params[field] = rng.choice(choices[field])
    return params


def test_app_and_cli_and_chart_agree_over_many_links(app, app_db):
    """Differential: the page's metric, `python -m models forecast --link` and the hero chart's title."""
    from charts.registry import ChartContext, build

    rng = random.Random(13)
    store = Store(app_db)
    memo, inputs = {}, None  # one database: read its engine inputs and sources once, as the app does
    for _ in range(10):
        params = random_link(rng)
        at = app(page="forecast", **params)
        assert not at.exception
        query = "&".join(f"{k}={v}" for k, v in url_params(at).items())
        cli = cli_forecast(app_db, "http://host/forecast?" + query)
        shown = ceiling_metric(at)
        assert shown == (str(cli["headline_year"]) if cli["headline_year"] else f"after {cli['inputs']['horizon']}")
        scenario = Scenario.from_preset(params["preset"], **{k: float(v) for k, v in params.items() if k != "preset"})
        context = ChartContext(store, scenario, "en", sources_memo=memo)
        if inputs is not None:
            context.inputs = inputs  # the first link's read of the same database (most of a build's time)
        title = build("forecast", context).layout.title.text
        inputs = context.inputs
        assert (shown in title) if shown.isdigit() else ("through" in title), (params, shown, title)
