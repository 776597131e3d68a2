"""`python -m etl build [--raw DIR] [--db PATH]`: validate data/raw, load DuckDB, add views, swap in.

Every raw table is parsed and checked first (etl/schema.py); any problem stops the build with exit
code 2, one line per problem, and the database untouched. Otherwise the database is built in a
temporary file beside the target, imported rows of the previous database are carried over, the
file is checkpointed and read back (every table, every row count: etl/db.py), and only then renamed
into place. An I/O failure (full disk, read-only folder) is a StorageError: exit 2, one line, the
previous database unchanged. Temporary files of killed builds are removed by the next one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from etl.data_tests import DataContext, run_data_tests
from etl.db import (
    IMPORTS_COMMENT,
    IMPORTS_DDL,
    StorageError,
    finish_and_verify,
    remove_orphans,
    remove_quietly,
    storage_errors,
    swap_into_place,
    temp_path_beside,
    write_lock,
)
from etl.paths import RAW_DIR
from etl.release import Changelog, changelog_path_for, data_as_of, read_changelog
from etl.schema import SPEC_BY_NAME, SPECS, ParsedTable, Problem, TableSpec, check_source_ids, parse_table

SQL_DIR = Path(__file__).with_name("sql")
IMPORT_COLUMNS = (
    ("import_file", "VARCHAR"), ("import_format", "VARCHAR"),
    ("imported_at", "TIMESTAMP"), ("source_row", "INTEGER"),
)
IMPORTED_TABLES = {"models_imported": "models", "shipments_imported": "shipments"}
INSERT_CHUNK_ROWS = 500


class RawDataError(Exception):
    """The raw data (or the previous database) has problems; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the raw data")
        self.problems = problems


@dataclass
class BuildSummary:
    db_path: Path
    table_rows: dict[str, int] = field(default_factory=dict)
    view_rows: dict[str, int] = field(default_factory=dict)
    carried_over: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------- validation


def validate(raw_dir: Path, log: Callable[[str], None] = print) -> list[ParsedTable]:
    """Parse every raw table; raise RawDataError listing every problem found, in file order."""
    tables = []
    for spec in SPECS:
        parsed = parse_table(spec, raw_dir / spec.file_name)
        status = "ok" if not parsed.problems else f"{len(parsed.problems)} problem(s)"
        log(f"  {spec.name:<18} {len(parsed.rows):>6} rows  {status}")
        tables.append(parsed)
    problems = [p for t in tables for p in t.problems] + check_source_ids(tables)
    if problems:
        raise RawDataError(problems)
    return tables


# ---------------------------------------------------------------- loading


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_ddl(spec: TableSpec) -> list[str]:
    return [f"{quoted(c.name)} {c.sql_type}" for c in spec.columns]


def load_raw_table(con: duckdb.DuckDBPyConnection, parsed: ParsedTable) -> None:
    """Create the typed table and insert the parsed rows as bound parameters, a chunk per statement.

    Multi-row VALUES is ~5x faster than executemany here, and avoids importing pyarrow and pandas
    (a second of start-up on this machine) just to hand over a few hundred rows.
    """
    spec = parsed.spec
    con.execute(f"create table {quoted(spec.name)} ({', '.join(column_ddl(spec))})")
    placeholders = "(" + ", ".join("?" for _ in spec.columns) + ")"
    for start in range(0, len(parsed.rows), INSERT_CHUNK_ROWS):
        chunk = parsed.rows[start:start + INSERT_CHUNK_ROWS]
        values = [row[c.name] for row in chunk for c in spec.columns]
        con.execute(f"insert into {quoted(spec.name)} values {', '.join([placeholders] * len(chunk))}", values)
    con.execute(f"comment on table {quoted(spec.name)} is {sql_string(spec.description)}")


def create_import_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, base in IMPORTED_TABLES.items():
        extra = [f"{name} {sql_type}" for name, sql_type in IMPORT_COLUMNS]
        con.execute(f"create table {table} ({', '.join(column_ddl(SPEC_BY_NAME[base]) + extra)})")
        con.execute(f"comment on table {table} is 'Rows of {base} loaded by python -m etl import, kept across rebuilds.'")
    con.execute("create table settings (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("comment on table settings is 'User choices kept across rebuilds (prefer = curated | upstream: which wins duplicates).'")
    con.execute(IMPORTS_DDL)
    con.execute(f"comment on table imports is {sql_string(IMPORTS_COMMENT)}")


def table_columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and table_name = ? order by column_index",
        [database, table],
    ).fetchall()]


def carry_over_imports(con: duckdb.DuckDBPyConnection, previous: Path) -> dict[str, int]:
    """Copy imported rows and settings from the previous database, so a rebuild never loses imports."""
    if not previous.is_file():
        return {}
    try:
        con.execute("attach ? as previous (read_only)", [str(previous)])
    except duckdb.Error as err:
        raise RawDataError([Problem(str(previous), None, None, None,
                                    f"a readable DuckDB database to carry imports over from ({err}); "
                                    "move it away to build from scratch")]) from err
    carried = {}
    try:
        for table in (*IMPORTED_TABLES, "settings", "imports"):
            old = set(table_columns(con, "previous", table))
            common = [c for c in table_columns(con, con.execute("select current_database()").fetchone()[0], table)
                      if c in old]
            if not common:
                continue
            columns = ", ".join(quoted(c) for c in common)
            verb = "insert or replace" if table == "settings" else "insert"
            con.execute(f"{verb} into {table} ({columns}) select {columns} from previous.{table}")
            carried[table] = con.execute(f"select count(*) from previous.{table}").fetchone()[0]
    finally:
        con.execute("detach previous")
    return carried


def record_build(con: duckdb.DuckDBPyConnection, tables: list[ParsedTable], changelog: Changelog) -> None:
    """build_info: one row per raw file, each carrying the data version and the data's "as of" date."""
    built_at = datetime.now(UTC).replace(tzinfo=None)
    sources = next((t.rows for t in tables if t.spec.name == "sources"), [])
    version, as_of = changelog.version, data_as_of(sources)
    con.execute("create table build_info (built_at TIMESTAMP, file VARCHAR, sha256 VARCHAR, rows INTEGER, "
                "data_version VARCHAR, data_as_of DATE)")
    con.executemany(
        "insert into build_info values (?, ?, ?, ?, ?, ?)",
        [(built_at, t.spec.file_name, t.sha256, len(t.rows), version, as_of) for t in tables],
    )
    con.execute("comment on table build_info is 'The last build: time (UTC), raw file, its SHA-256 and row count, "
                "the data version (data/CHANGELOG.md) and the data''s as-of date (newest source access date).'")
    con.execute("create table data_changelog (version VARCHAR, released DATE, lang VARCHAR, markdown VARCHAR)")
    rows = [(e.version, e.released, lang, text) for e in changelog.entries for lang, text in e.text.items()]
    if rows:
        con.executemany("insert into data_changelog values (?, ?, ?, ?)", rows)
    con.execute("comment on table data_changelog is 'What each data version changed (data/CHANGELOG.md), per language.'")


def run_sql_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    for sql_file in sorted(SQL_DIR.glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))
    return [r[0] for r in con.execute(
        "select view_name from duckdb_views() where not internal and schema_name = 'main' "
        "and view_name like 'mart_%' order by view_name"
    ).fetchall()]


def count_rows(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    return {name: con.execute(f"select count(*) from {quoted(name)}").fetchone()[0] for name in names}


# ---------------------------------------------------------------- the build


def build(raw_dir: Path, db_path: Path, log: Callable[[str], None] = print,
          changelog_path: Path | None = None) -> BuildSummary:
    """Validate raw_dir and build db_path atomically. Raises RawDataError (nothing changed) on bad input
    or when a declared data test (etl/data_tests.py) fails. The changelog defaults to the CHANGELOG.md
    beside raw_dir (data/CHANGELOG.md for data/raw); without one the data version is empty.

    Holds the database's writer lock throughout, so an import cannot land between the carry-over of
    the imported rows and the swap (and be lost)."""
    with storage_errors("locking", db_path), write_lock(db_path):
        return _build_unlocked(raw_dir, db_path, log, changelog_path)


def _build_unlocked(raw_dir: Path, db_path: Path, log: Callable[[str], None],
                    changelog_path: Path | None = None) -> BuildSummary:
    started = time.perf_counter()
    log(f"Reading {raw_dir}")
    tables = validate(raw_dir, log)
    changelog = read_changelog(changelog_path or changelog_path_for(raw_dir))
    if changelog.problems:
        raise RawDataError(changelog.problems)
    summary = BuildSummary(db_path, warnings=[w for t in tables for w in t.warnings])
    with storage_errors("building", db_path):
        for orphan in remove_orphans(db_path):
            log(f"  removed {orphan.name}, left by a build or import that was stopped")
        temp = temp_path_beside(db_path)
        try:
            write_database(temp, db_path, tables, summary, changelog)
            swap_into_place(temp, db_path)
        finally:
            remove_quietly(temp)
    summary.seconds = time.perf_counter() - started
    return summary


def write_database(temp: Path, db_path: Path, tables: list[ParsedTable], summary: BuildSummary,
                   changelog) -> None:
    """Build the whole database in `temp`, run the declared data tests (RawDataError naming each failing
    row), checkpoint it and read it back; fill the summary's counts."""
    con = duckdb.connect(str(temp))
    try:
        for parsed in tables:
            load_raw_table(con, parsed)
        create_import_tables(con)
        summary.carried_over = carry_over_imports(con, db_path)
        record_build(con, tables, changelog)
        marts = run_sql_files(con)
        failed = run_data_tests(DataContext({t.spec.name: t for t in tables}, con))
        if failed:
            raise RawDataError(failed)
        summary.table_rows = count_rows(con, [t.spec.name for t in tables] + list(IMPORTED_TABLES))
        summary.view_rows = count_rows(con, marts)
        required = {t.spec.name for t in tables} | set(IMPORTED_TABLES) | {"settings", "build_info"}
        finish_and_verify(con, temp, required)
    finally:
        con.close()  # a no-op when finish_and_verify closed it


def print_summary(summary: BuildSummary) -> None:
    print(f"\nBuilt {summary.db_path} in {summary.seconds:.2f} s")
    print(f"  {'table':<26}{'rows':>7}")
    for name, rows in summary.table_rows.items():
        print(f"  {name:<26}{rows:>7}")
    print(f"  {'mart (view)':<26}{'rows':>7}")
    for name, rows in summary.view_rows.items():
        print(f"  {name:<26}{rows:>7}")
    kept = {k: v for k, v in summary.carried_over.items() if k != "settings"}
    if kept:
        print("  carried over from the previous database: " + ", ".join(f"{v} {k}" for k, v in kept.items()))
    if summary.warnings:
        print(f"  {len(summary.warnings)} warning(s), see above")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", default=str(RAW_DIR), help="folder of raw CSV tables (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    raw_dir, db_path = Path(args.raw), Path(args.db)
    try:
        summary = build(raw_dir, db_path)
    except RawDataError as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(f"etl build: {len(failure.problems)} problem(s); the database was not changed: {db_path}",
              file=sys.stderr)
        return 2
    except StorageError as failure:
        print(f"etl build: {failure}", file=sys.stderr)
        return 2
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print_summary(summary)
    return 0
