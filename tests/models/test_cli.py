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
