"""A session's uploaded files laid over the shared database, which stays read-only and untouched.

An upload in the browser belongs to the session that made it: `parse_upload` turns the bytes into an
`Upload` (the parsed rows, the file's SHA-256 and size, the format), and `OverlayStore(path, uploads)`
answers every `Store` query from "the shared database + these rows": it copies the shared file's
tables into a private in-memory database, re-creates the shared file's own views there (so the merge
rules are exactly the marts' of that file), and writes each upload's rows as a command-line import
would (`store.write_rows`, without a manifest entry). Other sessions keep reading the shared file.

The copy is made once per store (a few tens of milliseconds for the curated tables) and holds only
the session's rows besides; `effects` says, per upload in order, what it changed in what the session
sees (rows added, replaced, kept), counted on the marts like a command-line import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from etl.importers.api import parse_bytes
from etl.importers.base import ImportRefused, Note, RejectedRow
from etl.importers.store import DDL, Effect, ImportRecord, write_rows
from etl.read import CATALOG, Store
from i18n import t

SHARED = "shared_db"  # the shared file's name inside the overlay's connection, detached after the copy
# A session's file is parsed and merged in the server process that serves everyone: at most this many
# lines (Epoch's largest export has a few thousand rows). Larger files go in with `python -m etl import`.
MAX_SESSION_LINES = 20_000


class UploadTooLong(ImportRefused):
    """A session upload with more lines than a session may lay over the shared data."""

    def message(self, lang: str = "en") -> str:
        return t("uploads.too_many_lines", lang, **self.params)


class UploadNotMerged(ImportRefused):
    """The rows were read but could not be laid over the shared data (the detail says why)."""

    def message(self, lang: str = "en") -> str:
        return t("uploads.merge_failed", lang, **self.params)


@dataclass(frozen=True, eq=False)
class Upload:
    """One file a user uploaded in this session, parsed (never written to the shared database)."""

    file_name: str
    sha256: str
    size_bytes: int
    format_id: str
    table: str  # "models" or "shipments"
    rows: pd.DataFrame = field(repr=False)
    rows_read: int
    rejected: tuple[RejectedRow, ...] = ()
    notes: tuple[Note, ...] = ()
    uploaded_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))

    def rejected_frame(self, lang: str = "en") -> pd.DataFrame:
        """Rejected rows as a two-column table (row number, reason) in the reader's language."""
        return pd.DataFrame({t("importers.row", lang): [r.row for r in self.rejected],
                             t("importers.reason_header", lang): [r.reason(lang) for r in self.rejected]})

    def record(self) -> ImportRecord:
        return ImportRecord(sha256=self.sha256, file_name=self.file_name, size_bytes=self.size_bytes,
                            accessed=self.uploaded_at.date(), import_format=self.format_id, target=self.table,
                            rows_stored=len(self.rows), imported_at=self.uploaded_at)


def parse_upload(file_name: str, data: bytes, max_lines: int = MAX_SESSION_LINES) -> Upload:
    """Parse an upload (same guards and parsers as `python -m etl import`). Raises ImportRefused, or
    UploadTooLong (before any parsing) for a file of more than `max_lines` lines."""
    from pathlib import PurePath

    name = PurePath(file_name).name or "upload.csv"
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > max_lines:
        raise UploadTooLong("too_many_lines", file=name, lines=lines, limit=max_lines)
    fmt, parsed, notes, rows_read = parse_bytes(name, data)
    return Upload(file_name=name, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), format_id=fmt.id,
                  table=fmt.table, rows=parsed.frame, rows_read=rows_read, rejected=tuple(parsed.rejected),
                  notes=tuple(notes))


def overlay_key(uploads) -> str:
    """A short key naming a sequence of uploads (their contents, in order); "" for none."""
    if not uploads:
        return ""
    return hashlib.sha256("\n".join(u.sha256 for u in uploads).encode()).hexdigest()[:16]


def _copy_tables(con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute("select table_name, comment from duckdb_tables() where database_name = ? "
                         "and schema_name = 'main' and not internal order by table_name", [SHARED]).fetchall()
    for name, comment in tables:
        con.execute(f'create table "{name}" as select * from {SHARED}.main."{name}"')
        if comment:
            con.execute(f'comment on table "{name}" is {_literal(comment)}')
    for statement in DDL.values():  # a database built before the import tables existed
        con.execute(statement)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the shared file's views in dependency order (each tried until the views it reads exist)."""
    pending = con.execute("select view_name, sql, comment from duckdb_views() where database_name = ? "
                          "and schema_name = 'main' and not internal", [SHARED]).fetchall()
    while pending:
        waiting = []
        for name, sql, comment in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                waiting.append((name, sql, comment))
                continue
            if comment:
                con.execute(f'comment on view "{name}" is {_literal(comment)}')
        if len(waiting) == len(pending):
            raise duckdb.CatalogException(f"cannot re-create views {[v[0] for v in waiting]} in the overlay")
        pending = waiting


def open_overlay(path, uploads) -> tuple[duckdb.DuckDBPyConnection, tuple[Effect, ...]]:
    """An in-memory database `CATALOG` = the shared file's tables and views plus the uploads' rows."""
    con = duckdb.connect(":memory:")
    con.execute(f"attach ? as {SHARED} (read_only)", [str(path)])
    con.execute(f"attach ':memory:' as {CATALOG}")
    con.execute(f"use {CATALOG}")
    try:
        _copy_tables(con)
        _copy_views(con)
    finally:
        con.execute(f"detach {SHARED}")
    effects = tuple(write_rows(con, u.table, u.rows, u.record(), keep_record=False) for u in uploads)
    return con, effects


class OverlayStore(Store):
    """A `Store` over "the shared database + this session's uploads"; the shared file is only read."""

    def __init__(self, path, uploads):
        self.uploads = tuple(uploads)
        self.effects: tuple[Effect, ...] = ()
        super().__init__(path)

    def _current_connection(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            identity = self._file_identity()
            if identity != self._identity:
                self._connection, self.effects = open_overlay(self.path, self.uploads)
                self._identity = identity
            return self._connection
