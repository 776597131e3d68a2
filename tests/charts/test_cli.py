"""`python -m charts list|export`: ids, exit codes, and no file written on bad input."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from charts import __main__ as cli
from charts.registry import CHARTS


def test_list_prints_one_chart_id_per_line_first_word(capsys):
    assert cli.main(["list"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in lines] == list(CHARTS)
    assert all(len(line.split()) > 1 for line in lines)  # a description follows the id


def test_list_names_each_charts_options_under_it(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    block = out.split("demand-compute ", 1)[1].split("\ndemand-parameters ", 1)[0]
    for name in ("population", "since", "until", "breaks"):
        assert f"    --option {name}=" in block
    market = out.split("supply-market-share ", 1)[1].split("\nsupply-capacity ", 1)[0]
    assert "    --option year=" in market


@pytest.mark.parametrize(("extra", "message"), [
    (["--set", "utilisation=2"], "'utilisation'"),
    (["--set", "no_such_field=1"], "'no_such_field'"),
    (["--set", "utilisation"], "expected KEY=VALUE"),
    (["--preset", "nope"], "'preset'"),
])
def test_bad_scenario_values_exit_2_and_write_nothing(tmp_path, capsys, extra, message):
    out = tmp_path / "chart.csv"
    code = cli.main(["export", "demand-compute", "--format", "csv", "--db", str(tmp_path / "x.duckdb"),
                     "--out", str(out), *extra])
    assert code == 2 and not out.exists()
    assert message in capsys.readouterr().err


def test_bad_scenario_file_names_the_field(tmp_path, capsys):
    scenario = tmp_path / "s.json"
    scenario.write_text('{"largest_run_share": "lots"}', encoding="utf-8")
    out = tmp_path / "chart.png"
    code = cli.main(["export", "demand-compute", "--scenario", str(scenario), "--format", "png",
                     "--db", str(tmp_path / "x.duckdb"), "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "largest_run_share" in capsys.readouterr().err


def test_unknown_chart_and_missing_database_exit_2(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert cli.main(["export", "nope", "--format", "csv", "--out", str(out)]) == 2
    assert cli.main(["export", "demand-compute", "--format", "csv", "--db", str(tmp_path / "none.duckdb"),
                     "--out", str(out)]) == 2
    assert "no database" in capsys.readouterr().err and not out.exists()


class FakeStore:
    """The named queries the demand chart reads, from hand-made frames."""

    def __init__(self, path, models):
        self._models = models

    def models(self):
        return self._models

    def trend_claims(self):
        return pd.DataFrame({"quantity": ["training_compute"], "label": ["OpenAI 2018"], "label_zh": ["OpenAI"],
                             "growth_per_year": [11.3], "doubling_months": [3.43], "period_start": [2012],
                             "period_end": [2018], "source_id": ["openai-ai-and-compute-2018"]})

    def events(self):
        return pd.DataFrame(columns=["date", "label", "label_zh", "kind"])

    def sources(self):
        return pd.DataFrame({"source_id": ["epoch-notable-models"], "title": ["t"], "organisation": ["Epoch AI"],
                             "licence": ["CC BY 4.0"]})


def test_export_csv_end_to_end(tmp_path, monkeypatch, models_frame):
    import etl.read

    monkeypatch.setattr(etl.read, "Store", lambda path: FakeStore(path, models_frame))
    db = tmp_path / "compute.duckdb"
    db.write_bytes(b"")
    out = tmp_path / "compute.csv"
    assert cli.main(["export", "demand-compute", "--format", "csv", "--db", str(db), "--out", str(out),
                     "--set", "fit_since=2012"]) == 0
    frame = pd.read_csv(io.StringIO(out.read_text(encoding="utf-8")))
    models = frame[frame["trace"].str.startswith("Models")]
    assert sorted(models["y"]) == sorted(models_frame["training_compute_flop"])
    assert "OpenAI 2018" in set(frame["trace"])  # the claim is drawn beside the fit


def test_module_runs_as_a_command():
    result = subprocess.run([sys.executable, "-m", "charts", "list"], capture_output=True, text=True, check=True)
    assert result.stdout.split()[0] == "demand-compute"
