"""Declared data tests (dbt style) that every `python -m etl build` runs on the loaded database.

Each `DataTest` names a rule and returns one `Problem` per offending row; any problem fails the build
(exit code 2, one line per row, the database unchanged). Rules on the raw tables name the file and the
spreadsheet row; rules on the marts and the imported rows name the table and the row's key.

    DATA_TESTS    the declared list, in the order they run
    run_data_tests(context) -> list[Problem]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from etl.schema import SPEC_BY_NAME, ParsedTable, Problem, key_of, shares_sum_at_most_one, shown_path

IMPORTED_TABLES = ("models_imported", "shipments_imported")
# Raw tables whose rows carry a date that cannot lie after the day their source was read:
# table -> (column, how to turn the cell into a date). foundry_capacity holds planned capacity for
# future years and trend_claims' periods may run past the source's date, so neither is listed.
DATED_COLUMNS: dict[str, tuple[str, Callable[[object], date]]] = {
    "models": ("publication_date", lambda value: value),
    "accelerators": ("release_date", lambda value: value),
    "shipments": ("period_start", lambda value: value),
    "events": ("date", lambda value: value),
    "market_share": ("year", lambda value: date(int(value), 1, 1)),
}


@dataclass(frozen=True)
class DataContext:
    tables: dict[str, ParsedTable]  # raw table name -> parsed rows (with spreadsheet row numbers)
    con: duckdb.DuckDBPyConnection  # the database being built: tables, imports, marts


@dataclass(frozen=True)
class DataTest:
    name: str
    description: str
    check: Callable[[DataContext], list[Problem]]


def _rows(table: ParsedTable):
    return zip(table.rows, table.row_numbers, strict=True)


# ---------------------------------------------------------------- the rules


def keys_unique(context: DataContext) -> list[Problem]:
    problems = []
    for table in context.tables.values():
        key, seen = table.spec.key, {}
        for row, number in _rows(table):
            value = key_of(row, key)
            if value in seen:
                shown = " / ".join(str(row[k]) for k in key)
                problems.append(Problem(shown_path(table.path), number, "+".join(key), shown,
                                        f"a unique {'+'.join(key)} (same as row {seen[value]})"))
            seen.setdefault(value, number)
    return problems


def shares_at_most_one(context: DataContext) -> list[Problem]:
    table = context.tables.get("market_share")
    if table is None:
        return []
    return shares_sum_at_most_one(table.rows, table.row_numbers, shown_path(table.path))


def installed_stock_non_decreasing(context: DataContext) -> list[Problem]:
    """Cumulative H100e per vendor never falls from one year to the next, and p5 ≤ median ≤ p95."""
    found = context.con.execute("""
        select vendor, year, cumulative_h100e_p5, cumulative_h100e_median, cumulative_h100e_p95,
               lag(cumulative_h100e_median) over (partition by vendor order by year) as previous
        from mart_installed_stock order by vendor, year
    """).fetchall()
    problems = []
    for vendor, year, p5, median, p95, previous in found:
        where = f"mart_installed_stock (vendor {vendor}, year {year})"
        if previous is not None and median is not None and median < previous:
            problems.append(Problem(where, None, "cumulative_h100e_median", f"{float(median):g}",
                                    f"at least the year before ({float(previous):g}): installed stock never falls"))
        bounds = [v for v in (p5, median, p95) if v is not None]
        if bounds != sorted(bounds):
            problems.append(Problem(where, None, "cumulative_h100e_p5/median/p95",
                                    " / ".join(f"{float(v):g}" for v in bounds), "p5 ≤ median ≤ p95"))
    return problems


def engine_claims_present(context: DataContext) -> list[Problem]:
    """Every growth claim the engine names (models/scenario.py CLAIMS) is a row of trend_claims."""
    from models.scenario import CLAIMS  # pure, standard library only

    table = context.tables.get("trend_claims")
    if table is None:
        return []
    present = {row["claim_id"] for row in table.rows}
    return [Problem(shown_path(table.path), None, "claim_id", ref.claim_id,
                    f"a row for the engine's claim {name!r} (models/scenario.py CLAIMS)")
            for name, ref in CLAIMS.items() if ref.claim_id not in present]


def sources_resolve(context: DataContext) -> list[Problem]:
    """Every source_id, in the raw tables and in the imported rows, is a row of sources.csv."""
    sources = context.tables.get("sources")
    known = {row["source_id"] for row in sources.rows} if sources else set()
    problems = []
    for name, table in context.tables.items():
        if name == "sources" or "source_id" not in table.spec.column_names:
            continue
        problems += [Problem(shown_path(table.path), number, "source_id", row["source_id"],
                             "a source_id listed in sources.csv (not found)")
                     for row, number in _rows(table) if row["source_id"] not in known]
    for imported in IMPORTED_TABLES:
        found = context.con.execute(
            f"select import_file, source_row, source_id from {imported} "
            "where source_id is null or source_id not in (select source_id from sources) order by import_file, source_row"
        ).fetchall()
        problems += [Problem(f"{imported} ({file}, row {row})", None, "source_id", source_id,
                             "a source_id listed in sources.csv (not found)") for file, row, source_id in found]
    return problems


def dates_not_after_access(context: DataContext) -> list[Problem]:
    """A row cannot describe a day after its source was read (the source's `accessed` date)."""
    sources = context.tables.get("sources")
    accessed = {row["source_id"]: row["accessed"] for row in sources.rows} if sources else {}
    problems = []
    for name, (column, as_date) in DATED_COLUMNS.items():
        table = context.tables.get(name)
        for row, number in _rows(table) if table else ():
            read_on = accessed.get(row["source_id"])
            if row.get(column) is None or read_on is None:
                continue
            if as_date(row[column]) > read_on:
                problems.append(Problem(shown_path(table.path), number, column, row[column],
                                        f"a date on or before {read_on}, when source {row['source_id']} was read"))
    return problems


DATA_TESTS: tuple[DataTest, ...] = (
    DataTest("keys_unique", "every raw table's key is unique", keys_unique),
    DataTest("shares_at_most_one", "market shares per market and year sum to at most 1", shares_at_most_one),
    DataTest("installed_stock_non_decreasing", "cumulative H100e per vendor never falls; p5 ≤ median ≤ p95",
             installed_stock_non_decreasing),
    DataTest("engine_claims_present", "every claim models/scenario.py CLAIMS names is in trend_claims",
             engine_claims_present),
    DataTest("sources_resolve", "every source_id (raw and imported rows) resolves in sources.csv", sources_resolve),
    DataTest("dates_not_after_access", "no row is dated after its source's access date", dates_not_after_access),
)
assert all(name in SPEC_BY_NAME for name in DATED_COLUMNS)


def run_data_tests(context: DataContext, tests: tuple[DataTest, ...] = DATA_TESTS) -> list[Problem]:
    """Every problem of every declared test, prefixed with the test's name."""
    problems = []
    for test in tests:
        problems += [Problem(p.file, p.row, p.column, p.value, f"{p.expected} [data test {test.name}]")
                     for p in test.check(context)]
    return problems
