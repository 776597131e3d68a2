"""Writing parsed rows into `models_imported` / `shipments_imported`, and the source preference.

Imports are keyed by content: importing a file whose SHA-256 an earlier import already recorded (in
the `imports` manifest) replaces that import's rows, so the same content twice never duplicates rows;
two different files never touch each other's rows, whatever their names. Copies of one model (or one
shipment period) from several files or from the curated tables stay side by side: the marts merge
them (docs/CONTRACTS.md §2). What an import did is counted on the marts themselves (`Effect`): rows
that became new models, rows that replaced the copy shown before, rows whose model was already shown
by a copy that still wins. The tables are created when the build has not made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa

from etl.db import IMPORTS_DDL
from etl.importers.base import MODEL_COLUMNS, SHIPMENT_COLUMNS

PREFERENCES = ("curated", "upstream")
PREFERENCE_KEY = "prefer"  # settings row the marts read: 'curated' (default) or 'upstream'

_PROVENANCE_TYPES = {"import_file": pa.string(), "import_format": pa.string(),
                     "imported_at": pa.timestamp("us"), "source_row": pa.int32()}
ARROW_TYPES = {
    "models_imported": {
        "name": pa.string(), "organisation": pa.list_(pa.string()), "publication_date": pa.date32(),
        "domain": pa.list_(pa.string()), "parameters": pa.float64(), "training_compute_flop": pa.float64(),
        "training_tokens": pa.float64(), "notable": pa.bool_(), "frontier": pa.bool_(),
        "openai_2018": pa.bool_(), "confidence": pa.string(), "source_id": pa.string(), "notes": pa.string(),
        **_PROVENANCE_TYPES,
    },
    "shipments_imported": {
        "vendor": pa.string(), "chip": pa.string(), "period_start": pa.date32(), "period_end": pa.date32(),
        "granularity": pa.string(), **{name: pa.float64() for name in SHIPMENT_COLUMNS[5:11]},
        "confidence": pa.string(), "source_id": pa.string(), "notes": pa.string(), **_PROVENANCE_TYPES,
    },
}
DDL = {
    "models_imported": """create table if not exists models_imported (
        name varchar, organisation varchar[], publication_date date, domain varchar[], parameters double,
        training_compute_flop double, training_tokens double, notable boolean, frontier boolean,
        openai_2018 boolean, confidence varchar, source_id varchar, notes varchar,
        import_file varchar, import_format varchar, imported_at timestamp, source_row integer)""",
    "shipments_imported": """create table if not exists shipments_imported (
        vendor varchar, chip varchar, period_start date, period_end date, granularity varchar,
        units_p5 double, units_median double, units_p95 double,
        h100e_p5 double, h100e_median double, h100e_p95 double,
        confidence varchar, source_id varchar, notes varchar,
        import_file varchar, import_format varchar, imported_at timestamp, source_row integer)""",
    "settings": "create table if not exists settings (key varchar primary key, value varchar)",
    "imports": IMPORTS_DDL,
}
TARGETS = {"models": ("models_imported", MODEL_COLUMNS), "shipments": ("shipments_imported", SHIPMENT_COLUMNS)}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"select column_name from (describe {table})").fetchall()]


def to_arrow(frame, table: str) -> pa.Table:
    """The rows with explicit types, NaN as NULL (pandas writes unknown numbers as NaN)."""
    types = ARROW_TYPES[table]
    arrays = [pa.array(frame[name], type=types[name], from_pandas=True) for name in types]
    return pa.Table.from_arrays(arrays, names=list(types))


# What identifies "one model" / "one shipment period" in the marts (the same rules as etl/sql/20_marts.sql).
KEY_SQL = {"models_imported": r"regexp_replace(lower(name), '[^\p{L}\p{N}]+', '', 'g'), publication_date",
           "shipments_imported": "lower(vendor), lower(chip), period_start, period_end"}
MERGED_VIEW = {"models_imported": "mart_models", "shipments_imported": "int_shipments_deduped"}
# The values a merged row shows (a copy that wins may have some of them filled from another copy).
VALUES_SQL = {"models_imported": "hash(organisation, domain, parameters, training_compute_flop, training_tokens, "
                                 "notable, frontier, openai_2018, confidence)",
              "shipments_imported": "hash(units_p5, units_median, units_p95, h100e_p5, h100e_median, h100e_p95)"}


@dataclass(frozen=True)
class ImportRecord:
    """One row of the `imports` manifest: which file (by content), when, and what it was."""

    sha256: str
    file_name: str
    size_bytes: int
    accessed: date
    import_format: str
    target: str  # "models" or "shipments"
    rows_stored: int
    imported_at: datetime


@dataclass(frozen=True)
class Effect:
    """What an import changed in what readers see (counted on the merged marts, before and after)."""

    added: int  # rows that are models (shipment periods) nobody showed before
    replaced: int  # rows whose model was shown from another copy before and now from this file
    kept: int  # rows whose model is still shown from another copy (that copy wins)
    filled: int = 0  # of the kept: models whose shown row now takes an empty value from this file


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("select count(*) from duckdb_views() where view_name = ? and database_name = current_database()",
                       [name]).fetchall()[0][0] > 0


def shown_copies(con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple, tuple]:
    """Each model (shipment period) readers see → (import_file, imported_at, hash of the values shown) of
    the copy shown; import_file and imported_at are None for a curated row. Read from the merged mart; a
    database without marts (a bare test database) falls back to the imported rows alone, latest import
    first, as the marts would rank them."""
    key = KEY_SQL[table]
    if _has_view(con, MERGED_VIEW[table]):
        relation = MERGED_VIEW[table]
    else:
        relation = (f"(select * from {table} qualify row_number() over "
                    f"(partition by {key} order by imported_at desc nulls last, source_row) = 1)")
    rows = con.execute(f"select {key}, import_file, imported_at, {VALUES_SQL[table]} from {relation}").fetchall()
    return {row[:-3]: row[-3:] for row in rows}


def forget_same_content(con: duckdb.DuckDBPyConnection, table: str, sha256: str) -> None:
    """Delete the rows and manifest entries of earlier imports of the same content (a re-import)."""
    con.execute(f"""delete from {table} t where exists (
                        select 1 from imports i
                        where i.sha256 = ? and i.file_name = t.import_file and i.imported_at = t.imported_at)""",
                [sha256])
    con.execute("delete from imports where sha256 = ? and target = ?", [sha256, table.removesuffix("_imported")])


def write_rows(con: duckdb.DuckDBPyConnection, target: str, frame, record: ImportRecord,
               keep_record: bool = True) -> Effect:
    """Store one file's rows (replacing an earlier import of the same content) and return its `Effect`.

    `keep_record` adds the file to the `imports` manifest (a command-line import does; a session's
    private overlay does not)."""
    table, _columns = TARGETS[target]
    for statement in (DDL[table], DDL["imports"]):
        con.execute(statement)
    before = shown_copies(con, table)
    forget_same_content(con, table, record.sha256)
    rows = frame.assign(import_file=record.file_name, import_format=record.import_format,
                        imported_at=record.imported_at)
    incoming = to_arrow(rows, table)
    con.register("incoming_rows", incoming)
    try:
        shared = [name for name in incoming.column_names if name in set(table_columns(con, table))]
        names = ", ".join(f'"{name}"' for name in shared)
        con.execute(f"insert into {table} ({names}) select {names} from incoming_rows")
        distinct_keys = con.execute(f"select count(*) from (select distinct {KEY_SQL[table]} from incoming_rows)"
                                    ).fetchall()[0][0]
    finally:
        con.unregister("incoming_rows")
    if keep_record:
        con.execute("insert into imports values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [record.sha256, record.file_name, record.size_bytes, record.accessed, record.import_format,
                     record.target, record.rows_stored, record.imported_at])
    after = shown_copies(con, table)
    mine = (record.file_name, record.imported_at)
    added = sum(1 for k, shown in after.items() if shown[:2] == mine and k not in before)
    replaced = sum(1 for k, shown in after.items() if shown[:2] == mine and k in before)
    filled = sum(1 for k, shown in after.items()
                 if shown[:2] != mine and k in before and before[k][:2] == shown[:2] and before[k][2] != shown[2])
    return Effect(added=added, replaced=replaced, kept=distinct_keys - added - replaced, filled=filled)


def set_preference(con: duckdb.DuckDBPyConnection, preference: str) -> None:
    """Record which rows the marts put first when curated and imported rows describe the same model."""
    if preference not in PREFERENCES:
        raise ValueError(f"preference must be one of {', '.join(PREFERENCES)}, not {preference!r}")
    con.execute(DDL["settings"])
    con.execute("delete from settings where key = ?", [PREFERENCE_KEY])
    con.execute("insert into settings (key, value) values (?, ?)", [PREFERENCE_KEY, preference])


def get_preference(con: duckdb.DuckDBPyConnection) -> str:
    tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    if "settings" not in tables:
        return "curated"
    row = con.execute("select value from settings where key = ?", [PREFERENCE_KEY]).fetchone()
    return row[0] if row else "curated"
