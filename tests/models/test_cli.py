import json

import pytest

from models.__main__ import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A database built from data/raw, shared by this file's forecasts (they only read it)."""
    from etl.build import build
    from etl.paths import RAW_DIR

    path = tmp_path_factory.mktemp("cli") / "compute.duckdb"
    build(RAW_DIR, path, log=lambda _message: None)
    return path


def test_presets_lists_every_preset(capsys):
    assert main(["presets", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"data-trend", "article-2023", "epoch-2030", "low", "high"} <= set(out["presets"])


def test_bad_set_exits_2_naming_the_field(capsys, tmp_path):
    assert main(["forecast", "--db", str(tmp_path / "none.duckdb"), "--set", "utilisation=7"]) == 2
    assert "utilisation" in capsys.readouterr().err
    assert main(["forecast", "--db", str(tmp_path / "none.duckdb"), "--set", "nosuch=1"]) == 2
    assert "nosuch" in capsys.readouterr().err


def test_bad_scenario_file_exits_2(capsys, tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text('{"horizon": 3000}')
    assert main(["forecast", "--db", str(tmp_path / "none.duckdb"), "--scenario", str(bad)]) == 2
    assert "horizon" in capsys.readouterr().err


def test_missing_database_exits_2(capsys, tmp_path):
    assert main(["fit", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "none.duckdb" in capsys.readouterr().err


def test_forecast_json_has_one_annual_row_a_year_from_five_years_before_the_base_year(capsys, db):
    assert main(["forecast", "--db", str(db), "--preset", "data-trend", "--samples", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["annual"]
    assert [row["year"] for row in rows] == list(range(out["inputs"]["base_year"] - 5, out["inputs"]["horizon"] + 1))
    keys = {"year", "demand_flop", "available_flop", "shipments_h100e", "stock_h100e", "largest_site_h100e",
            "implied_share", "share_cap", "binding"}
    assert all(keys <= set(row) for row in rows)
    assert all(isinstance(row["binding"], str) for row in rows)


def test_repeated_link_prints_one_forecast_per_link_in_order_each_as_a_single_link_gives(capsys, db):
    links = ["http://127.0.0.1:8501/forecast?lang=en&demand_growth=9.0&samples=200",
             "preset=low&samples=200", "demand_growth=3.0&samples=200&lang=zh"]
    singles = []
    for link in links:
        assert main(["forecast", "--db", str(db), "--link", link, "--json"]) == 0
        singles.append(json.loads(capsys.readouterr().out))
    assert main(["forecast", "--db", str(db), *[arg for link in links for arg in ("--link", link)], "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)
    assert batch == singles
    assert [out["inputs"]["demand_growth"] for out in batch][::2] == [9.0, 3.0]  # the links' own values, in order
    assert batch[1]["preset"] == "low"


def test_repeated_link_in_text_names_each_link(capsys, db):
    assert main(["forecast", "--db", str(db), "--link", "preset=low&samples=200", "--link", "preset=high&samples=200"]) == 0
    out = capsys.readouterr().out
    assert out.index("--link preset=low") < out.index("preset low:") < out.index("--link preset=high") < out.index("preset high:")


def test_a_bad_link_among_several_exits_2_naming_it(capsys, tmp_path):
    assert main(["forecast", "--db", str(tmp_path / "none.duckdb"), "--link", "preset=low", "--link", "preset=low",
                 "--preset", "low"]) == 2
    assert "--link" in capsys.readouterr().err
