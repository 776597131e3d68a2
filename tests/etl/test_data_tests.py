"""The declared data tests: each rule, planted one bad row at a time, fails the build naming the row."""

from __future__ import annotations

import duckdb
import pytest

from etl.__main__ import main
from etl.data_tests import DATA_TESTS, DataContext, installed_stock_non_decreasing, keys_unique
from etl.schema import SPEC_BY_NAME, parse_table
from tests.etl.rawdata import VALID_TABLES, edit, sha256_of, write_raw


def build(raw, db_path, capsys) -> tuple[int, str]:
    code = main(["build", "--raw", str(raw), "--db", str(db_path)])
    return code, capsys.readouterr().err


def test_every_rule_of_the_brief_is_declared():
    assert [t.name for t in DATA_TESTS] == [
        "keys_unique", "shares_at_most_one", "installed_stock_non_decreasing", "engine_claims_present",
        "sources_resolve", "dates_not_after_access"]


def test_the_valid_folder_passes_every_rule(raw, db_path, capsys):
    assert build(raw, db_path, capsys)[0] == 0


def test_duplicate_key_is_named(tmp_path, db_path, capsys):
    models = VALID_TABLES["models"] + "gpt-3,OpenAI,2020-06-01,Language,,1e23,,true,false,false,estimate,src-a,\n"
    code, err = build(write_raw(tmp_path / "raw", models=models), db_path, capsys)
    assert code == 2 and "models.csv: row 6, column name" in err and "same as row 3" in err


def test_keys_rule_on_its_own_names_the_second_row(tmp_path):
    # The schema refuses duplicates before loading; the declared rule, run alone, finds the same row.
    raw = write_raw(tmp_path / "raw", events=VALID_TABLES["events"] + "2022-11-30,ChatGPT released,重复,release,src-a,\n")
    events = parse_table(SPEC_BY_NAME["events"], raw / "events.csv")  # keeps both rows, reports the second
    (problem,) = keys_unique(DataContext({"events": events}, con=None))
    assert (problem.row, problem.column) == (4, "date+label") and "same as row 2" in problem.expected


def test_shares_above_one_are_named(tmp_path, db_path, capsys):
    shares = edit("market_share", "NVIDIA,0.9", "NVIDIA,0.95")
    code, err = build(write_raw(tmp_path / "raw", market_share=shares), db_path, capsys)
    assert code == 2 and "market_share.csv: rows 2, 3, column share" in err and "at most 1" in err


def test_a_stock_band_that_crosses_its_median_is_named(tmp_path, db_path, capsys):
    # 2023: the annual NVIDIA total without a 95th percentile; 2024: four quarters with one. The running
    # sum of p95 (120+130+140+150 = 540 in 2024) falls below the running median (400 + 460 = 860).
    shipments = edit("shipments", "NVIDIA,all,2023-01-01,2023-12-31,year,300,400,500,300,400,500",
                     "NVIDIA,all,2023-01-01,2023-12-31,year,300,400,500,300,400,")
    code, err = build(write_raw(tmp_path / "raw", shipments=shipments), db_path, capsys)
    assert code == 2
    assert "mart_installed_stock (vendor NVIDIA, year 2024): column cumulative_h100e_p5/median/p95" in err
    assert "p5 ≤ median ≤ p95 [data test installed_stock_non_decreasing]" in err


def test_a_falling_stock_is_named():
    # Shipments are never negative, so a falling stock cannot come from data/raw: the rule on a planted mart.
    con = duckdb.connect()
    con.execute("create table mart_installed_stock as select * from (values ('X', 2023, 1.0, 2.0, 3.0), "
                "('X', 2024, 1.0, 1.5, 3.0)) t(vendor, year, cumulative_h100e_p5, cumulative_h100e_median, "
                "cumulative_h100e_p95)")
    (problem,) = installed_stock_non_decreasing(DataContext({}, con))
    assert problem.file == "mart_installed_stock (vendor X, year 2024)" and problem.value == "1.5"
    assert "at least the year before (2)" in problem.expected


def test_a_missing_engine_claim_is_named(tmp_path, db_path, capsys):
    claims = "".join(line + "\n" for line in VALID_TABLES["trend_claims"].splitlines()
                     if not line.startswith("epoch-2024-frontier-4x"))
    code, err = build(write_raw(tmp_path / "raw", trend_claims=claims), db_path, capsys)
    assert code == 2
    assert ("trend_claims.csv: column claim_id: value 'epoch-2024-frontier-4x': expected a row for the "
            "engine's claim 'epoch-frontier-4x'") in err


def test_an_imported_row_citing_an_unknown_source_is_named(raw, db_path, capsys):
    assert build(raw, db_path, capsys)[0] == 0
    con = duckdb.connect(str(db_path))
    con.execute("insert into models_imported (name, publication_date, source_id, import_file, source_row) "
                "values ('Stray', '2020-01-01', 'no-such-source', 'stray.csv', 7)")
    con.close()
    before = sha256_of(db_path)
    code, err = build(raw, db_path, capsys)
    assert code == 2 and "models_imported (stray.csv, row 7): column source_id: value 'no-such-source'" in err
    assert sha256_of(db_path) == before  # nothing changed


def test_a_row_dated_after_its_source_was_read_is_named(tmp_path, db_path, capsys):
    models = VALID_TABLES["models"] + "Future,Lab F,2025-06-01,Language,,1e22,,true,false,false,estimate,src-a,\n"
    code, err = build(write_raw(tmp_path / "raw", models=models), db_path, capsys)
    assert code == 2
    assert ("models.csv: row 6, column publication_date: value '2025-06-01': expected a date on or before "
            "2025-01-02, when source src-a was read [data test dates_not_after_access]") in err


@pytest.mark.parametrize("table, line", [
    ("events", "2025-03-01,Later event,后来的事件,policy,src-b,\n"),
    ("market_share", "2026,cloud_training,Cloud training,NVIDIA,0.5,estimate,src-b,\n"),
])
def test_other_dated_tables_are_checked(tmp_path, db_path, capsys, table, line):
    code, err = build(write_raw(tmp_path / "raw", **{table: VALID_TABLES[table] + line}), db_path, capsys)
    assert code == 2 and f"{table}.csv: row 4" in err and "dates_not_after_access" in err
