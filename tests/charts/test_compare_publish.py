"""A compared pair is published as a pair: the hero chart's citation gives the pair's share link (B as the
scenario, A as `compare=`), and its data package holds both scenario files with a README saying which is
which, from the app's renderer and from `python -m charts export|cite --link` alike."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest

from charts import __main__ as cli
from charts import publish
from charts.registry import ChartContext, build
from models.scenario import Scenario, compare_from_link, scenario_from_link
from tests.charts.test_compare import A, B, fake_db, link  # noqa: F401  (fake_db is a fixture)
from tests.charts.test_forecast_charts import FakeStore

BASE = "https://example.org/app/"


@pytest.fixture(scope="module")
def pair():
    """(hero of B alone, hero of B with A pinned)."""
    store = FakeStore()
    return build("forecast", ChartContext(store, B, "en")), build("forecast", ChartContext(store, B, "en", compare=A))


def test_pair_citation_url_is_the_share_link_that_reopens_both(pair):
    _alone, both = pair
    url = publish.citation_url(both, "forecast", B, "en", BASE)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == BASE + "forecast"  # the page that compares
    assert scenario_from_link(url) == (B, [])  # read back as the app reads its address bar
    assert compare_from_link(url) == (A, [])
    assert parse_qs(parts.query)["lang"] == ["en"]
    apa = publish.citation(both, "apa", chart_id="forecast", url=url, lang="en", accessed=dt.date(2026, 1, 1))
    assert url in apa


def test_single_scenario_citation_keeps_the_chart_only_view(pair):
    alone, _both = pair
    url = publish.citation_url(alone, "forecast", B, "zh", BASE)
    assert url == publish.chart_url("forecast", B, "zh", BASE) and "compare" not in url
    assert publish.pinned_scenario(alone) is None


def test_pair_package_holds_scenario_a_and_b_and_says_which_is_which(pair):
    _alone, both = pair
    archive = zipfile.ZipFile(BytesIO(publish.data_package(both, chart_id="forecast", scenario=B, lang="en")))
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "metadata.json", "scenario-a.json",
                                          "scenario-b.json"]
    assert Scenario.from_json(archive.read("scenario-a.json").decode("utf-8")) == A
    assert Scenario.from_json(archive.read("scenario-b.json").decode("utf-8")) == B
    metadata = json.loads(archive.read("metadata.json"))
    assert Scenario.from_json(json.dumps(metadata["scenario_a"])) == A
    assert Scenario.from_json(json.dumps(metadata["scenario"])) == B
    assert compare_from_link(metadata["url"]) == (A, []) and scenario_from_link(metadata["url"]) == (B, [])
    readme = archive.read("README.md").decode("utf-8")
    assert "scenario-a.json (scenario A, the pinned one" in readme
    assert "scenario-b.json (scenario B, the current one" in readme
    assert "--link '?" in readme and "compare=" in readme and metadata["url"] in readme


def test_single_scenario_package_is_unchanged(pair):
    alone, _both = pair
    archive = zipfile.ZipFile(BytesIO(publish.data_package(alone, chart_id="forecast", scenario=B, lang="zh")))
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "metadata.json", "scenario.json"]
    assert "scenario_a" not in json.loads(archive.read("metadata.json"))


def test_cli_zip_and_cite_of_a_pair_link_carry_both(fake_db, tmp_path, capsys):  # noqa: F811
    package = tmp_path / "pair.zip"
    assert cli.main(["export", "forecast", "--link", link(B, A), "--format", "zip", "--db", str(fake_db),
                     "--out", str(package)]) == 0
    with zipfile.ZipFile(package) as archive:
        assert Scenario.from_json(archive.read("scenario-a.json").decode("utf-8")) == A
        assert Scenario.from_json(archive.read("scenario-b.json").decode("utf-8")) == B
    capsys.readouterr()
    assert cli.main(["cite", "forecast", "--link", link(B, A), "--db", str(fake_db)]) == 0
    cited = capsys.readouterr().out
    (url,) = [word.rstrip(".") for word in cited.split() if word.startswith("http")]
    assert compare_from_link(url) == (A, []) and scenario_from_link(url) == (B, [])
