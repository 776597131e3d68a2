"""The command-line exports load only what they use: no Streamlit (the app's framework) and no
scikit-learn or SciPy (seconds of import for a one-regressor line fit), checked on `sys.modules` of a
fresh interpreter after the command ran. Start-up time itself is measured by hand, not asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("streamlit", "sklearn", "scipy", "statsmodels")

PROBE = """
import json, sys
from {module}.__main__ import main
code = main({argv!r})
print(json.dumps({{"code": code, "loaded": sorted({{name.split('.')[0] for name in sys.modules}})}}))
"""


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    from etl.build import build
    from etl.paths import RAW_DIR

    db = tmp_path_factory.mktemp("db") / "compute.duckdb"
    build(Path(RAW_DIR), db, log=lambda _message: None)
    return db


def loaded_after(module: str, argv: list[str]) -> set[str]:
    """Top-level packages a fresh `python` holds after running `python -m MODULE ARGV`."""
    probe = subprocess.run([sys.executable, "-c", PROBE.format(module=module, argv=argv)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    return set(result["loaded"])


@pytest.mark.parametrize("chart, fmt", [("forecast-hero", "csv"), ("demand-compute", "html")])
def test_charts_export_loads_no_streamlit_and_no_scikit_learn(real_db, tmp_path, chart, fmt):
    out = tmp_path / f"chart.{fmt}"
    loaded = loaded_after("charts", ["export", chart, "--format", fmt, "--db", str(real_db), "--out", str(out)])
    assert out.is_file()
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_models_forecast_fits_the_trends_without_scikit_learn(real_db):
    loaded = loaded_after("models", ["forecast", "--db", str(real_db), "--samples", "100", "--json"])
    assert "models" in loaded and not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_exported_file_mode_follows_the_umask_as_a_plain_open_would(real_db, tmp_path, umask, mode):
    from charts.__main__ import main

    out = tmp_path / "chart.csv"
    old = os.umask(umask)
    try:
        assert main(["export", "demand-compute", "--format", "csv", "--db", str(real_db), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == mode
