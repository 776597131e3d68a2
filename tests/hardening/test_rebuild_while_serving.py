"""Rebuild while serving (issue 8), in a real browser against a live `streamlit run`:
`python -m etl build` replaces the served database while a session is open and moving a slider;
the session sees no error, and the changed value shows on its next rerun.

The changed value is a source title: it is drawn as text in the caption under the Forecast page's
hero chart (a chart's "Sources: …" line), so the browser can read it.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from bench.driver import EXCEPTION, ConsoleWatch, open_page, settle
from bench.live import ROOT, streamlit_server
from etl.paths import RAW_DIR
from tests.hardening.live import require_chromium

SOURCE_ID = "epoch-notable-models"  # the hero chart's demand source
MARKER = "rebuilt-while-serving-7f3a"
SLIDER = '.st-key-run_length_days input[type="range"]'


def retitle_source(raw_dir, source_id: str, suffix: str) -> str:
    """Append `suffix` to one source's title in raw_dir/sources.csv; returns the new title."""
    path = raw_dir / "sources.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    (row,) = [r for r in rows if r["source_id"] == source_id]
    row["title"] = f"{row['title']} {suffix}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["title"]


def etl_build(raw_dir, db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw_dir), "--db", str(db)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_rebuild_under_an_open_session_shows_new_data_without_error(tmp_path, browser):
    require_chromium()

    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    db = tmp_path / "compute.duckdb"
    assert etl_build(raw, db).wait(120) == 0

    with streamlit_server(db, log_path=tmp_path / "streamlit.log") as (url, _proc):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console = ConsoleWatch().attach(page)
        open_page(page, f"{url}/forecast?lang=en&run_length_days=100")
        assert page.get_by_text(MARKER).count() == 0

        new_title = retitle_source(raw, SOURCE_ID, MARKER)
        build = etl_build(raw, db)
        while build.poll() is None:  # the user keeps moving the slider while the file is being replaced
            page.locator(SLIDER).press("ArrowRight")
            settle(page)
        output = build.stdout.read()
        assert build.returncode == 0, output

        page.locator(SLIDER).press("ArrowRight")  # the next rerun after the rebuild
        settle(page)
        assert page.locator(EXCEPTION).count() == 0
        assert page.get_by_text(new_title, exact=False).count() >= 1
        assert console.errors == []
        page.close()  # the browser is the session's, shared with the tests that follow
