"""On a built database (curated rows + marts): true counts of what an import changed, the merge rule
(a copy without a value never hides another copy's value), and concurrent command-line imports.

The curated rows are tests/etl/rawdata.py's: GPT-4 (2023-03-15, 2.1e25 FLOP, no parameter count)
among them, so the expected numbers below are worked out by hand from those rows and the files here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from etl.importers import import_bytes
from tests.importers.conftest import epoch_csv, rows

ROOT = Path(__file__).resolve().parents[2]


def test_counts_are_what_readers_see_change(built):
    first = import_bytes(built, "epoch.csv", epoch_csv("GPT 4,2023-03-15,2.5e25,1.8e12", "New-2024,2024-01-01,1e24,"))
    # GPT 4 = curated GPT-4 (same normalised name and date): the curated copy still wins → kept; New-2024 is new
    assert (first.rows_stored, first.rows_added, first.rows_replaced, first.rows_kept) == (2, 1, 0, 1)
    assert first.rows_filled == 1  # ... and its empty parameter count now comes from this file
    second = import_bytes(built, "owid-like.csv", epoch_csv("New 2024,2024-01-01,2e24,"))
    # the only copy shown of New-2024 came from epoch.csv; the later import now gives the row
    assert (second.rows_added, second.rows_replaced, second.rows_kept) == (0, 1, 0)
    assert rows(built, "select count(*) from mart_models") == [(6,)]  # 5 curated + New-2024


def test_a_curated_row_without_a_value_never_hides_an_imported_one(built):
    report = import_bytes(built, "epoch.csv", epoch_csv("Grok 4,2025-07-09,5e26,", "GPT 4,2023-03-15,2.5e25,1.8e12"))
    assert (report.rows_added, report.rows_replaced, report.rows_kept, report.rows_filled) == (0, 0, 2, 2)
    got = rows(built, """select name, origin, training_compute_flop, parameters, confidence, filled_columns
                         from mart_models where name in ('Grok 4', 'GPT-4') order by name""")
    assert got == [
        ("GPT-4", "curated", 2.1e25, 1.8e12, "estimate", ["parameters"]),  # curated compute kept, parameters filled
        ("Grok 4", "curated", 5e26, None, "estimate", ["training_compute_flop"]),  # compute (and its confidence) filled
    ]
    frontier = rows(built, "select name from mart_frontier_models order by publication_date desc limit 1")
    assert frontier == [("Grok 4",)]  # the newest record is not dropped
    later = import_bytes(built, "revised.csv", epoch_csv("Grok 4,2025-07-09,6e26,"))
    # the latest import ranks first among imported copies: its estimate now fills the curated row
    assert (later.rows_kept, later.rows_filled) == (1, 1)
    assert rows(built, "select training_compute_flop from mart_models where name = 'Grok 4'") == [(6e26,)]


def test_a_later_import_without_a_value_keeps_the_earlier_imports_value(built):
    import_bytes(built, "a.csv", epoch_csv("Only-Imported,2024-05-01,3e24,7e10"))
    import_bytes(built, "b.csv", epoch_csv("Only Imported,2024-05-01,4e24,"))
    assert rows(built, "select training_compute_flop, parameters, import_file from mart_models "
                       "where name like 'Only%'") == [(4e24, 7e10, "b.csv")]


def _cli_import(db: Path, path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "etl", "import", str(path), "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_simultaneous_cli_imports_both_land_five_rounds_out_of_five(built, tmp_path):
    files = []
    for index in range(2):
        path = tmp_path / "same-name" / str(index) / "export.csv"  # the same file name, other content
        path.parent.mkdir(parents=True)
        path.write_bytes(epoch_csv(*(f"Model-{index}-{n},2024-02-{n + 1:02d},{n + 1}e23," for n in range(20))))
        files.append(path)
    landed = []
    for round_number in range(5):
        db = tmp_path / f"round{round_number}.duckdb"
        shutil.copyfile(built, db)
        processes = [_cli_import(db, path) for path in files]
        codes = [process.wait(timeout=120) for process in processes]
        assert codes == [0, 0], [process.stderr.read().decode() for process in processes]
        landed.append(rows(db, "select count(*), count(distinct sha256) from imports")[0]
                      + rows(db, "select count(*) from models_imported")[0])
    assert landed == [(2, 2, 40)] * 5
