import json

from models.__main__ import main


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


def test_forecast_json_has_one_annual_row_a_year_from_five_years_before_the_base_year(capsys, tmp_path):
    from pathlib import Path

    from etl.build import build
    from etl.paths import RAW_DIR

    db = tmp_path / "compute.duckdb"
    build(Path(RAW_DIR), db, log=lambda _message: None)
    assert main(["forecast", "--db", str(db), "--preset", "data-trend", "--samples", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["annual"]
    assert [row["year"] for row in rows] == list(range(out["inputs"]["base_year"] - 5, out["inputs"]["horizon"] + 1))
    keys = {"year", "demand_flop", "available_flop", "shipments_h100e", "stock_h100e", "largest_site_h100e",
            "implied_share", "share_cap", "binding"}
    assert all(keys <= set(row) for row in rows)
    assert all(isinstance(row["binding"], str) for row in rows)
