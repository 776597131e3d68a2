"""Scenario comparison on the hero chart: a pinned scenario A drawn in grey beside the current one (B), built
by the hero's one builder, exported with both series named, and its ceiling the one the models CLI gives
for A on its own."""

from __future__ import annotations

import contextlib
import io
import json
import math
import zipfile
from urllib.parse import quote, urlencode

import pandas as pd
import pytest

from charts import __main__ as cli
from charts.registry import ChartContext, build
from charts.theme import CONTEXT_GREY
from i18n import t
from models.__main__ import main as models_cli
from models.scenario import Scenario, compare_value
from tests.charts.test_forecast_charts import CROSSING, FakeStore

SAMPLES = 1000
B = CROSSING.replace(samples=SAMPLES)  # demand 6x a year from 1e26 FLOP against supply 2x a year
A = B.replace(demand_growth=3.0)  # slower demand: a later crossing


def link(scenario: Scenario, compare: Scenario | None = None) -> str:
    """A share link: the scenario's parameters, then A's as one encoded `compare` value."""
    query = urlencode(scenario.to_params())
    if compare is not None:
        query += "&compare=" + quote(compare_value(compare), safe="")
    return f"http://127.0.0.1:8501/forecast?{query}&lang=en"


class PackageStore(FakeStore):
    """The fake store with the build table the data package reads (empty: no data version)."""

    def build_info(self):
        return pd.DataFrame()


@pytest.fixture
def fake_db(tmp_path, monkeypatch):
    import etl.read

    monkeypatch.setattr(etl.read, "Store", PackageStore)
    db = tmp_path / "compute.duckdb"
    db.write_bytes(b"")
    return db


def cli_forecast(db, link_text: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert models_cli(["forecast", "--link", link_text, "--json", "--db", str(db)]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def figures():
    """(hero of B alone, hero of B with A pinned)."""
    store = FakeStore()
    return build("forecast", ChartContext(store, B, "en")), build("forecast", ChartContext(store, B, "en", compare=A))


def trace(fig, name: str):
    matches = [tr for tr in fig.data if tr.name == name]
    assert len(matches) == 1, f"{name!r} among {[tr.name for tr in fig.data]}"
    return matches[0]


def test_pinned_scenario_is_drawn_in_grey_and_named_a(figures):
    _alone, both = figures
    demand_name = t("charts.forecast2.series_demand", "en", scope=t("scenario.demand_scope.options.largest_run", "en"))
    demand_a = trace(both, f"A: {demand_name}")
    assert demand_a.line.color == CONTEXT_GREY
    supply_a = [tr for tr in both.data if tr.name in (f"A: {t('charts.constraints.feasible', 'en')}",
                                                      f"A: {t('charts.forecast2.series_available', 'en')}")]
    assert len(supply_a) == 1 and supply_a[0].line.color == CONTEXT_GREY
    # A's demand is its own forecast: 3x a year from the same 1e26 in 2025, so 3^10 x by 2035 (hand-worked)
    at = {round(x, 6): y for x, y in zip(demand_a.x, demand_a.y, strict=True)}
    assert at[2035.0] / at[2025.0] == pytest.approx(3.0 ** 10, rel=1e-6)
    demand_b = trace(both, f"B: {demand_name}")
    assert demand_b.line.color != CONTEXT_GREY


def test_pinned_ceiling_is_the_models_cli_forecast_of_a(figures, fake_db):
    _alone, both = figures
    of_a = cli_forecast(fake_db, link(A))  # A on its own, through the CLI's own parse and engine run
    assert of_a["headline_year"] is not None and of_a["ceiling_p50"] is not None
    marker = trace(both, t("compare.ceiling_a", "en", year=of_a["headline_year"]))
    assert marker.marker.color == CONTEXT_GREY
    assert marker.x[0] == pytest.approx(of_a["ceiling_p50"])
    rules = [s for s in both.layout.shapes if s.type == "line" and s.line.color == CONTEXT_GREY]
    assert [r.x0 for r in rules] == [pytest.approx(of_a["ceiling_p50"])]
    (label,) = [a.text for a in both.layout.annotations if a.name == "pinned-ceiling"]
    assert str(of_a["headline_year"]) in label
    # the pair's link reports A's headline year beside B's
    pair = cli_forecast(fake_db, link(B, A))
    assert pair["compare"]["headline_year"] == of_a["headline_year"]
    assert pair["headline_year"] == cli_forecast(fake_db, link(B))["headline_year"]
    assert pair["headline_year"] < of_a["headline_year"]  # faster demand crosses earlier


def test_the_current_scenario_keeps_its_title_and_is_named_b(figures):
    alone, both = figures
    assert both.layout.title.text == alone.layout.title.text
    mine = [tr.name for tr in alone.data if tr.name != t("charts.polish.record_points", "en")]
    assert {f"B: {name}" for name in mine} <= {tr.name for tr in both.data}
    (ceiling,) = [a.text for a in both.layout.annotations if a.name == "ceiling"]
    assert ceiling.startswith("B: ")
    assert not any(tr.name.startswith(("A: ", "B: ")) for tr in alone.data)
    assert "compare" not in alone.layout.meta


def test_export_with_a_link_carries_both_series_and_a_in_the_package(fake_db, tmp_path):
    csv, package, figure = tmp_path / "hero.csv", tmp_path / "hero.zip", tmp_path / "hero.json"
    for out, fmt in ((csv, "csv"), (package, "zip"), (figure, "json")):
        assert cli.main(["export", "forecast", "--link", link(B, A), "--format", fmt, "--db", str(fake_db),
                         "--out", str(out)]) == 0
    exported = json.loads(figure.read_text(encoding="utf-8"))  # the figure as PNG/SVG/PDF render it
    drawn = {trace.get("name", "") for trace in exported["data"]}
    assert any(name.startswith("A: ") for name in drawn) and any(name.startswith("B: ") for name in drawn)
    footer = " ".join(note.get("text", "") for note in exported["layout"]["annotations"]
                      if note.get("name") == "export-footer")
    assert "compare=" in footer  # the footer's link reproduces the pair
    names = set(pd.read_csv(csv)["trace"])
    assert any(name.startswith("A: ") for name in names) and any(name.startswith("B: ") for name in names)
    with zipfile.ZipFile(package) as archive:
        metadata = json.loads(archive.read("metadata.json"))
        data = archive.read("data.csv").decode("utf-8-sig")
    assert metadata["compare"]["params"]["demand_growth"] == "3.0"
    assert math.floor(metadata["compare"]["ceiling_p50"]) == metadata["compare"]["headline_year"]
    assert "A: " in data and "B: " in data


@pytest.mark.parametrize(("extra", "message"), [
    (["--link", "demand_growth=6&compare=demand_growth%3D99"], "compare.demand_growth"),
    (["--link", "compare=garbage"], "compare.garbage"),
    (["--link", "demand_growth=6", "--preset", "high"], "--link"),
])
def test_a_bad_pinned_scenario_in_the_link_exits_2_and_writes_nothing(fake_db, tmp_path, capsys, extra, message):
    out = tmp_path / "hero.csv"
    assert cli.main(["export", "forecast", "--format", "csv", "--db", str(fake_db), "--out", str(out), *extra]) == 2
    assert not out.exists() and message in capsys.readouterr().err
