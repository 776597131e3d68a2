"""The one way the rest of the project reads the database (docs/CONTRACTS.md §3).

    store = Store("data/compute.duckdb")
    models = store.models()            # a pandas DataFrame of mart_models

The file is opened read-only. Every call takes its own cursor, so one Store can serve many threads
(a DuckDB connection must not be shared between threads). When the file is replaced by a rebuild
or an import (its inode or mtime changes), the next call reconnects and sees the new data.

Why ATTACH instead of `duckdb.connect(path, read_only=True)`: DuckDB caches one database instance
per path and process, so a second `connect()` to the same path returns the *old* file while any
connection to it is still open — a rebuild would go unseen. An in-memory connection that attaches
the file READ_ONLY opens the file anew.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from etl.db import DatabaseMissing
from etl.paths import DEFAULT_DB

__all__ = ["DatabaseMissing", "Store", "UnknownTable"]

CATALOG = "compute_ceiling"  # the attached database's name inside the in-memory connection
GRANULARITIES = {"quarter": "mart_shipments_quarterly", "year": "mart_shipments_annual"}


class UnknownTable(ValueError):
    """A table or view name that the database does not have (or that may not be read)."""


class Store:
    """Read-only named queries against the built database, returning pandas DataFrames."""

    def __init__(self, path: str | os.PathLike = DEFAULT_DB):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._current_connection()  # fail now, with a clear message, when the file is missing

    # ------------------------------------------------------------ connection

    def _file_identity(self) -> tuple[int, int]:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            raise DatabaseMissing(
                f"database not found: {self.path} (build it with `python -m etl build --db {self.path}`)"
            ) from None
        return status.st_ino, status.st_mtime_ns

    def _current_connection(self) -> duckdb.DuckDBPyConnection:
        """The connection to the file as it is now; reopened when a rebuild replaced the file."""
        with self._lock:
            identity = self._file_identity()
            if identity != self._identity:
                connection = duckdb.connect(":memory:")
                connection.execute(f"attach ? as {CATALOG} (read_only)", [str(self.path)])
                # Cursors of the old connection still running in other threads keep it alive; not closed here.
                self._connection, self._identity = connection, identity
            return self._connection

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._current_connection().cursor()
        cursor.execute(f"use {CATALOG}")
        return cursor

    def _frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cursor = self._cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    # ------------------------------------------------------------ named queries

    def models(self) -> pd.DataFrame:
        """mart_models: curated and imported models, de-duplicated, with `origin` and decimal `year`."""
        return self._frame("select * from mart_models order by publication_date, name")

    def frontier_models(self) -> pd.DataFrame:
        """mart_frontier_models: the running record-holders of training compute."""
        return self._frame("select * from mart_frontier_models order by publication_date, name")

    def frontier_estimate_gap(self) -> pd.DataFrame:
        """mart_frontier_estimate_gap: the largest published compute estimate (largest_name, largest_date,
        largest_flop) on every row, and the frontier models released since without an estimate (name, …)."""
        return self._frame("select * from mart_frontier_estimate_gap order by publication_date, name")

    def accelerators(self) -> pd.DataFrame:
        return self._frame("select * from accelerators order by release_date, accelerator_id")

    def shipments(self, granularity: str = "quarter") -> pd.DataFrame:
        """Shipments per vendor and quarter (granularity='quarter') or year ('year'), with bands."""
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}")
        order = "vendor, period_start" if granularity == "quarter" else "vendor, year"
        return self._frame(f"select * from {GRANULARITIES[granularity]} order by {order}")

    def shipments_annual(self) -> pd.DataFrame:
        return self.shipments("year")

    def installed_stock(self) -> pd.DataFrame:
        """Cumulative H100e shipped per vendor and for vendor = 'all', no retirement."""
        return self._frame("select * from mart_installed_stock order by vendor, year")

    def market_share(self) -> pd.DataFrame:
        return self._frame("select * from market_share order by market, year, share desc, vendor")

    def foundry_capacity(self) -> pd.DataFrame:
        return self._frame("select * from foundry_capacity order by node, foundry, year")

    def trend_claims(self) -> pd.DataFrame:
        """Trend claims with growth_per_year and doubling_months both filled."""
        return self._frame("select * from stg_trend_claims order by quantity, period_start, claim_id")

    def events(self) -> pd.DataFrame:
        return self._frame("select * from events order by date, label")

    def clusters(self) -> pd.DataFrame:
        """stg_clusters: one row per site and date (cluster_id, name, owner, country, date, h100e, power_mw,
        status operational|planned, confidence, source_id, notes). The largest operational site at a date t
        is the largest h100e of the operational rows dated on or before t."""
        return self._frame("select * from stg_clusters order by date, cluster_id")

    def chip_owners(self) -> pd.DataFrame:
        """H100e per vendor, owner and quarter (owner_group hyperscaler | china | other), with the 5-95% band."""
        return self._frame("select * from stg_chip_owners order by period_start, vendor, owner")

    def chip_owner_groups(self) -> pd.DataFrame:
        """mart_chip_owner_groups: H100e per owner group and quarter over all vendors, with shares."""
        return self._frame("select * from mart_chip_owner_groups order by period_start, owner_group")

    def china_supply(self) -> pd.DataFrame:
        """China's AI chip supply: one row per metric, year, vendor and source, with its own definition and a
        low / central / high range (any may be empty: an upper bound has only value_high)."""
        return self._frame("select * from stg_china_supply order by metric, year, vendor, source_id")
    def usage(self) -> pd.DataFrame:
        """Dated usage figures: users, messages, tokens, API prices, message caps (with window_hours)."""
        return self._frame("select * from stg_usage order by metric, subject, date")

    def model_serving(self) -> pd.DataFrame:
        """Serving facts of models: total and active parameters, KV bytes per token, context, precision."""
        return self._frame("select * from stg_model_serving order by model")

    def sources(self) -> pd.DataFrame:
        return self._frame("select * from sources order by source_id")

    def build_info(self) -> pd.DataFrame:
        """One row per raw file of the last build, each with the data_version and data_as_of date."""
        return self._frame("select * from build_info order by file")

    def data_changelog(self) -> pd.DataFrame:
        """What each data version changed (version, released, lang, markdown), newest version first; empty
        for a database built before the changelog was recorded."""
        if "data_changelog" not in self.table_names():
            return pd.DataFrame(columns=["version", "released", "lang", "markdown"])
        return self._frame("select * from data_changelog order by released desc nulls last, version desc, lang")

    # ------------------------------------------------------------ catalogue

    def tables(self) -> pd.DataFrame:
        """Every table and view: name, kind ('table' or 'view'), rows, description."""
        catalogue = self._frame(
            """
            select table_name as name, 'table' as kind, coalesce(comment, '') as description
            from duckdb_tables() where database_name = ? and schema_name = 'main' and not internal
            union all
            select view_name, 'view', coalesce(comment, '')
            from duckdb_views() where database_name = ? and schema_name = 'main' and not internal
            order by kind, name
            """,
            [CATALOG, CATALOG],
        )
        counts = " union all ".join(
            f"select {i} as position, count(*) as n from \"{name}\"" for i, name in enumerate(catalogue["name"])
        )
        rows = self._frame(f"select n from ({counts}) order by position")["n"].tolist() if counts else []
        catalogue.insert(2, "rows", pd.array(rows, dtype="int64"))
        return catalogue

    def table_names(self) -> list[str]:
        return list(self._frame(
            """select table_name as name from duckdb_tables() where database_name = ? and schema_name = 'main'
               union all
               select view_name from duckdb_views() where database_name = ? and schema_name = 'main' and not internal
               order by name""",
            [CATALOG, CATALOG],
        )["name"])

    def table(self, name: str) -> pd.DataFrame:
        """All rows of one table or view; only names the database lists are accepted (no SQL passes)."""
        names = self.table_names()
        if name not in names:
            raise UnknownTable(f"no table or view named {name!r}; choose from {', '.join(names)}")
        return self._frame(f'select * from "{name}"')
