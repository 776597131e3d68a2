"""The database behind the app: where it is, building it on first run, cached read-only access, and
the files a user uploaded in this session.

`COMPUTE_CEILING_DB` points the app at another file (tests, benchmarks); the default is
data/compute.duckdb. Every cache is bounded and keyed on `db_version()`: the file's modification
time (so a rebuild while the app is serving shows on the user's next rerun) plus, in a session that
uploaded files, a key of those files. The app never writes the shared file: an upload stays in its
session (`st.session_state`, never in a share link) and `store()`/`read()` answer from "the shared
database + this session's rows" (etl/importers/overlay.py) for that session only; other sessions'
keys, caches and numbers do not change. Removing the upload gives the session the shared numbers back.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.paths import DEFAULT_DB, RAW_DIR
from ui.text import escape_markdown

DB_ENV = "COMPUTE_CEILING_DB"
# Tables the Data page lists, in reading order; `Store.table(name)` whitelists the same names.
TABLES = ("models", "accelerators", "shipments", "market_share", "foundry_capacity", "trend_claims",
          "events", "sources", "clusters", "chip_owners", "china_supply", "usage",
          "model_serving")


def db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def file_version(path: Path | None = None) -> int:
    """The shared file's modification time in ns (0 when it is missing)."""
    try:
        return (path or db_path()).stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def db_version(path: Path | None = None) -> int | str:
    """Part of every cache key: the file's modification time in ns, so a rebuild invalidates them; in a
    session with uploads, "mtime:key-of-the-uploads", so that session's caches are its own."""
    return _version_with(path, session_uploads())


def _version_with(path: Path | None, uploads: tuple) -> int | str:
    version = file_version(path)
    key = overlay_key(uploads)
    return f"{version}:{key}" if key else version


# ---------------------------------------------------------------- this session's uploads

UPLOADS_KEY = "_data_session_uploads"  # st.session_state: tuple of etl.importers.overlay.Upload, oldest first
REFUSAL_KEY = "_data_upload_refusal"  # st.session_state: the ImportRefused of the last attempt, if refused
MAX_SESSION_UPLOADS = 5


def session_uploads() -> tuple:
    """The files this session uploaded (empty outside a script run, e.g. in the CLIs and the bench)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return ()
    return tuple(st.session_state.get(UPLOADS_KEY, ()))


def overlay_key(uploads) -> str:
    if not uploads:
        return ""
    from etl.importers.overlay import overlay_key as key_of

    return key_of(uploads)


def add_upload(file_name: str, content: bytes):
    """Parse an uploaded file and lay it over the shared database for this session only; returns the
    `Upload`. The same content again replaces its earlier copy. Raises ImportRefused (nothing kept)."""
    from etl.importers.overlay import UploadNotMerged, parse_upload

    upload = parse_upload(file_name, content)
    kept = [u for u in session_uploads() if u.sha256 != upload.sha256][-(MAX_SESSION_UPLOADS - 1):]
    uploads, path = (*kept, upload), db_path()
    try:  # merge once now (the result is cached for this session's next reads), so no page can fail on it later
        _store(str(path), _version_with(path, uploads), uploads)
    except Exception as error:  # the user sees the kind of error; the server log keeps the detail
        logging.getLogger(__name__).exception("could not lay %s over %s", upload.file_name, path)
        raise UploadNotMerged("merge_failed", file=upload.file_name, detail=type(error).__name__) from None
    st.session_state[UPLOADS_KEY] = uploads
    return upload


def use_uploaded_file(widget_key: str) -> None:
    """Button callback (it runs before the page, so the whole rerun already counts the file): lay the
    file in the uploader widget `widget_key` over the shared data for this session, or keep the refusal."""
    from etl.importers.base import ImportRefused

    st.session_state.pop(REFUSAL_KEY, None)
    uploaded = st.session_state.get(widget_key)
    if uploaded is None:
        return
    try:
        add_upload(uploaded.name, uploaded.getvalue())
    except ImportRefused as refusal:
        st.session_state[REFUSAL_KEY] = refusal


def upload_refusal():
    """Why the last file this session tried to use was refused (an ImportRefused), or None."""
    return st.session_state.get(REFUSAL_KEY)


def remove_upload(sha256: str) -> None:
    """Take one of this session's files away: its numbers are computed without it from the next run."""
    st.session_state[UPLOADS_KEY] = tuple(u for u in session_uploads() if u.sha256 != sha256)


def upload_effects() -> tuple:
    """Per upload of this session, in order, what it changed in what the session sees (`store.Effect`)."""
    uploads = session_uploads()
    if not uploads:
        return ()
    path = db_path()
    return _store(str(path), db_version(path), uploads).effects


def show_overlay_notice(tr) -> None:
    """A sidebar note on every page while this session's numbers include its own files."""
    uploads = session_uploads()
    if uploads:
        names = ", ".join(escape_markdown(u.file_name, 60) for u in uploads)
        st.sidebar.info(tr("uploads.sidebar", files=names), icon=":material/upload_file:")


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


@st.cache_resource(max_entries=8, show_spinner=False)
def _store(path: str, version: int | str, _uploads: tuple = ()):
    """The shared read-only Store of one file version, or (with uploads; `version` then names them) the
    session's overlay over it."""
    if _uploads:
        from etl.importers.overlay import OverlayStore

        return OverlayStore(path, _uploads)
    from etl.read import Store  # imported late: the app starts (and can build the DB) before etl.read loads

    return Store(path)


# Store queries that `CachedStore` answers from `read`'s cache when called without arguments.
CACHED_QUERIES = frozenset({"models", "frontier_models", "accelerators", "shipments", "shipments_annual",
                            "installed_stock", "market_share", "foundry_capacity", "trend_claims", "events",
                            "sources", "build_info", "clusters", "chip_owners", "chip_owner_groups",
                            "china_supply", "usage", "model_serving"})


class CachedStore:
    """The shared read-only Store of one database version, its named queries served from `read`'s cache.

    A chart context is built per scenario (charts.registry.ChartContext): through this, a slider move
    costs it no DuckDB query (models ~12 ms, shipments_annual ~25 ms each). Calls with arguments and
    every other attribute go to the Store itself."""

    def __init__(self, path: str, version: int | str, uploads: tuple = ()):
        self._path, self._version, self._uploads = path, version, uploads
        self._store = _store(path, version, uploads)

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name not in CACHED_QUERIES:
            return attribute

        def query(*args, **kwargs):
            if args or kwargs:
                return attribute(*args, **kwargs)
            return _read(self._path, self._version, name, self._uploads).copy(deep=False)

        return query


def store() -> CachedStore:
    """The Store this session reads (the shared file, or the overlay of the session's uploads on it),
    a new one after a rebuild, queries cached."""
    path = db_path()
    return CachedStore(str(path), db_version(path), session_uploads())


@st.cache_resource(max_entries=128, show_spinner=False)
def _read(path: str, version: int | str, name: str, _uploads: tuple = ()) -> pd.DataFrame:
    reader = _store(path, version, _uploads)
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
    return _read(str(path), db_version(path), name, session_uploads()).copy(deep=False)


def shared_imports() -> pd.DataFrame:
    """The shared database's manifest of command-line imports (file, SHA-256, size, access date, …),
    newest first; empty for a database built before the manifest existed."""
    from etl.read import UnknownTable

    path = db_path()
    try:
        frame = _read(str(path), file_version(path), "imports")
    except UnknownTable:
        return pd.DataFrame()
    return frame.sort_values("imported_at", ascending=False).reset_index(drop=True)


@st.cache_data(max_entries=8, show_spinner=False)
def _store_tables(path: str, version: int | str, _uploads: tuple = ()) -> pd.DataFrame:
    return _store(path, version, _uploads).tables()


def store_tables() -> pd.DataFrame:
    """Every table and view of the database: name, kind, rows, description (counted once per database
    version: the row counts take ~90 ms)."""
    path = db_path()
    return _store_tables(str(path), db_version(path), session_uploads())
