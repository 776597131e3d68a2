"""`python -m bench` itself: its statistics, its handling of measures that cannot run, its results file.

(Not a browser test; it lives here because tests/e2e/ is the bench's test folder.)
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bench import __main__ as bench_cli
from bench import report
from bench.core import Figure, Skip, percentile
from bench.live import ROOT


@pytest.mark.parametrize("q", [0, 50, 90, 95, 100])
def test_percentile_matches_numpy(q):
    values = [412.0, 153.5, 188.0, 97.25, 230.0, 301.5, 150.0]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


@pytest.mark.parametrize(("value", "budget", "status"), [(120.0, 150.0, "pass"), (151.0, 150.0, "over"),
                                                         (0.0, 0.0, "pass"), (2.5, None, "info")])
def test_a_figure_is_judged_against_its_budget(value, budget, status):
    assert Figure("x", "x", value, "ms", budget).settle().status == status


def test_unknown_measure_is_refused_with_exit_code_2_naming_it():
    done = subprocess.run([sys.executable, "-m", "bench", "--only", "warp_drive"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 2
    assert "warp_drive" in done.stderr


def test_missing_dependency_is_reported_as_skipped_and_a_broken_measure_as_error(monkeypatch, tmp_path):
    def needs_absent_thing(_ws):
        raise Skip("no upstream file here")

    def broken(_ws):
        raise ValueError("page forecast: KeyError 'h100e_median'")

    monkeypatch.setitem(bench_cli.MEASURES, "import_epoch", ("import", needs_absent_thing))
    monkeypatch.setitem(bench_cli.MEASURES, "forecast", ("forecast", broken))
    [skip] = bench_cli.run_measure("import_epoch", None)
    [error] = bench_cli.run_measure("forecast", None)

    assert (skip.status, skip.note) == ("skipped", "skipped: no upstream file here")
    assert error.status == "error" and "h100e_median" in error.note
    assert skip.group == "import_epoch" and error.group == "forecast"


def test_a_partial_run_replaces_its_own_figures_and_keeps_the_others():
    previous = {"figures": [{"name": "etl_build", "group": "etl_build", "value": 0.5},
                            {"name": "monte_carlo_10k", "group": "monte_carlo", "value": 140.0}]}
    fresh = Figure("monte_carlo_10k", "mc", 120.0, "ms", 150.0, group="monte_carlo").settle()

    document = report.merged(previous, {"cpu_model": "test"}, [fresh], ["monte_carlo"])

    values = {f["name"]: f["value"] for f in document["figures"]}
    assert values == {"etl_build": 0.5, "monte_carlo_10k": 120.0}
    assert document["machine"] == {"cpu_model": "test"}
