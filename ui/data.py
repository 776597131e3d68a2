"""The database behind the app: where it is, building it on first run, cached read-only access.

`COMPUTE_CEILING_DB` points the app at another file (tests, benchmarks); the default is
data/compute.duckdb. Every cache is bounded and keyed on the file's modification time, so a rebuild
while the app is serving shows on the user's next rerun.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.paths import DEFAULT_DB, RAW_DIR

DB_ENV = "COMPUTE_CEILING_DB"
# Tables the Data page lists, in reading order; `Store.table(name)` whitelists the same names.
TABLES = ("models", "accelerators", "shipments", "market_share", "foundry_capacity", "trend_claims",
          "events", "usage", "model_serving", "sources")


def db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def db_version(path: Path | None = None) -> int:
    """The file's modification time in ns: part of every cache key, so a rebuild invalidates them."""
    try:
        return (path or db_path()).stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def build_database(path: Path, log=None) -> None:
    """Build `path` from data/raw with etl's own build function (atomic; raises on bad raw data)."""
    from etl.build import build  # late: only needed on a first run without a database

    build(RAW_DIR, path, log=log or (lambda _message: None))


def ensure_database(tr) -> Path:
    """The database path, building the file behind a progress indicator when it is missing."""
    path = db_path()
    if path.is_file():
        return path
    with st.status(tr("app.no_database"), expanded=False) as status:
        try:
            build_database(path, log=status.write)
        except Exception as error:  # RawDataError lists every problem; show them instead of a traceback
            status.update(state="error")
            problems = getattr(error, "problems", None) or [error]
            st.error(tr("ui.build_failed", detail="\n".join(str(p) for p in problems[:20])))
            st.stop()
        status.update(label=tr("app.database_built"), state="complete")
    return path


@st.cache_resource(max_entries=4)
def _store(path: str, version: int):
    from etl.read import Store  # imported late: the app starts (and can build the DB) before etl.read loads

    return Store(path)


# Store queries that `CachedStore` answers from `read`'s cache when called without arguments.
CACHED_QUERIES = frozenset({"models", "frontier_models", "accelerators", "shipments", "shipments_annual",
                            "installed_stock", "market_share", "foundry_capacity", "trend_claims", "events",
                            "sources", "build_info", "usage", "model_serving"})


class CachedStore:
    """The shared read-only Store of one database version, its named queries served from `read`'s cache.

    A chart context is built per scenario (charts.registry.ChartContext): through this, a slider move
    costs it no DuckDB query (models ~12 ms, shipments_annual ~25 ms each). Calls with arguments and
    every other attribute go to the Store itself."""

    def __init__(self, path: str, version: int):
        self._path, self._version = path, version
        self._store = _store(path, version)

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name not in CACHED_QUERIES:
            return attribute

        def query(*args, **kwargs):
            if args or kwargs:
                return attribute(*args, **kwargs)
            return _read(self._path, self._version, name).copy(deep=False)

        return query


def store() -> CachedStore:
    """The shared read-only Store for the current file (a new one after a rebuild), queries cached."""
    path = db_path()
    return CachedStore(str(path), db_version(path))


@st.cache_resource(max_entries=64, show_spinner=False)
def _read(path: str, version: int, name: str) -> pd.DataFrame:
    reader = _store(path, version)
    method = getattr(reader, name, None)
    if callable(method):
        return method()
    return reader.table(name)


def read(name: str) -> pd.DataFrame:
    """A named table or query of the Store (`models`, `sources`, `build_info`, …) as a DataFrame of its own.

    The frame is cached once per database version and handed out as a shallow copy: under pandas'
    copy-on-write a caller's edits never reach the cache, and a page that reads `sources` forty times
    a rerun pays ~20 µs each instead of unpickling a copy (st.cache_data) each time."""
    path = db_path()
    return _read(str(path), db_version(path), name).copy(deep=False)


@st.cache_data(max_entries=4, show_spinner=False)
def _store_tables(path: str, version: int) -> pd.DataFrame:
    return _store(path, version).tables()


def store_tables() -> pd.DataFrame:
    """Every table and view of the database: name, kind, rows, description (counted once per database
    version: the row counts take ~90 ms)."""
    path = db_path()
    return _store_tables(str(path), db_version(path))
