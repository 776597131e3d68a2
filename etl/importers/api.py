"""Import one upstream file into the database: guard the bytes, detect, parse, write atomically.

`import_path` is what the CLI calls (`import_bytes` for bytes in hand, e.g. `etl refresh`). Both
refuse bad input with `ImportRefused` (the message names the file and what was expected) and then
leave the database byte-for-byte as it was. Writes hold the database's writer lock (etl/db.py), so
two imports at once both land. The Data page never writes: it parses an upload with `parse_bytes`
and lays the rows over the shared database for that session only (etl/importers/overlay.py).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from etl.importers.base import ImportRefused, Note, Parsed, RejectedRow, guarded_text
from etl.importers.detect import table_for
from etl.importers.parse import read_csv_text
from etl.importers.store import Effect, ImportRecord, set_preference, write_rows
from i18n import t

MAX_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 1_000
_BINARY_SIGNATURES = {b"PK\x03\x04": "zip / xlsx", b"\xd0\xcf\x11\xe0": "xls", b"%PDF": "pdf",
                      b"\x89PNG": "png", b"\x1f\x8b": "gzip"}


@dataclass
class ImportReport:
    """What an import did, for the CLI and the Data page."""

    file_name: str
    format_id: str
    table: str  # "models" or "shipments"
    rows_read: int
    rows_added: int  # models (shipment periods) that readers had not seen before
    rows_replaced: int  # models readers saw from another copy before and now see from this file
    rejected: list[RejectedRow]
    notes: list[Note] = field(default_factory=list)
    rows_kept: int = 0  # models already shown from a copy that still wins
    rows_filled: int = 0  # of those, models whose empty values this file filled
    rows_stored: int = 0  # rows written (read minus rejected)
    sha256: str = ""
    size_bytes: int = 0

    def format_label(self, lang: str = "en") -> str:
        return t(f"importers.format.{self.format_id}", lang)

    def rejected_frame(self, lang: str = "en") -> pd.DataFrame:
        """Rejected rows as a two-column table (row number, reason) in the reader's language."""
        return pd.DataFrame(
            {t("importers.row", lang): [r.row for r in self.rejected],
             t("importers.reason_header", lang): [r.reason(lang) for r in self.rejected]}
        )

    def summary(self, lang: str = "en") -> str:
        return t("uploads.cli_summary", lang, file=self.file_name, format=self.format_label(lang),
                 stored=self.rows_stored, table=f"{self.table}_imported", added=self.rows_added,
                 replaced=self.rows_replaced, kept=self.rows_kept, filled=self.rows_filled, rejected=len(self.rejected),
                 sha=self.sha256[:12])


def decode(file_name: str, data: bytes) -> tuple[str, list[Note]]:
    """Text of an upload or a CLI import, through the same guards as every other upload (etl.guards):
    size, NUL bytes anywhere, encoding (UTF-8, UTF-16 with a BOM, Windows-1252 with a note), control
    characters and the column cap. Raises ImportRefused naming the file and the problem."""
    return guarded_text(file_name, data, max_bytes=MAX_BYTES, max_columns=MAX_COLUMNS)


def read_frame(file_name: str, text: str) -> pd.DataFrame:
    header_width = len(text.split("\n", 1)[0].split(","))
    if header_width > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", file=file_name, columns=header_width, limit=MAX_COLUMNS)
    try:
        frame = read_csv_text(text)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise ImportRefused("unreadable", file=file_name, detail=str(error).strip().splitlines()[-1]) from None
    if frame.shape[1] > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", file=file_name, columns=frame.shape[1], limit=MAX_COLUMNS)
    return frame


def parse_bytes(file_name: str, data: bytes):
    """Pure parsing (no database): (format, parsed rows, notes). Raises ImportRefused."""
    text, notes = decode(file_name, data)
    fmt, table = table_for(file_name, read_frame(file_name, text))
    parsed: Parsed = fmt.parse(table)
    if parsed.frame.empty:
        first = parsed.rejected[0] if parsed.rejected else None
        raise ImportRefused("no_usable_rows", file=file_name, format_id=fmt.id, rejected=len(parsed.rejected),
                            example=f"row {first.row}: {first.reason('en')}" if first else "-")
    return fmt, parsed, notes + parsed.notes, len(table.frame)


def import_record(file_name: str, data: bytes, fmt_id: str, target: str, rows_stored: int,
                  accessed: date | None = None) -> ImportRecord:
    """The manifest row of one file: its SHA-256 and size, the access date (today unless given), when."""
    imported_at = datetime.now(UTC).replace(tzinfo=None)
    return ImportRecord(sha256=hashlib.sha256(data).hexdigest(), file_name=file_name, size_bytes=len(data),
                        accessed=accessed or imported_at.date(), import_format=fmt_id, target=target,
                        rows_stored=rows_stored, imported_at=imported_at)


def report_of(record: ImportRecord, effect: Effect, rows_read: int, rejected, notes) -> ImportReport:
    return ImportReport(
        file_name=record.file_name, format_id=record.import_format, table=record.target, rows_read=rows_read,
        rows_added=effect.added, rows_replaced=effect.replaced, rejected=rejected, notes=notes,
        rows_kept=effect.kept, rows_filled=effect.filled, rows_stored=record.rows_stored, sha256=record.sha256, size_bytes=record.size_bytes,
    )


def import_bytes(db_path: str | os.PathLike, file_name: str, data: bytes, accessed: date | None = None) -> ImportReport:
    """Detect, parse and load one upstream export into the shared database, all or nothing.

    Rows of an earlier import of the same content (SHA-256) are replaced; files with other content
    never touch each other's rows, whatever their names. `accessed` is the date the file was
    downloaded (today by default), recorded with its SHA-256 and size in the `imports` manifest.
    Raises ImportRefused (nothing written) for a file that is too large, binary, not text, of no known
    format, missing a required column, without a usable row, or when the database does not exist.
    """
    from etl.db import DatabaseMissing, atomic_update  # the ETL engineer's module; imported late on purpose

    file_name = Path(file_name).name
    fmt, parsed, notes, rows_read = parse_bytes(file_name, data)
    record = import_record(file_name, data, fmt.id, fmt.table, len(parsed.frame), accessed)
    try:
        with atomic_update(db_path) as con:
            effect = write_rows(con, fmt.table, parsed.frame, record)
    except DatabaseMissing:
        raise ImportRefused("no_database", file=file_name, db=str(db_path)) from None
    return report_of(record, effect, rows_read, parsed.rejected, notes)


def import_path(db_path: str | os.PathLike, path: str | os.PathLike, accessed: date | None = None) -> ImportReport:
    """`import_bytes` for a file on disk (its size is checked before it is read); the access date
    defaults to the day the file was last modified (when it was downloaded)."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused("not_found", file=str(path))
    if path.stat().st_size > MAX_BYTES:
        raise ImportRefused("too_large", file=path.name, size_mb=f"{path.stat().st_size / 1e6:.1f}",
                            limit_mb=MAX_BYTES // 2**20)
    accessed = accessed or datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    return import_bytes(db_path, path.name, path.read_bytes(), accessed)


def set_source_preference(db_path: str | os.PathLike, preference: str) -> None:
    """Store 'curated' or 'upstream' in the settings table the marts read, atomically."""
    from etl.db import DatabaseMissing, atomic_update

    try:
        with atomic_update(db_path) as con:
            set_preference(con, preference)
    except DatabaseMissing:
        raise ImportRefused("no_database", file="-", db=str(db_path)) from None
