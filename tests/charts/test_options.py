"""Chart options: `python -m charts export CHART --option NAME=VALUE` draws the variant a page's control
picks, and a bad option exits 2 naming the option, writing nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from charts import __main__ as cli
from charts.registry import CHARTS, ChartContext, OptionError, build, resolve_options
from etl.read import Store
from models.scenario import Scenario


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from etl.build import build as build_db
    from etl.paths import RAW_DIR

    path = tmp_path_factory.mktemp("options") / "compute.duckdb"
    build_db(RAW_DIR, path, log=lambda _message: None)
    return path


def export_json(db, tmp_path, chart: str, *options: str) -> dict:
    out = tmp_path / f"{chart}.json"
    argv = ["export", chart, "--format", "json", "--db", str(db), "--out", str(out)]
    for option in options:
        argv += ["--option", option]
    assert cli.main(argv) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def fit_trace(figure: dict) -> dict:
    (trace,) = [tr for tr in figure["data"] if str(tr.get("name", "")).startswith("Fit:") and "(" not in tr["name"]]
    return trace


def test_population_and_window_reach_the_fit_as_the_option_says(db, tmp_path):
    figure = export_json(db, tmp_path, "demand-compute", "population=frontier", "since=2016", "until=2022")
    trace = fit_trace(figure)
    assert trace["name"] == "Fit: frontier models, 2016–2022"
    # an independent fit: OLS of log10(compute) on the year over the frontier models of 2016–2022
    models = Store(db).models()
    year = models["year"].astype(float)
    keep = models["frontier"].astype(bool) & (year >= 2016) & (year < 2023) & (models["training_compute_flop"] > 0)
    slope, intercept = np.polyfit(year[keep], np.log10(models.loc[keep, "training_compute_flop"].astype(float)), 1)
    xs, ys = np.asarray(trace["x"], dtype=float), np.asarray(trace["y"], dtype=float)
    assert xs.min() >= year[keep].min() - 1e-6 and xs.max() <= year[keep].max() + 1e-6
    assert np.allclose(np.log10(ys), intercept + slope * xs, atol=1e-6)


def test_two_breakpoints_draw_three_numbered_segments(db, tmp_path):
    figure = export_json(db, tmp_path, "demand-compute", "breaks=2")
    names = [tr.get("name", "") for tr in figure["data"] if str(tr.get("name", "")).startswith("Fit:")]
    segments = [n for n in names if n.endswith(("(1)", "(2)", "(3)"))]  # bands end in "upper)", "lower)"
    assert len(segments) == 3


def test_market_share_of_an_earlier_year_says_so(db, tmp_path):
    figure = export_json(db, tmp_path, "supply-market-share", "year=2023")
    assert "2023" in figure["layout"]["title"]["subtitle"]["text"]
    shares = Store(db).market_share()
    nvidia = next(tr for tr in figure["data"] if tr["name"] == "NVIDIA")
    expected = shares[(shares["year"] == 2023) & (shares["vendor"] == "NVIDIA")]
    assert sorted(round(v, 1) for v in nvidia["x"]) == sorted(round(v * 100, 1) for v in expected["share"])


@pytest.mark.parametrize(("chart", "option", "message"), [
    ("demand-compute", "population=martians", "population='martians'"),
    ("demand-compute", "since=abc", "since='abc'"),
    ("demand-compute", "since=1900", "a year from"),
    ("demand-compute", "colour=red", "no option 'colour'"),
    ("supply-stock", "year=2024", "no option 'year'"),
    ("supply-market-share", "year", "expected NAME=VALUE"),
])
def test_a_bad_option_exits_2_names_it_and_writes_nothing(db, tmp_path, capsys, chart, option, message):
    out = tmp_path / "chart.json"
    code = cli.main(["export", chart, "--option", option, "--format", "json", "--db", str(db), "--out", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_window_that_ends_before_it_starts_is_refused(db):
    ctx = ChartContext(Store(db), Scenario(), "en", options={"since": 2020, "until": 2015})
    with pytest.raises(OptionError, match="since=2020 is after until=2015"):
        build("demand-compute", ctx)


def test_every_default_is_one_of_its_choices(db):
    ctx = ChartContext(Store(db), Scenario(), "en")
    for chart_id, spec in CHARTS.items():
        values = resolve_options(chart_id, ctx)
        assert set(values) == {option.name for option in spec.options}


def test_charts_that_say_they_ignore_the_scenario_do(db):
    """The app caches these without the scenario in the key: a scenario must not change them."""
    store, other = Store(db), Scenario(fit_population="frontier", fit_since=2016, seed=7, base_year=2024)
    for chart_id, spec in CHARTS.items():
        if spec.uses_scenario:
            continue
        plain = build(chart_id, ChartContext(store, Scenario(), "en")).to_plotly_json()
        moved = build(chart_id, ChartContext(store, other, "en")).to_plotly_json()
        assert json.dumps(plain, sort_keys=True, default=str) == json.dumps(moved, sort_keys=True, default=str), \
            chart_id
