"""Hostile scenario files end in ScenarioError with a short, clear message (the CLI exits 2), never in
RecursionError, OverflowError or another exception, and never echo a huge value whole."""

from __future__ import annotations

import subprocess
import sys

import pytest

from models.__main__ import main as models_main
from models.scenario import Scenario, ScenarioError

HOSTILE = {
    "nested array": "[" * 40_000 + "]" * 40_000,
    "nested value": '{"seed": ' + "[" * 30_000 + "]" * 30_000 + "}",
    "nested objects": '{"seed": ' + '{"a": ' * 20_000 + "1" + "}" * 20_001,
    "integer too long to read": '{"seed": ' + "9" * 5_000 + "}",
    "integer too large for a float": '{"samples": ' + "9" * 1_000 + "}",
    "NaN": '{"run_length_days": NaN}',
    "Infinity": '{"run_length_days": -Infinity}',
    "NaN preset": '{"preset": NaN}',
    "huge float": '{"run_length_days": 1e400}',
    "string for a number": '{"run_length_days": "100"}',
    "object for a choice": '{"demand_mode": {"trend": true}}',
    "array for a choice": '{"demand_mode": ["trend"]}',
    "number for a flag": '{"weakest_link": 1}',
    "keyword-argument name": '{"name": "data-trend"}',
    "another argument name": '{"cls": 1}',
    "repeated field": '{"seed": 1, "seed": 2}',
    "top-level string": '"scenario"',
    "top-level null": "null",
    "long unknown key": '{"' + "k" * 50_000 + '": 1}',
    "long preset": '{"preset": "' + "p" * 50_000 + '"}',
    "too long": " " * 200_000 + "{}",
    "markdown key": '{"[click](http://evil.example) ![x](http://evil.example/t.gif)": 1}',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_raises_a_short_scenario_error(text):
    with pytest.raises(ScenarioError) as info:
        Scenario.from_json(text)
    assert len(str(info.value)) < 1_000  # the field list at most, never the 50,000-character value
    assert "k" * 100 not in str(info.value) and "p" * 100 not in str(info.value)
    assert "Traceback" not in str(info.value)


def test_huge_integer_is_described_not_printed():
    with pytest.raises(ScenarioError, match=r"samples: got an integer of 1000 digits"):
        Scenario.from_json('{"samples": ' + "9" * 1_000 + "}")


def test_nan_is_refused_by_the_field_it_sits_in():
    with pytest.raises(ScenarioError, match=r"run_length_days: got nan; expected float"):
        Scenario.from_json('{"run_length_days": NaN}')


def test_a_repeated_field_is_named_not_silently_overwritten():
    with pytest.raises(ScenarioError) as info:
        Scenario.from_json('{"seed": 1, "seed": 2}')
    assert info.value.field == "seed"


def test_a_valid_file_still_loads():
    scenario = Scenario.from_preset("high").replace(run_length_days=150.0)
    assert Scenario.from_json(scenario.to_json()) == scenario


@pytest.mark.parametrize("name", ["nested array", "integer too large for a float", "NaN", "keyword-argument name"])
def test_the_cli_exits_2_with_one_line(tmp_path, capsys, name):
    path = tmp_path / "scenario.json"
    path.write_text(HOSTILE[name], encoding="utf-8")
    assert models_main(["forecast", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("models forecast: ")


def test_the_cli_as_a_command_prints_no_traceback(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(HOSTILE["nested array"], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "models", "forecast", "--scenario", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
