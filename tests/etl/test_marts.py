"""The loaded tables, the marts and build_info, checked against figures worked out by hand from rawdata.py."""

from __future__ import annotations

import math
from datetime import datetime

import duckdb
import pytest

from etl.build import build
from etl.db import atomic_update
from tests.etl.rawdata import VALID_TABLES, sha256_of, write_raw


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def built(raw, db_path):
    build(raw, db_path, log=quiet)
    return db_path


def query(db_path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def add_imported_model(db_path, name: str, publication_date: str, flop: float, import_file="epoch.csv"):
    with atomic_update(db_path) as con:
        con.execute(
            """insert into models_imported (name, publication_date, training_compute_flop, confidence, source_id,
                                            import_file, import_format, imported_at, source_row)
               values (?, ?::date, ?, 'estimate', 'src-a', ?, 'epoch_models', ?, 2)""",
            [name, publication_date, flop, import_file, datetime(2025, 1, 1)],
        )


def test_tables_are_typed(built):
    types = dict(query(built, "select column_name, data_type from duckdb_columns() where table_name = 'models'"))
    assert types["organisation"] == "VARCHAR[]" and types["domain"] == "VARCHAR[]"
    assert types["publication_date"] == "DATE"
    assert types["training_compute_flop"] == "DOUBLE"
    assert types["notable"] == "BOOLEAN"
    assert query(built, "select organisation, domain from models where name = 'Small-2021'") == [
        (["Lab X", "Lab Y"], ["Language", "Vision"])
    ]


def test_empty_cells_are_null(built):
    assert query(built, "select parameters, training_tokens from models where name = 'GPT-4'") == [(None, None)]


def test_decimal_year(built):
    # 2023-03-15 is day 74 of a 365-day year: 2023 + 73/365 = 2023.2; 2012-09-30 is day 274 of a leap year.
    years = dict(query(built, "select name, year from mart_models"))
    assert years["GPT-4"] == pytest.approx(2023.2)
    assert years["AlexNet"] == pytest.approx(2012 + 273 / 366)


def test_frontier_models_are_the_running_record_holders(built):
    # Small-2021 (1e21) is below GPT-3 (3.14e23, 2020), so it never held the record.
    rows = query(built, "select name, record_factor from mart_frontier_models order by publication_date")
    assert [name for name, _ in rows] == ["AlexNet", "GPT-3", "GPT-4"]
    assert rows[2][1] == pytest.approx(2.1e25 / 3.14e23)


def test_quarterly_shipments_sum_chips_unless_a_vendor_total_is_given(built):
    rows = {(v, q): (units, h100e, chips) for v, q, units, h100e, chips in query(
        built, "select vendor, quarter, units_median, h100e_median, chips from mart_shipments_quarterly where year = 2024")}
    assert rows[("NVIDIA", 1)] == (100 + 20, 100 + 6, ["A100", "H100"])
    assert rows[("AMD", 1)] == (10, 8, ["all"])  # the MI300X row is inside the AMD total, not added to it


def test_annual_shipments_prefer_four_quarters_then_annual_figures(built):
    rows = {(v, y): r for v, y, *r in query(
        built, "select vendor, year, basis, quarters_covered, units_median, units_p5, confidence "
               "from mart_shipments_annual")}
    assert rows[("NVIDIA", 2024)] == ["quarters", 4, 120 + 110 + 120 + 130, 90 + 90 + 100 + 110, "estimate"]
    assert rows[("NVIDIA", 2023)] == ["annual", None, 400, 300, "estimate"]
    assert rows[("AMD", 2024)] == ["partial_quarters", 1, 10, 5, "speculative"]


def test_installed_stock_is_cumulative_h100e_per_vendor_and_in_total(built):
    rows = {(v, y): (shipped, cumulative) for v, y, shipped, cumulative in query(
        built, "select vendor, year, shipped_h100e_median, cumulative_h100e_median from mart_installed_stock")}
    nvidia_2024 = 106 + 110 + 120 + 130
    assert rows[("NVIDIA", 2024)] == (nvidia_2024, 400 + nvidia_2024)
    assert rows[("all", 2024)] == (nvidia_2024 + 8, 400 + nvidia_2024 + 8)


def test_trend_claims_fill_the_missing_rate(built):
    rows = dict(query(built, "select claim_id, doubling_months from stg_trend_claims"))
    assert rows["epoch-4x"] == pytest.approx(12 * math.log(2) / math.log(4))  # = 6 months


def test_build_info_records_each_raw_file(raw, built):
    rows = query(built, "select file, sha256, rows from build_info order by file")
    assert len(rows) == len(VALID_TABLES)
    for file, sha256, count in rows:
        assert sha256 == sha256_of(raw / file)
        assert count == VALID_TABLES[file.removesuffix(".csv")].count("\n") - 1
    assert len(set(query(built, "select built_at from build_info"))) == 1


def test_imported_models_join_the_mart_and_curated_wins_duplicates_by_default(built):
    add_imported_model(built, "gpt 3", "2020-05-28", 9.9e23)  # same normalised name and date as GPT-3
    add_imported_model(built, "Imported-only", "2024-06-01", 1e22)
    rows = dict(query(built, "select name, origin from mart_models"))
    assert rows["GPT-3"] == "curated" and "gpt 3" not in rows
    assert rows["Imported-only"] == "imported"
    assert len(rows) == 5


def test_prefer_upstream_setting_lets_imported_rows_win(built):
    add_imported_model(built, "gpt 3", "2020-05-28", 9.9e23)
    with atomic_update(built) as con:
        con.execute("insert or replace into settings values ('prefer', 'upstream')")
    assert query(built, "select name, origin, training_compute_flop from mart_models where year < 2021 and "
                        "name ilike 'gpt%'") == [("gpt 3", "imported", 9.9e23)]


def test_imported_shipments_duplicate_of_curated_row_is_not_counted_twice(built):
    with atomic_update(built) as con:
        con.execute("""insert into shipments_imported (vendor, chip, period_start, period_end, granularity,
                                                        units_median, confidence, source_id, import_file)
                       values ('NVIDIA', 'H100', '2024-04-01', '2024-06-30', 'quarter', 999, 'estimate', 'src-a', 'x.csv')""")
    assert query(built, "select units_median from mart_shipments_quarterly where vendor = 'NVIDIA' and quarter = 2") == [(110,)]


def test_rebuild_carries_over_imports_and_settings(raw, built):
    add_imported_model(built, "Imported-only", "2024-06-01", 1e22)
    with atomic_update(built) as con:
        con.execute("insert or replace into settings values ('prefer', 'upstream')")
    write_raw(raw, models=VALID_TABLES["models"] + "New-2024,Lab Z,2024-02-02,Language,,1e24,,true,false,false,estimate,src-a,\n")

    build(raw, built, log=quiet)

    assert query(built, "select name, import_file, source_row from models_imported") == [("Imported-only", "epoch.csv", 2)]
    assert query(built, "select value from settings where key = 'prefer'") == [("upstream",)]
    names = {name for (name,) in query(built, "select name from mart_models")}
    assert {"Imported-only", "New-2024"} <= names


def test_unreadable_previous_database_stops_the_build(raw, db_path, capsys):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"not a duckdb file")
    from etl.__main__ import main

    code = main(["build", "--raw", str(raw), "--db", str(db_path)])
    assert code == 2
    assert str(db_path) in capsys.readouterr().err
    assert db_path.read_bytes() == b"not a duckdb file"


def test_a_market_total_row_is_not_added_to_the_vendors_in_installed_stock(raw, db_path):
    market_total = "all,all,2024-01-01,2024-12-31,year,,1000,,,5000,,estimate,src-b,whole market\n"
    build(write_raw(raw, shipments=VALID_TABLES["shipments"] + market_total), db_path, log=quiet)
    rows = dict(query(db_path, "select vendor, cumulative_h100e_median from mart_installed_stock where year = 2024"))
    assert rows == {"NVIDIA": 400 + 466, "AMD": 8, "all": 400 + 466 + 8}
