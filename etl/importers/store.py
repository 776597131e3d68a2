"""Writing parsed rows into `models_imported` / `shipments_imported`, and the source preference.

Re-importing a file replaces the rows that earlier imports of the same file name added (so the same
file twice never duplicates rows); shipments rows with the same vendor, chip and period from another
file are replaced too, because two copies of one quarter would be summed twice by the marts.
The tables are created when the build has not made them (same columns as the contract).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

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
}
TARGETS = {"models": ("models_imported", MODEL_COLUMNS), "shipments": ("shipments_imported", SHIPMENT_COLUMNS)}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"select column_name from (describe {table})").fetchall()]


def to_arrow(frame, table: str) -> pa.Table:
    """The rows with explicit types, NaN as NULL (pandas writes unknown numbers as NaN)."""
    types = ARROW_TYPES[table]
    arrays = [pa.array(frame[name], type=types[name], from_pandas=True) for name in types]
    return pa.Table.from_arrays(arrays, names=list(types))


def write_rows(con: duckdb.DuckDBPyConnection, target: str, frame, import_file: str, import_format: str,
               imported_at: datetime) -> int:
    """Replace earlier rows of `import_file` (and, for shipments, of the same periods); return rows replaced."""
    table, _columns = TARGETS[target]
    con.execute(DDL[table])
    before = con.execute(f"select count(*) from {table}").fetchone()[0]
    con.execute(f"delete from {table} where import_file = ?", [import_file])
    rows = frame.assign(import_file=import_file, import_format=import_format, imported_at=imported_at)
    incoming = to_arrow(rows, table)
    con.register("incoming_rows", incoming)
    try:
        if table == "shipments_imported":
            con.execute("""delete from shipments_imported s using incoming_rows i
                           where s.vendor = i.vendor and s.chip = i.chip
                             and s.period_start = i.period_start and s.period_end = i.period_end""")
        replaced = before - con.execute(f"select count(*) from {table}").fetchone()[0]
        shared = [name for name in incoming.column_names if name in set(table_columns(con, table))]
        names = ", ".join(f'"{name}"' for name in shared)
        con.execute(f"insert into {table} ({names}) select {names} from incoming_rows")
    finally:
        con.unregister("incoming_rows")
    return replaced


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
